"""KMS: idempotent named grants, and multi-Region replicas that are keys of their own.

``CreateGrant`` with a ``Name`` is idempotent, as AWS documents.

moto 5.2.x creates a new grant on every ``CreateGrant`` call. AWS
(https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html, parameter ``Name``):
"When this value is present, you can retry a CreateGrant request with identical parameters; if the
grant already exists, the original GrantId is returned without creating a new grant. Note that the
returned grant token is unique with every CreateGrant request, even when a duplicate GrantId is
returned. All grant tokens for the same grant ID can be used interchangeably." Without a name,
every request creates a new grant, even with identical parameters.

Here, on the same key: same ``Name``, ``GranteePrincipal``, ``RetiringPrincipal``, ``Constraints``
and the same set of ``Operations`` (their order does not matter) returns the existing grant's ID
with a fresh token, and ``RetireGrant`` accepts any token returned for a grant. The same name with
any other parameter different creates a new grant (AWS does not make names unique).

Multi-Region keys (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html,
https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html,
https://docs.aws.amazon.com/kms/latest/APIReference/API_MultiRegionConfiguration.html).
moto 5.2.x makes a replica with ``copy.copy`` of the primary ``Key``: the copy shares the primary's
``multi_region_configuration`` dict (and its ``grants`` and ``aliases``), so the first DescribeKey
of the replica, which sets ``MultiRegionKeyType`` to ``REPLICA``, turns the primary into a
``REPLICA`` too, and a grant or alias made on one key shows on the other. AWS: "A replica key is a
fully-functional KMS key"; a primary and its replicas share the key ID, key material, key spec, key
usage, origin and automatic rotation; the key policy, grants, aliases, tags, description and
enabled state are each key's own. ``MultiRegionConfiguration`` of every related key names the
primary (``PrimaryKey``) and all replicas (``ReplicaKeys``); the type is ``PRIMARY`` on the primary,
``REPLICA`` on a replica. Here ReplicateKey builds the replica with its own configuration, grants,
aliases and creation date, the default key policy unless ``Policy`` is given (AWS: "If you do not
specify a key policy, KMS attaches the default key policy"), the ``Description`` and ``Tags`` of
the request, and adds it to the primary's ``ReplicaKeys`` (one list, seen by every related key).
Not modelled: the automatic rotation setting is copied when the replica is made, not kept in sync
with the primary afterwards, and a deleted replica stays listed in ``ReplicaKeys``.
ReplicateKey raises ``NotFoundException`` for an unknown key, ``UnsupportedOperationException`` unless the
key is a multi-Region primary, and ``AlreadyExistsException`` when the Region already holds a key
with that ID ("each must be in a different Region").

Multi-Region key IDs are ``mrk-`` and 32 lowercase hex digits, as AWS issues them (moto uses ``mrk-``
and a hyphenated UUID, 40 characters, which also do not fit the 36-byte key ID of moto's ciphertext
blob, so a multi-Region key could not decrypt what it encrypted). Key ID validation accepts them.
"""

from __future__ import annotations

import json
import re
from copy import copy
from typing import Any, cast

from moto.core.exceptions import JsonRESTError
from moto.core.utils import unix_time
from moto.kms import models as _models
from moto.kms import urls as _urls
from moto.kms.exceptions import AlreadyExistsException, NotFoundException
from moto.kms.responses import KmsResponse
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from ._moto import swap_backend_class, url_module

# AWS multi-Region key ID: "mrk-" and 32 hex digits (36 characters, like a UUID key ID)
_MRK_ID = re.compile(r"^mrk-[0-9a-f]{32}$", re.IGNORECASE)


def _request_of(grant: Any) -> tuple[Any, ...]:
    """What makes two CreateGrant requests on one key "identical" (operations as a set)."""
    return _request(
        grant.name, grant.grantee_principal, grant.operations, grant.constraints, grant.retiring_principal
    )


def _request(*params: Any) -> tuple[Any, ...]:
    name, grantee, operations, constraints, retiring = params
    return (name, grantee, tuple(sorted(operations or [])), constraints or None, retiring or None)


class EmulatedKmsBackend(_models.KmsBackend):
    """moto's ``KmsBackend`` with idempotent named grants (see the module docstring)."""

    def __init__(self, region_name: str, account_id: str | None = None):
        super().__init__(region_name, account_id)
        self._init_extension()

    def _init_extension(self) -> None:
        # token -> (key ID, grant ID) for the tokens of idempotent retries
        self.extra_grant_tokens: dict[str, tuple[str, str]] = {}

    @property
    def _url_module(self) -> Any:
        # moto's routes, with the response class that accepts AWS-shaped multi-Region key IDs.
        return url_module(list(_urls.url_bases), {"{0}/$": EmulatedKmsResponse.dispatch})

    def _key_arn(self, region_name: str, key_id: str) -> str:
        return f"arn:{get_partition(region_name)}:kms:{region_name}:{self.account_id}:key/{key_id}"

    def create_key(  # noqa: PLR0917 - moto's signature
        self,
        policy: str | None,
        key_usage: str,
        key_spec: str,
        description: str,
        tags: list[dict[str, str]] | None,
        multi_region: bool = False,
        origin: str = "AWS_KMS",
    ) -> _models.Key:
        key = super().create_key(policy, key_usage, key_spec, description, None, multi_region, origin)
        if multi_region:
            # AWS-shaped ID, set before the key is visible anywhere but in self.keys.
            del self.keys[key.id]
            key.id = f"mrk-{mock_random.uuid4().hex}"
            key.arn = self._key_arn(self.region_name, key.id)
            key.multi_region_configuration["PrimaryKey"]["Arn"] = key.arn
            self.keys[key.id] = key
        if tags:
            self.tagger.tag_resource(key.id, tags)
        return key

    def replicate_key(
        self,
        key_id: str,
        replica_region: str,
        policy: str | None = None,
        description: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> _models.Key:
        """ReplicateKey: a replica that is a key of its own (see the module docstring)."""
        primary = self.keys.get(self.get_key_id(key_id))
        if primary is None:
            arn = key_id if key_id.startswith("arn:") else self._key_arn(self.region_name, key_id)
            raise NotFoundException(f"Key '{arn}' does not exist")
        config = primary.multi_region_configuration if primary.multi_region else None
        if config is None or config["PrimaryKey"]["Arn"] != primary.arn:
            raise JsonRESTError(
                "UnsupportedOperationException", f"{primary.arn} is not a multi-Region primary key."
            )
        target = cast(EmulatedKmsBackend, _models.kms_backends[self.account_id][replica_region])
        if primary.id in target.keys:
            raise AlreadyExistsException(f"Key {primary.id} already exists in {replica_region}")
        replica = copy(primary)  # shares key ID, material, spec, usage, origin, rotation
        replica.region = replica_region
        replica.arn = self._key_arn(replica_region, primary.id)
        replica.creation_date = unix_time()
        replica.description = description or ""
        replica.policy = policy or replica.generate_default_policy()
        replica.enabled, replica.key_state, replica.deletion_date = True, "Enabled", None
        replica.grants = {}
        replica.aliases = {}
        config["ReplicaKeys"].append({"Arn": replica.arn, "Region": replica_region})
        replica.multi_region_configuration = {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": dict(config["PrimaryKey"]),
            "ReplicaKeys": config["ReplicaKeys"],  # one list for the primary and all its replicas
        }
        target.keys[replica.id] = replica
        if tags:
            target.tagger.tag_resource(replica.id, tags)
        return replica

    def create_grant(  # noqa: PLR0917 - moto's signature
        self,
        key_id: str,
        grantee_principal: str,
        operations: list[str],
        name: str,
        constraints: dict[str, Any],
        retiring_principal: str,
    ) -> tuple[str, str]:
        if name:
            key = self.describe_key(key_id)
            wanted = _request(name, grantee_principal, operations, constraints, retiring_principal)
            for grant in key.grants.values():
                if _request_of(grant) == wanted:
                    token = str(mock_random.get_random_hex())
                    self.extra_grant_tokens[token] = (key.id, grant.id)
                    return str(grant.id), token
        grant_id, token = super().create_grant(
            key_id,
            grantee_principal,
            operations,
            name,
            constraints=constraints,
            retiring_principal=retiring_principal,
        )
        return grant_id, token

    def retire_grant(self, key_id: str, grant_id: str, grant_token: str) -> None:
        if grant_token and grant_token in self.extra_grant_tokens:
            owner_key, owner_grant = self.extra_grant_tokens.pop(grant_token)
            key = self.keys.get(owner_key)
            if key is not None:
                key.retire_grant(owner_grant)
            return
        super().retire_grant(key_id, grant_id, grant_token)


class EmulatedKmsResponse(KmsResponse):
    def _validate_cmk_id(self, key_id: str) -> None:
        """Also accept AWS-shaped multi-Region key IDs (moto's check wants a hyphenated UUID)."""
        if _MRK_ID.match(key_id):
            if key_id not in self.kms_backend.keys:
                raise NotFoundException(f"Key '{self._display_arn(key_id)}' does not exist")
            return
        super()._validate_cmk_id(key_id)

    def replicate_key(self) -> str:
        """ReplicateKey with the request's Policy, Description and Tags (moto drops them)."""
        key_id = self._get_param("KeyId")
        self._validate_key_id(key_id)
        tags = self._get_param("Tags") or []
        replica = cast(EmulatedKmsBackend, self.kms_backend).replicate_key(
            key_id,
            self._get_param("ReplicaRegion"),
            policy=self._get_param("Policy"),
            description=self._get_param("Description"),
            tags=tags,
        )
        return json.dumps(
            {
                "ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"],
                "ReplicaPolicy": replica.policy,
                "ReplicaTags": tags,
            }
        )


def install() -> None:
    """Swap the extended backend in for every account and Region (present and future)."""
    swap_backend_class(_models.kms_backends, EmulatedKmsBackend)


def backend(account_id: str, region_name: str) -> EmulatedKmsBackend:
    """The emulated KMS of one account and Region (for helpers and assertions)."""
    return cast(EmulatedKmsBackend, _models.kms_backends[account_id][region_name])
