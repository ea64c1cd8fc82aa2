"""CloudFormation custom resources, routed to in-process handlers.

moto sends a custom resource's request to a Lambda function it runs in Docker. Here a custom
resource goes to a Python callable registered for its ``ServiceToken``::

    from cfct_backup.emulator.custom_resources import register
    register("cfct-backup-custom-resource", handler)     # function name, ARN or ARN prefix

The handler receives the standard request event
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html):
``RequestType`` (Create/Update/Delete), ``ServiceToken``, ``ResponseURL``, ``StackId``,
``RequestId``, ``LogicalResourceId``, ``ResourceType``, ``ResourceProperties`` and, for Update and
Delete, ``PhysicalResourceId`` (and ``OldResourceProperties`` for Update), plus a context argument.
It answers as a real handler does, by an HTTPS ``PUT`` of the response object
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html) to the
``ResponseURL`` — crhelper and hand-written ``urllib``/``http.client`` code work unchanged: while
the handler runs, HTTPS connections to the response host are answered in-process and the body is
captured. A handler may instead return the response object (used when nothing was PUT).
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]

RESPONSE_HOST_TEMPLATE = "cloudformation-custom-resource-response-{region}.s3.amazonaws.com"

_handlers: dict[str, Handler] = {}
_responses: dict[str, dict[str, Any]] = {}
_lock = threading.RLock()


def register(service_token: str, handler: Handler) -> None:
    """Route custom resources whose ServiceToken is, ends with (function name) or starts with this."""
    with _lock:
        _handlers[service_token] = handler


def unregister(service_token: str) -> None:
    with _lock:
        _handlers.pop(service_token, None)


def clear() -> None:
    with _lock:
        _handlers.clear()
        _responses.clear()


def handler_for(service_token: str) -> Handler | None:
    """The handler for a ServiceToken: exact match, then function name, then longest ARN prefix."""
    with _lock:
        if service_token in _handlers:
            return _handlers[service_token]
        parts = service_token.split(":")
        if len(parts) >= 7 and parts[2] == "lambda" and parts[6] in _handlers:
            return _handlers[parts[6]]
        prefixes = [key for key in _handlers if key.startswith("arn:") and service_token.startswith(key)]
        return _handlers[max(prefixes, key=len)] if prefixes else None


class _Context:
    """A minimal Lambda context (what crhelper and powertools read)."""

    def __init__(self, function_name: str):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_name
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "emulator"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


class _ResponseConnection:
    """Stands in for ``http.client.HTTPSConnection`` to the response host: captures the PUT body."""

    def __init__(self, host: str, *args: Any, **kwargs: Any):
        self.host = host
        self._path = ""

    def request(self, method: str, url: str, body: Any = None, headers: Any = None, **kwargs: Any) -> None:
        self._path = url
        data = body.encode() if isinstance(body, str) else bytes(body or b"")
        with _lock:
            _responses[url.split("?", 1)[0]] = json.loads(data.decode() or "{}")

    # http.client's lower-level API, as used by urllib.request
    def putrequest(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        self._path = url
        self._body = b""

    def putheader(self, *args: Any) -> None:
        return None

    def endheaders(self, message_body: Any = None, **kwargs: Any) -> None:
        if message_body:
            self.send(message_body)
        self._store()

    def send(self, data: Any) -> None:
        self._body = getattr(self, "_body", b"") + (data.encode() if isinstance(data, str) else bytes(data))

    def _store(self) -> None:
        body = getattr(self, "_body", b"")
        if body:
            with _lock:
                _responses[self._path.split("?", 1)[0]] = json.loads(body.decode())

    def getresponse(self) -> Any:
        self._store()
        return _OkResponse()

    def set_debuglevel(self, level: int) -> None:
        return None

    def set_tunnel(self, *args: Any, **kwargs: Any) -> None:
        return None

    def close(self) -> None:
        return None


class _OkResponse:
    status = 200
    reason = "OK"
    msg = http.client.HTTPMessage()
    headers = msg

    def read(self, *args: Any) -> bytes:
        return b""

    def getheaders(self) -> list[tuple[str, str]]:
        return []

    def close(self) -> None:
        return None


@contextmanager
def _capturing_responses(response_host: str) -> Iterator[None]:
    real = http.client.HTTPSConnection

    def connection(host: str, *args: Any, **kwargs: Any) -> Any:
        if host.split(":", maxsplit=1)[0] == response_host:
            return _ResponseConnection(host, *args, **kwargs)
        return real(host, *args, **kwargs)

    crhelper_utils = sys.modules.get("crhelper.utils")
    http.client.HTTPSConnection = connection  # type: ignore[misc,assignment]
    if crhelper_utils is not None:
        crhelper_utils.HTTPSConnection = connection  # type: ignore[attr-defined]
    try:
        yield
    finally:
        http.client.HTTPSConnection = real  # type: ignore[misc]
        if crhelper_utils is not None:
            crhelper_utils.HTTPSConnection = real  # type: ignore[attr-defined]


@contextmanager
def _lambda_region(region_name: str) -> Iterator[None]:
    """Lambda sets AWS_REGION (and AWS_DEFAULT_REGION) to the function's Region."""
    saved = {k: os.environ.get(k) for k in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region_name
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(
    service_token: str,
    request_type: str,
    *,
    region_name: str,
    stack_id: str,
    logical_id: str,
    resource_type: str,
    properties: Mapping[str, Any],
    physical_id: str | None = None,
    old_properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Send one request to the registered handler and return its response object.

    Raises ``LookupError`` when no handler is registered for the ServiceToken.
    """
    handler = handler_for(service_token)
    if handler is None:
        raise LookupError(f"no custom resource handler registered for ServiceToken {service_token}")
    request_id = str(uuid.uuid4())
    host = RESPONSE_HOST_TEMPLATE.format(region=region_name.replace("-", ""))
    path = f"/{stack_id.replace(':', '%3A').replace('/', '%2F')}%7C{logical_id}%7C{request_id}"
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": service_token,
        "ResponseURL": f"https://{host}{path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200",
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": logical_id,
        "ResourceType": resource_type,
        "ResourceProperties": dict(properties),
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = dict(old_properties)
    function_name = service_token.split(":")[6] if service_token.count(":") >= 6 else service_token
    function_region = service_token.split(":")[3] if service_token.count(":") >= 6 else region_name
    with _capturing_responses(host), _lambda_region(function_region):
        returned = handler(event, _Context(function_name))
    with _lock:
        response = _responses.pop(path, None)
    if response is None and isinstance(returned, Mapping) and "Status" in returned:
        response = dict(returned)
    if response is None:
        response = {"Status": "FAILED", "Reason": "the handler sent no response to the ResponseURL"}
    return response
