"""CfCT's own manifest schema, checked the way CfCT's build stage checks it.

`run-validation.sh` (CfCT v2.8.4) runs `pykwalify -d manifest.yaml -s
cfct/validation/manifest-v2.schema.yaml`; any error stops the pipeline before anything deploys.
The schema file is carried unchanged next to this module (`schema/manifest-v2.schema.yaml`, source,
commit and licence in `schema/NOTICE`) and loaded through pykwalify 1.8.0, the version CfCT
installs, reading the manifest with ruamel.yaml as the pykwalify command does. Among what it
refuses and PyYAML alone would not: a quoted `version: "2021-03-15"` (the schema's `date` enum
wants a YAML date, not a string), a repeated Region in `regions`, a duplicate mapping key.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import yaml

SCHEMA_FILE = Path(__file__).with_name("schema") / "manifest-v2.schema.yaml"
CFCT_TAG = "v2.8.4"


def _line(root: yaml.Node | None, path: str, key: str | None = None) -> int | None:
    """The line of a pykwalify path (`/resources/0/regions/1`) in the composed manifest; with `key`,
    the line of that key inside the mapping at `path` (an undefined key)."""
    node = root
    if node is None:
        return None
    for part in [*[p for p in path.split("/") if p], *([key] if key is not None else [])]:
        if isinstance(node, yaml.MappingNode):
            pair = next(
                (kv for kv in node.value if isinstance(kv[0], yaml.ScalarNode) and kv[0].value == part), None
            )
            if pair is None:
                break
            node = pair[0] if part == key else pair[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
        else:
            break
    return node.start_mark.line + 1


def schema_errors(text: str, root: yaml.Node | None) -> list[tuple[int | None, str]]:
    """(line, message) for each error pykwalify reports against CfCT's manifest-v2 schema."""
    from pykwalify.core import Core  # noqa: PLC0415 - only when validating
    from pykwalify.errors import PyKwalifyException  # noqa: PLC0415
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError as RuamelError  # noqa: PLC0415

    try:
        data: Any = YAML(typ="safe", pure=True).load(text)
    except RuamelError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [(line, f"pykwalify cannot load the manifest: {problem}")]
    logger = logging.getLogger("pykwalify")
    level, logger.level = logger.level, logging.CRITICAL + 1
    try:
        core = Core(source_data=data, schema_files=[str(SCHEMA_FILE)])
        core.validate(raise_exception=False)
    except PyKwalifyException as exc:  # e.g. an empty manifest: "No source file/data was loaded"
        return [(None, f"pykwalify: {exc.msg}")]
    except Exception as exc:  # noqa: BLE001 - pykwalify itself crashes on some shapes, so does CfCT's build
        return [(None, f"pykwalify crashes on this manifest ({type(exc).__name__}: {exc})")]
    finally:
        logger.setLevel(level)
    out: list[tuple[int | None, str]] = []
    for error in core.errors:
        message = str(error)
        # the path the message names (a uniqueness error's `path` attribute is its parent's)
        path = message.rsplit("Path: '", 1)[1].split("'", 1)[0] if "Path: '" in message else ""
        path = path or str(getattr(error, "path", ""))
        if path == "/version" and isinstance(data, dict) and isinstance(data.get("version"), str):
            message += " (a quoted version is a string; CfCT's schema wants the unquoted date 2021-03-15)"
        undefined = re.match(r"^Key '(.+)' was not defined", message)
        out.append((_line(root, path, undefined.group(1) if undefined else None), message))
    return out
