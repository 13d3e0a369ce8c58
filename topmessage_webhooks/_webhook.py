"""The entry points: sign, verify, parse, and both together.

The order of checks in ``verify_and_parse`` is the security contract: body
size, signature present, signature well-formed, MAC, and only then parsing.
Nothing is read from a body before it is proven to come from TopMessage.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Literal

from . import _json
from ._body import DEFAULT_MAX_BODY_SIZE, body_bytes, check_max_body_size
from ._models import Event
from ._signature import (
    Body,
    Secret,
    SignatureSource,
    check_mac,
    find_signature,
    mac_keys,
    secret_keys,
    sign_bytes,
)
from ._wire import structure_event

Payload = bytes | bytearray | memoryview | str | Mapping[str, Any]


def sign(body: Body, secret: str | bytes, *, encoding: Literal["hex", "base64"] = "hex") -> str:
    """Return the ``X-TopMessage-Signature`` value TopMessage would send for ``body``.

    ``body`` is the exact bytes (or UTF-8 text) to send; ``encoding`` is
    ``"hex"`` (lowercase, the default) or ``"base64"``.
    """
    if not isinstance(secret, (str, bytes, bytearray)):
        raise TypeError(f"sign takes one secret, str or bytes, not {type(secret).__name__}")
    (key,) = secret_keys(secret)
    return sign_bytes(body_bytes(body, _UNLIMITED), key, encoding)


_UNLIMITED = 1 << 62


class Webhook:
    """A receiver's verifier and parser, configured once and safe to share.

    ``secret`` is the endpoint's webhook secret, or a sequence of secrets
    during a rotation (a body verifies if any of them signed it). It is
    checked and encoded here, once; a missing or empty secret raises
    ``TypeError``/``ValueError`` immediately.
    """

    __slots__ = ("_keys", "_max_body_size", "_strict")

    def __init__(
        self,
        secret: Secret,
        *,
        strict: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self._keys = mac_keys(secret_keys(secret))
        self._strict = strict
        self._max_body_size = check_max_body_size(max_body_size)

    def __repr__(self) -> str:
        return (
            f"Webhook(secret=<{len(self._keys)} hidden>, strict={self._strict!r}, "
            f"max_body_size={self._max_body_size!r})"
        )

    # Read-only, so that a Webhook shared between threads cannot change under them.
    @property
    def strict(self) -> bool:
        """Whether unknown keys and values are errors rather than kept."""
        return self._strict

    @property
    def max_body_size(self) -> int:
        """The largest body, in bytes, that is read at all."""
        return self._max_body_size

    def verify(self, body: Body, signature: SignatureSource) -> None:
        """Check that ``signature`` signs ``body``, or raise a ``WebhookError``.

        ``signature`` is the header's value or the request's headers. Raises
        ``PayloadTooLargeError``, ``MissingSignatureError`` or
        ``InvalidSignatureError``.
        """
        check_mac(body_bytes(body, self._max_body_size), find_signature(signature), self._keys)

    def parse(self, payload: Payload) -> Event:
        """Parse a trusted body or decoded mapping without verifying it."""
        return _parse(payload, self._strict, self._max_body_size)

    def verify_and_parse(self, body: Body, signature: SignatureSource) -> Event:
        """Verify the raw ``body`` against ``signature``, then return the typed event.

        Raises a ``SignatureError`` (401) before anything is parsed, then a
        ``PayloadError`` (400, 413) or ``UnknownEventError`` (202) if the
        verified body is not an event this version can read.
        """
        raw: bytes | bytearray
        if type(body) is bytes and len(body) <= self._max_body_size:
            raw = body  # what body_bytes would return, without the call
        else:
            raw = body_bytes(body, self._max_body_size)
        # A header value, the usual argument, needs no lookup.
        value = signature if type(signature) is str else find_signature(signature)
        check_mac(raw, value, self._keys)
        return structure_event(_json.loads(raw), strict=self._strict)


def verify_signature(
    body: Body,
    signature: SignatureSource,
    secret: Secret,
    *,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> None:
    """Check that ``signature`` signs ``body`` under ``secret``; raise on failure."""
    _webhook_for(secret, False, max_body_size).verify(body, signature)


def parse(
    payload: Payload,
    *,
    strict: bool = False,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Event:
    """Return the typed event in ``payload``, without verifying any signature.

    ``payload`` is the JSON body (``bytes``/``str``) or an already-decoded
    mapping. Only for bodies you already trust; otherwise use
    ``verify_and_parse``.
    """
    return _parse(payload, strict, check_max_body_size(max_body_size))


def verify_and_parse(
    body: Body,
    signature: SignatureSource,
    secret: Secret,
    *,
    strict: bool = False,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> Event:
    """Verify the raw request ``body`` and return the typed event: the main entry point.

    ``signature`` is the ``X-TopMessage-Signature`` value or the request's
    headers (any mapping, a WSGI environ included); ``secret`` is the
    endpoint's secret or a sequence of them. See ``Webhook.verify_and_parse``.
    """
    return _webhook_for(secret, strict, max_body_size).verify_and_parse(body, signature)


def _webhook_for(secret: Secret, strict: bool, max_body_size: int) -> Webhook:
    """A ``Webhook`` for these settings: one of the last few made, if they match.

    Preparing a secret's keys costs nearly half as much as verifying a short
    body, so the module-level functions keep the ``Webhook`` of the last
    secrets they were given; the cache shows no secret (``_recent_webhook`` has no
    repr of its entries). Settings of other types than these are checked
    and used afresh each time.
    """
    if type(secret) in (str, bytes) and type(strict) is bool and type(max_body_size) is int:
        return _recent_webhook(secret, strict, max_body_size)
    return Webhook(secret, strict=strict, max_body_size=max_body_size)


@functools.lru_cache(maxsize=16)
def _recent_webhook(secret: str | bytes, strict: bool, max_body_size: int) -> Webhook:
    return Webhook(secret, strict=strict, max_body_size=max_body_size)


def _parse(payload: Payload, strict: bool, max_body_size: int) -> Event:
    if isinstance(payload, Mapping):
        return structure_event(payload, strict=strict)
    if isinstance(payload, str):
        # JSON text is decoded as it is, so that any text ``to_json`` wrote,
        # lone surrogates from \u escapes included, reads back equal.
        body_bytes(payload, max_body_size)
        return structure_event(_json.loads(payload), strict=strict)
    return structure_event(_json.loads(body_bytes(payload, max_body_size)), strict=strict)
