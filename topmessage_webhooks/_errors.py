"""The exceptions: one root, grouped by how a receiver answers them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "InvalidSignatureError",
    "MissingSignatureError",
    "PayloadError",
    "PayloadTooLargeError",
    "SignatureError",
    "UnknownEventError",
    "WebhookError",
]


class WebhookError(Exception):
    """Root of every error this library raises for a webhook request.

    ``status_code`` is the HTTP status a receiver should answer with. Messages
    never contain the secret, the expected signature or the raw body.
    """

    status_code: ClassVar[int] = 400


class SignatureError(WebhookError):
    """The request is not proven to come from TopMessage: answer 401."""

    status_code: ClassVar[int] = 401


class MissingSignatureError(SignatureError):
    """The ``X-TopMessage-Signature`` header is absent, empty or blank."""


class InvalidSignatureError(SignatureError):
    """The signature header is malformed, or its MAC does not match the body."""


class PayloadError(WebhookError):
    """The body is genuine (or trusted) but not a webhook this library can read.

    ``path`` names the offending part of the payload, such as
    ``"data.sender_details"``, or is ``None`` when the body as a whole is bad.
    """

    status_code: ClassVar[int] = 400

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class PayloadTooLargeError(PayloadError):
    """The body is larger than ``max_body_size``: answer 413 without reading on."""

    status_code: ClassVar[int] = 413


class UnknownEventError(PayloadError):
    """A verified event of a kind this version does not know.

    It is answered 202, not an error: an error would make TopMessage deliver it
    again, or give up on the endpoint. ``data`` holds the event's ``data``
    object, so nothing is lost.
    """

    status_code: ClassVar[int] = 202

    def __init__(self, message: str, *, data: Mapping[str, Any]) -> None:
        super().__init__(message, path="data")
        self.data = data
