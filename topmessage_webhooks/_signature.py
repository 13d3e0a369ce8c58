"""HMAC-SHA256 signatures: secrets, the header, signing and the constant-time check.

Decisions from WIRE-FORMAT.md: the MAC is computed over the raw body bytes;
a ``str`` secret is used as its UTF-8 bytes; the header may be hex (any case)
or base64 (standard or URL-safe, padded or not) of the 32-byte MAC, with an
optional ``sha256=`` prefix and surrounding whitespace.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

from ._errors import InvalidSignatureError, MissingSignatureError

SIGNATURE_HEADER = "X-TopMessage-Signature"

Secret: TypeAlias = str | bytes | Sequence[str | bytes]
SignatureSource: TypeAlias = str | bytes | Mapping[str, str] | Mapping[bytes, bytes] | None
Body: TypeAlias = bytes | bytearray | memoryview | str

_MAC_SIZE = hashlib.sha256().digest_size
_HEADER_NAMES = ("x-topmessage-signature", "http_x_topmessage_signature")
_PREFIX = "sha256="
# The longest well-formed header: the prefix and 64 hex digits. Anything longer
# is rejected before any decoding work, however large it is.
_MAX_SIGNATURE_LENGTH = len(_PREFIX) + 2 * _MAC_SIZE
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{43}=?")
_URLSAFE_TO_STANDARD = str.maketrans("-_", "+/")

_MISMATCH = (
    "signature does not match the body; pass the raw, unparsed request body "
    "exactly as received, and this endpoint's own webhook secret"
)


def secret_keys(secret: Secret) -> tuple[bytes, ...]:
    """Turn a secret, or a sequence of them for rotation, into HMAC keys.

    Raises ``TypeError`` or ``ValueError`` at once: a missing or empty secret
    is a programming error, never a reason to accept or reject a request.
    """
    if isinstance(secret, (str, bytes, bytearray)):
        return (_one_key(secret),)
    if not isinstance(secret, Sequence):
        raise TypeError(
            f"secret must be a str, bytes, or a sequence of them, not {type(secret).__name__}"
        )
    keys = tuple(_one_key(each) for each in secret)
    if not keys:
        raise ValueError("secret must not be an empty sequence")
    return keys


def _one_key(secret: object) -> bytes:
    if isinstance(secret, str):
        key = secret.encode("utf-8")
    elif isinstance(secret, (bytes, bytearray)):
        key = bytes(secret)
    else:
        raise TypeError(f"each secret must be a str or bytes, not {type(secret).__name__}")
    if not key:
        raise ValueError("a webhook secret must not be empty")
    return key


def find_signature(source: SignatureSource) -> str | bytes | None:
    """Return the signature header's value from a value or a headers mapping.

    Header names are matched case-insensitively, and a WSGI environ's
    ``HTTP_X_TOPMESSAGE_SIGNATURE`` is found too.
    """
    if source is None or isinstance(source, (str, bytes)):
        return source
    if isinstance(source, Mapping):
        for key, value in source.items():
            name = key.decode("latin-1") if isinstance(key, bytes) else key
            if isinstance(name, str) and name.lower() in _HEADER_NAMES:
                return value
        return None
    raise TypeError(
        "signature must be the header's value (str, bytes or None) or the "
        f"request's headers as a mapping, not {type(source).__name__}"
    )


def decode_signature(value: object) -> bytes:
    """Decode a header value to the 32 MAC bytes it claims.

    Raises ``MissingSignatureError`` for an absent or blank value and
    ``InvalidSignatureError`` for anything that is not a well-formed signature.
    """
    if value is None:
        raise MissingSignatureError(f"the {SIGNATURE_HEADER} header is missing")
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).strip()
        if value and len(value) <= _MAX_SIGNATURE_LENGTH and value.isascii():
            value = value.decode("ascii")
    elif isinstance(value, str):
        value = value.strip()
    else:
        raise InvalidSignatureError(
            f"the {SIGNATURE_HEADER} header must be text, not {type(value).__name__}"
        )
    if not value:
        raise MissingSignatureError(f"the {SIGNATURE_HEADER} header is empty")
    if not isinstance(value, str) or len(value) > _MAX_SIGNATURE_LENGTH or not value.isascii():
        raise InvalidSignatureError(_malformed())
    if value[: len(_PREFIX)].lower() == _PREFIX:
        value = value[len(_PREFIX) :]
    mac = _decode_hex(value) if len(value) == 2 * _MAC_SIZE else _decode_base64(value)
    if mac is None or len(mac) != _MAC_SIZE:
        raise InvalidSignatureError(_malformed())
    return mac


def _malformed() -> str:
    return f"the {SIGNATURE_HEADER} header is not a hex or base64 HMAC-SHA256 signature"


def _decode_hex(value: str) -> bytes | None:
    # bytes.fromhex skips spaces; the length check above and the MAC size
    # check after it reject any header that relies on that.
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def _decode_base64(value: str) -> bytes | None:
    if not _BASE64.fullmatch(value):
        return None
    padded = value.translate(_URLSAFE_TO_STANDARD).rstrip("=") + "="
    try:
        return base64.b64decode(padded, validate=True)
    except binascii.Error:
        return None


def mac_matches(body: bytes | bytearray | memoryview, mac: bytes, keys: tuple[bytes, ...]) -> bool:
    """Whether any key's HMAC-SHA256 of ``body`` equals ``mac``, in constant time.

    Every key is tried, so the time taken does not tell which one matched.
    """
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(hmac.digest(key, body, "sha256"), mac)
    return matched


def check_mac(body: bytes | bytearray | memoryview, value: object, keys: tuple[bytes, ...]) -> None:
    """Raise a ``SignatureError`` unless ``value`` is a valid signature of ``body``."""
    if not mac_matches(body, decode_signature(value), keys):
        raise InvalidSignatureError(_MISMATCH)


def sign_bytes(
    body: bytes | bytearray | memoryview,
    key: bytes,
    encoding: Literal["hex", "base64"],
) -> str:
    """The header value for ``body`` under ``key``, in the given encoding."""
    mac = hmac.digest(key, body, "sha256")
    if encoding == "hex":
        return mac.hex()
    if encoding == "base64":
        return base64.b64encode(mac).decode("ascii")
    raise ValueError(f"encoding must be 'hex' or 'base64', not {encoding!r}")
