"""What every emulated CloudFormation resource model shares (moto's ``CloudFormationModel`` protocol)."""

from __future__ import annotations

import functools
import importlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from werkzeug.exceptions import HTTPException

# moto.cloudformation imports every moto service (about 1.5 s): it is only touched once moto itself
# has loaded it (see install()), so that installing the emulator stays cheap.


def moto_parsing() -> ModuleType:
    return importlib.import_module("moto.cloudformation.parsing")


class ValidationError(ServiceException):
    """CloudFormation's ValidationError (what moto's CloudFormation raises for a failed operation)."""

    code = "ValidationError"

    def __init__(self, message: str):
        super().__init__(message)


# A resource's ``Properties`` as the template gives them (JSON, intrinsics resolved by moto).
Properties = Any


def moto_backend(service: str, account_id: str, region: str) -> Any:
    """moto's backend of ``service`` in an account and Region (``"aws"`` for a global service),
    imported on first use: moto's service modules are heavy."""
    models = importlib.import_module(f"moto.{service}.models")
    return getattr(models, f"{service}_backends")[account_id][region]


def _unsupported_attribute() -> Exception:
    module = importlib.import_module("moto.cloudformation.exceptions")
    return module.UnformattedGetAttTemplateException()  # type: ignore[no-any-return]


CUSTOM_TYPES = ("AWS::CloudFormation::CustomResource",)


def json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def tag_map(tags: Any) -> dict[str, str]:
    """CloudFormation tags come as a list of Key/Value or as a map; AWS Backup takes a map."""
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags or []}


def audit_name(generated: str) -> str:
    """A generated name valid for BAM (letters, digits, underscores, starting with a letter)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", generated)
    return name if name[:1].isalpha() else f"n{name}"


_F = TypeVar("_F", bound=Callable[..., Any])


def _as_stack_error(operation: str, function: _F) -> _F:
    """A service error while CloudFormation works on a resource fails the stack operation.

    moto has no CREATE_FAILED/ROLLBACK: the error surfaces from CreateStack/UpdateStack/DeleteStack as a
    CloudFormation ``ValidationError`` naming the resource's error code and message, instead of the
    service's own (JSON) error that the CloudFormation client could not parse.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValidationError:
            raise
        except (ServiceException, HTTPException) as exc:
            code = (
                getattr(exc, "code", "")
                if isinstance(exc, ServiceException)
                else getattr(exc, "error_type", "")
            )
            message = getattr(exc, "message", None) or getattr(exc, "description", None) or str(exc)
            raise ValidationError(
                message=f"Resource handler returned message: {code}: {message} ({operation})"
            ) from exc

    return wrapper  # type: ignore[return-value]


class Resource:
    """Shared behaviour of the models below (not a CloudFormationModel itself, so that each model
    is a direct subclass and moto's registry, ``CloudFormationModel.__subclasses__()``, sees it)."""

    TYPE: ClassVar[str] = ""
    NAME_PROPERTY: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[frozenset[str]] = frozenset()
    # an update applies the new properties to the same resource (else: replacement)
    UPDATE_IN_PLACE: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, operation in (
            ("create", "CREATE"),
            ("update", "UPDATE"),
            ("create_from_cloudformation_json", "CREATE"),
            ("update_from_cloudformation_json", "UPDATE"),
        ):
            if name in cls.__dict__:
                method = cls.__dict__[name]
                setattr(cls, name, classmethod(_as_stack_error(operation, method.__func__)))
        if "delete" in cls.__dict__:
            cls.delete = _as_stack_error("DELETE", cls.__dict__["delete"])  # type: ignore[method-assign]

    def __init__(self, physical_id: str, account_id: str, region_name: str, attributes: dict[str, Any]):
        self.physical_id = physical_id
        self.account_id = account_id
        self.region_name = region_name
        self.attributes = attributes

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.attributes:
            return self.attributes[attribute_name]
        raise _unsupported_attribute()

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        """moto's entry point: :meth:`create` with the resource's properties."""
        return cls.create(resource_name, cloudformation_json["Properties"], account_id, region_name)

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Any:
        """Create the emulated resource; each model implements it."""
        raise NotImplementedError(cls.TYPE)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """moto's entry point: :meth:`update` with the resource's new properties."""
        props = cloudformation_json["Properties"]
        return cls.update(original_resource, new_resource_name, props, account_id, region_name)

    @classmethod
    def update(
        cls, original: Any, new_name: str, props: Properties, account_id: str, region_name: str
    ) -> Any:
        """In place when ``UPDATE_IN_PLACE`` (create again over the same physical ID), else
        replacement: delete the old resource, create the new one."""
        if cls.UPDATE_IN_PLACE:
            return cls.create(original.physical_id, props, account_id, region_name)
        original.delete(account_id, region_name)
        return cls.create(new_name, props, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        """Delete the emulated resource behind this model."""

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        """Deletion goes through ``delete`` on the instance (moto calls that first)."""


class RecordedOnly(Resource):
    """Types with no emulated API: recorded with a physical ID and attributes, nothing else."""

    @classmethod
    def create(cls, resource_name: str, props: Properties, account_id: str, region_name: str) -> Any:
        name = props.get(cls.NAME_PROPERTY) if cls.NAME_PROPERTY else None
        physical = str(name or cls.physical_id_for(resource_name, account_id, region_name))
        resource = cls(physical, account_id, region_name, {"Arn": physical, "Id": physical})
        resource.properties = dict(props)
        return resource

    properties: dict[str, Any] = {}  # noqa: RUF012 - set per instance

    # the physical ID when NAME_PROPERTY is not given: {name} (logical ID), {account}, {region} and
    # {random} (hex; ``{random:.13}`` keeps 13 characters)
    PHYSICAL_ID: ClassVar[str] = "{name}"

    @classmethod
    def physical_id_for(cls, resource_name: str, account_id: str, region_name: str) -> str:
        return cls.PHYSICAL_ID.format(
            name=resource_name, account=account_id, region=region_name, random=uuid.uuid4().hex
        )

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        # Attributes of recorded-only types are their physical ID (ARN-shaped where the type's is).
        return self.attributes.get(attribute_name, self.physical_id)


def our_models() -> dict[str, type]:
    found: dict[str, type] = {}
    pending: list[type[Resource]] = list(Resource.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if issubclass(model, CloudFormationModel) and model.TYPE:
            found[model.TYPE] = model
    return found
