"""Signed requests, as TopMessage sends them, and the usual ways they go wrong."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeAlias, get_args

from .. import _json
from .._body import body_bytes
from .._models import DeliveryReport, Event, IncomingMessage
from .._signature import SIGNATURE_HEADER
from .._webhook import sign

__all__ = ["ENCODINGS", "FAULTS", "Encoding", "Fault", "SignedRequest", "signed_request"]

#: What can be signed: an event, a decoded payload, or the exact body bytes or text.
Signable: TypeAlias = Event | Mapping[str, Any] | bytes | str

Encoding: TypeAlias = Literal[
    "hex", "hex_uppercase", "base64", "base64_unpadded", "base64url", "base64url_unpadded"
]
#: Every signature encoding a receiver accepts (WIRE-FORMAT.md, Transport).
ENCODINGS: tuple[Encoding, ...] = get_args(Encoding)

Fault: TypeAlias = Literal[
    "wrong_secret", "tampered_body", "missing_signature", "empty_signature", "malformed_signature"
]
#: Every way ``signed_request`` can spoil a request; a receiver answers each with 401.
FAULTS: tuple[Fault, ...] = get_args(Fault)

_PREFIX = "sha256="
_MALFORMED_SIGNATURE = "not-a-signature"
# Whitespace keeps the JSON valid and its meaning unchanged: only a receiver
# that verifies the raw bytes, not a re-serialised copy, rejects the request.
_TAMPERING = b" "
_UNLIMITED = 1 << 62


def read_only_headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy of ``headers``."""
    return MappingProxyType(dict(headers))


class SignedRequest(NamedTuple):
    """A webhook request's body and headers, ready to send.

    A named tuple, so that it unpacks as ``body, headers = request`` and can
    be passed on as ``verify_and_parse(*request, secret)``, types and all.
    ``request._replace(headers={...})`` makes a variant.
    """

    body: bytes
    headers: Mapping[str, str]

    @property
    def signature(self) -> str | None:
        """The ``X-TopMessage-Signature`` value, or ``None`` when there is none."""
        return self.headers.get(SIGNATURE_HEADER)


def signed_request(
    payload: Signable,
    secret: str | bytes,
    *,
    encoding: Encoding = "hex",
    prefix: bool = False,
    fault: Fault | None = None,
) -> SignedRequest:
    """The request TopMessage would send with ``payload``, signed with ``secret``.

    ``payload`` is an event (sent as its ``to_json()``), a decoded payload
    mapping (sent as compact JSON), or the exact body as ``bytes`` or ``str``
    (sent as its UTF-8 bytes, unchanged, so a malformed body can be signed
    too). The headers are ``Content-Type: application/json`` and
    ``X-TopMessage-Signature``, in ``encoding`` (one of ``ENCODINGS``),
    after a ``sha256=`` prefix if ``prefix`` is true.

    ``fault`` spoils the request for a negative test; every fault must be
    answered 401:

    - ``"wrong_secret"``: signed with a secret other than ``secret``;
    - ``"tampered_body"``: the body changed after signing;
    - ``"missing_signature"``: no signature header;
    - ``"empty_signature"``: a signature header with an empty value;
    - ``"malformed_signature"``: a value that is neither hex nor base64.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"fault must be one of {', '.join(FAULTS)}, not {fault!r}")
    body = _body(payload)
    signature = _signature(body, secret, encoding)
    if fault == "wrong_secret":
        signature = _signature(body, _other_secret(secret), encoding)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: _PREFIX + signature if prefix else signature,
    }
    if fault == "tampered_body":
        body += _TAMPERING
    elif fault == "missing_signature":
        del headers[SIGNATURE_HEADER]
    elif fault == "empty_signature":
        headers[SIGNATURE_HEADER] = ""
    elif fault == "malformed_signature":
        headers[SIGNATURE_HEADER] = _MALFORMED_SIGNATURE
    return SignedRequest(body, read_only_headers(headers))


def _body(payload: Signable) -> bytes:
    if isinstance(payload, (DeliveryReport, IncomingMessage)):
        payload = payload.to_json()
    elif isinstance(payload, Mapping):
        payload = _json.dumps(payload)
    elif not isinstance(payload, (bytes, bytearray, memoryview, str)):
        raise TypeError(
            "payload must be an event, a mapping, or the body as bytes or str, "
            f"not {type(payload).__name__}"
        )
    return bytes(body_bytes(payload, _UNLIMITED))


def _signature(body: bytes, secret: str | bytes, encoding: Encoding) -> str:
    if encoding.startswith("hex"):
        hex_signature = sign(body, secret)
        return hex_signature.upper() if encoding == "hex_uppercase" else hex_signature
    mac = base64.b64decode(sign(body, secret, encoding="base64"))
    text = (base64.urlsafe_b64encode if "url" in encoding else base64.b64encode)(mac)
    return (text.rstrip(b"=") if encoding.endswith("unpadded") else text).decode("ascii")


def _other_secret(secret: str | bytes) -> str | bytes:
    # Longer than ``secret``, so never equal to it; ``secret`` was checked by ``sign``.
    return "wrong-" + secret if isinstance(secret, str) else b"wrong-" + bytes(secret)
