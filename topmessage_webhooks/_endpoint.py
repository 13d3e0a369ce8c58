"""What the WSGI and ASGI receivers share: checks, verification, answers and logs.

The receivers only move bytes; every decision is here. A request is checked
(method, Content-Length), its body read within ``max_body_size``, verified and
parsed, dispatched, and answered:

- 405 with ``Allow: POST`` for any other method;
- the error's ``status_code`` (401, 400, 413) for a rejected request, logged
  at WARNING;
- 200 when the handlers ran, 202 for an event of an unknown kind (an error
  would make TopMessage deliver it again, or give up on the endpoint);
- 500 when a handler raised, logged with its traceback, so that TopMessage
  delivers the event again.

Answers are short JSON objects. No answer or log line carries the secret, a
signature or the body.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeAlias

import attrs

from . import _json
from ._errors import (
    InvalidSignatureError,
    MissingSignatureError,
    PayloadError,
    PayloadTooLargeError,
    UnknownEventError,
    WebhookError,
)
from ._models import DeliveryReport, Event, IncomingMessage
from ._router import Router
from ._signature import Secret, SignatureSource
from ._webhook import Webhook

logger = logging.getLogger("topmessage_webhooks")

#: A verified event, or the ``data`` of a verified event of an unknown kind.
Received: TypeAlias = Event | Mapping[str, Any]
Handler: TypeAlias = Router | Callable[[Event], object]

#: How much of the body is read at a time.
CHUNK_SIZE = 65_536


class MethodNotAllowedError(WebhookError):
    """The request is not a POST."""

    status_code: ClassVar[int] = 405


class InvalidContentLengthError(PayloadError):
    """The Content-Length header is not a non-negative integer."""


class IncompleteBodyError(PayloadError):
    """The body ended before the length its Content-Length announced."""


# Looked up along the error's class hierarchy: the most specific entry wins.
_ERROR_CODES: Mapping[type[WebhookError], str] = {
    MethodNotAllowedError: "method_not_allowed",
    InvalidContentLengthError: "invalid_content_length",
    IncompleteBodyError: "incomplete_body",
    MissingSignatureError: "missing_signature",
    InvalidSignatureError: "invalid_signature",
    PayloadTooLargeError: "payload_too_large",
    PayloadError: "invalid_payload",
    WebhookError: "bad_request",
}


@attrs.frozen
class Response:
    """An answer to send: status, headers (``Content-Type`` included) and JSON body."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @property
    def status_line(self) -> str:
        """The status as WSGI spells it, such as ``"200 OK"``."""
        return f"{self.status} {http.HTTPStatus(self.status).phrase}"


def _json_response(status: int, content: Mapping[str, str], **headers: str) -> Response:
    body = _json.dumps(content).encode("utf-8")
    return Response(
        status,
        body,
        (
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *headers.items(),
        ),
    )


_OK = _json_response(200, {"status": "ok"})
_ACCEPTED = _json_response(
    202, {"status": "accepted", "message": "event of a kind this receiver does not know"}
)
_FAILED = _json_response(
    500,
    {"error": "handler_failed", "message": "the event was not handled; deliver it again later"},
)


class BodyBuffer:
    """Collects a body's chunks, never holding more than ``max_body_size`` bytes."""

    __slots__ = ("_chunks", "_size", "max_body_size")

    def __init__(self, max_body_size: int) -> None:
        self.max_body_size = max_body_size
        self._chunks: list[bytes] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, chunk: bytes) -> None:
        """Append ``chunk``; raise ``PayloadTooLargeError`` if the body would pass the limit."""
        if self._size + len(chunk) > self.max_body_size:
            raise PayloadTooLargeError(f"body is more than the limit of {self.max_body_size} bytes")
        self._chunks.append(chunk)
        self._size += len(chunk)

    def getvalue(self) -> bytes:
        """The body collected so far."""
        return b"".join(self._chunks)


def _event_name(received: Received) -> str:
    if isinstance(received, (DeliveryReport, IncomingMessage)):
        return f"{type(received).__name__} {received.id!r}"
    event_id = received.get("id")
    if isinstance(event_id, str):
        return f"event of an unknown kind {event_id!r}"
    return "event of an unknown kind without an id"


def _as_router(handler: object) -> Router:
    if isinstance(handler, Router):
        return handler
    if not callable(handler):
        raise TypeError(f"handler must be a Router or a callable, not {type(handler).__name__}")
    # A plain callable takes every known event; unknown ones find no handler.
    router = Router()
    router.on(DeliveryReport)(handler)
    router.on(IncomingMessage)(handler)
    return router


class Endpoint:
    """A receiver's configuration and decisions, shared by WSGI and ASGI.

    ``webhook`` is a ``Webhook`` or a secret (or sequence of secrets) to make
    one; ``handler`` is a ``Router`` or a callable that takes every known
    event. Both are checked here, eagerly.
    """

    __slots__ = ("router", "webhook")

    def __init__(self, webhook: Webhook | Secret, handler: Handler) -> None:
        self.webhook = webhook if isinstance(webhook, Webhook) else Webhook(webhook)
        self.router = _as_router(handler)

    def __repr__(self) -> str:
        return f"{self.webhook!r}, {self.router!r}"

    @property
    def max_body_size(self) -> int:
        """The largest body read, from the ``Webhook``."""
        return self.webhook.max_body_size

    def announced_length(self, method: str, content_length: str | None) -> int | None:
        """Check the method and Content-Length; return the announced length, if any.

        Raises ``MethodNotAllowedError`` (405), ``InvalidContentLengthError``
        (400), or ``PayloadTooLargeError`` (413) when the announced length is
        over the limit, so that such a body is never read.
        """
        if method != "POST":
            raise MethodNotAllowedError(f"{method} is not allowed; TopMessage sends POST")
        text = (content_length or "").strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise InvalidContentLengthError("the Content-Length header is not a whole number")
        # Compared as text first: a very long number is too large, whatever int() allows.
        if len(text.lstrip("0")) > len(str(self.max_body_size)) or int(text) > self.max_body_size:
            raise PayloadTooLargeError(
                f"Content-Length is more than the limit of {self.max_body_size} bytes"
            )
        return int(text)

    def verify(self, body: bytes, headers: SignatureSource) -> Received:
        """Verify and parse ``body``: the event, or an unknown event's ``data``.

        Raises the ``WebhookError`` to answer with for any other failure.
        """
        try:
            return self.webhook.verify_and_parse(body, headers)
        except UnknownEventError as error:
            return error.data

    def rejected(self, error: WebhookError) -> Response:
        """Log a rejected request at WARNING and return its error answer."""
        logger.warning(
            "rejected a webhook request with %d: %s: %s",
            error.status_code,
            type(error).__name__,
            error,
        )
        code = next(_ERROR_CODES[cls] for cls in type(error).__mro__ if cls in _ERROR_CODES)
        allow = {"Allow": "POST"} if isinstance(error, MethodNotAllowedError) else {}
        return _json_response(error.status_code, {"error": code, "message": str(error)}, **allow)

    def handled(self, received: Received, handlers_run: int) -> Response:
        """Log and answer a dispatched event: 200, or 202 for an unknown kind."""
        if isinstance(received, (DeliveryReport, IncomingMessage)):
            logger.debug("%s: %d handler(s) ran", _event_name(received), handlers_run)
            return _OK
        log = logger.debug if handlers_run else logger.info
        log("%s: %d handler(s) ran; answered 202", _event_name(received), handlers_run)
        return _ACCEPTED

    def failed(self, received: Received) -> Response:
        """Log the exception being handled, with the event's id, and answer 500."""
        logger.exception(
            "a handler failed on %s; answered 500 so that TopMessage delivers it again",
            _event_name(received),
        )
        return _FAILED
