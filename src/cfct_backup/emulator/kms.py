"""KMS: ``CreateGrant`` with a ``Name`` is idempotent, as AWS documents.

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
"""

from __future__ import annotations

from typing import Any, cast

from moto.kms import models as _models
from moto.kms import urls as _urls
from moto.moto_api._internal import mock_random

from ._moto import swap_backend_class


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
        # The backend class lives here, its routes and responses are moto's own.
        return _urls

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


def install() -> None:
    """Swap the extended backend in for every account and Region (present and future)."""
    swap_backend_class(_models.kms_backends, EmulatedKmsBackend)


def backend(account_id: str, region_name: str) -> EmulatedKmsBackend:
    """The emulated KMS of one account and Region (for helpers and assertions)."""
    return cast(EmulatedKmsBackend, _models.kms_backends[account_id][region_name])
