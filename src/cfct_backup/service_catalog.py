"""Service Catalog product templates: which templates are products, and where they are published.

A portfolio template (`templates/self-service.yaml`) points each of its
`AWS::ServiceCatalog::CloudFormationProduct` resources at a product template by URL:

    ProvisioningArtifactParameters:
      - Info:
          LoadTemplateFromURL: !Sub "https://${ArtifactBucket}.s3.${HomeRegion}.${AWS::URLSuffix}/service-catalog/sc-x.yaml"

The convention (docs/conventions.md): the object `service-catalog/<name>` of the artifact bucket is
a copy of `templates/<name>`, uploaded by `cfct-backup publish`. This module is the one place that
knows it: `publish` uploads exactly what `package_products` finds, and `validate` checks the same
list (a referenced product template missing from `templates/` is an error; a present one is used,
not "undeployed"). Only templates CfCT deploys count, and the product templates they reference
(a product may itself offer products); a template nobody deploys offers nothing.

A URL that is not an S3 URL of a key under `service-catalog/` (another bucket's layout, a URL with
a parameter in the key) is reported with `key = None`: publish does not upload it and validate
cannot check it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cfct_backup.cfct.cfn import decode_template
from cfct_backup.cfct.manifest import Manifest

PRODUCT_TYPE = "AWS::ServiceCatalog::CloudFormationProduct"
KEY_PREFIX = "service-catalog/"
TEMPLATES_DIR = "templates"
URL_PROPERTY = "LoadTemplateFromURL"
REMOTE_PREFIXES = ("s3://", "https://", "http://")

# (template data or None, error message or None) for a template file.
Loader = Callable[[Path], tuple[dict[str, Any] | None, str | None]]

# An S3 host: virtual-hosted `<bucket>.s3.<region>.<suffix>` (or the legacy `s3-<region>`), or
# path-style `s3.<region>.<suffix>` whose first path segment is the bucket.
_VIRTUAL_HOST = re.compile(r"\.s3([.-]|$)")
_PATH_STYLE_HOST = re.compile(r"^s3([.-]|$)")


@dataclass(frozen=True)
class ProductReference:
    """One `LoadTemplateFromURL` of a `CloudFormationProduct` in a template of the package."""

    template: str  # package-relative path of the template with the product resource
    resource: str  # logical ID of the product resource
    url: str  # as written, `${...}` kept; "" when it is not a string, Fn::Sub or Fn::Join
    line: int | None  # of the URL in `template`, when the loader keeps positions
    key: str | None  # object key in the artifact bucket; None: not a product template of the package

    @property
    def source(self) -> str | None:
        """The package file published at `key`: `templates/<name>` for `service-catalog/<name>`."""
        if self.key is None:
            return None
        return f"{TEMPLATES_DIR}/{self.key[len(KEY_PREFIX) :]}"


def _text(value: Any) -> str | None:
    """The URL as a string with `${...}` for what is only known at deploy time."""
    if isinstance(value, str):
        return str(value)
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((function, argument),) = value.items()
    if function == "Fn::Sub":
        if isinstance(argument, str):
            return str(argument)
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            return str(argument[0])
    if (
        function == "Fn::Join"
        and isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], list)
    ):
        return str(argument[0]).join(_join_part(p) for p in argument[1])
    return None


def _join_part(part: Any) -> str:
    """A part of Fn::Join as Fn::Sub would write it: `${Name}` for a Ref, `${Intrinsic}` otherwise."""
    if isinstance(part, str):
        return str(part)
    if isinstance(part, Mapping) and set(part) == {"Ref"} and isinstance(part["Ref"], str):
        return "${" + str(part["Ref"]) + "}"
    return "${Intrinsic}"


def object_key(url: str) -> str | None:
    """The object key of an https S3 URL (query string dropped), or None if it is not one."""
    rest = url.partition("?")[0].partition("#")[0]
    if not rest.startswith("https://"):
        return None
    host, slash, path = rest[len("https://") :].partition("/")
    if not slash:
        return None
    if _PATH_STYLE_HOST.search(host) and not _VIRTUAL_HOST.search(host):
        _bucket, slash, path = path.partition("/")
        if not slash:
            return None
    elif not _VIRTUAL_HOST.search(host):
        return None
    return path or None


def product_key(url: str) -> str | None:
    """`service-catalog/<name>` when the URL names a product template of the package, else None."""
    key = object_key(url)
    if key is None or not key.startswith(KEY_PREFIX):
        return None
    name = key[len(KEY_PREFIX) :]
    parts = PurePosixPath(name).parts
    if not name or "${" in name or "\\" in name or not parts or any(p in ("", ".", "..") for p in parts):
        return None
    if name != "/".join(parts):  # no leading, trailing or doubled slashes
        return None
    return key


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def template_products(template: Mapping[str, Any], where: str) -> list[ProductReference]:
    """The product URLs of one template (`where`: its package-relative path)."""
    found: list[ProductReference] = []
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return found
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != PRODUCT_TYPE:
            continue
        properties = resource.get("Properties")
        if not isinstance(properties, Mapping):
            continue
        artifacts = properties.get("ProvisioningArtifactParameters")
        for artifact in artifacts if isinstance(artifacts, list) else []:
            info = artifact.get("Info") if isinstance(artifact, Mapping) else None
            if not isinstance(info, Mapping) or URL_PROPERTY not in info:
                continue
            raw = info[URL_PROPERTY]
            url = _text(raw)
            found.append(
                ProductReference(
                    template=where,
                    resource=str(logical_id),
                    url=url or "",
                    line=_line(raw),
                    key=product_key(url) if url is not None else None,
                )
            )
    return found


def _package_path(root: Path, ref: str) -> str | None:
    """`ref` relative to the package root, or None when it leaves the package."""
    resolved_root = root.resolve()
    path = (root / ref.removeprefix("./")).resolve()
    if not path.is_relative_to(resolved_root):
        return None
    return path.relative_to(resolved_root).as_posix()


def package_products(
    root: Path, manifest: Manifest, load: Loader = decode_template
) -> list[ProductReference]:
    """Every product URL of the templates the manifest deploys, and of the product templates those
    reference, in manifest order. Missing or unreadable templates are skipped (validate reports
    them under their own codes)."""
    queue: list[str] = []
    for resource in manifest.resources:
        if resource.deploy_method in ("scp", "rcp") or resource.resource_file.startswith(REMOTE_PREFIXES):
            continue
        rel = _package_path(root, resource.resource_file)
        if rel is not None:
            queue.append(rel)
    seen: set[str] = set()
    found: list[ProductReference] = []
    while queue:
        rel = queue.pop(0)
        if rel in seen:
            continue
        seen.add(rel)
        path = root / rel
        if not path.is_file():
            continue
        data, _error = load(path)
        if data is None:
            continue
        for reference in template_products(data, rel):
            found.append(reference)
            if reference.source is not None:
                queue.append(reference.source)
    return found


def published_products(references: list[ProductReference]) -> dict[str, ProductReference]:
    """Object key -> the first reference to it, for every product template publish uploads."""
    out: dict[str, ProductReference] = {}
    for reference in references:
        if reference.key is not None:
            out.setdefault(reference.key, reference)
    return dict(sorted(out.items()))
