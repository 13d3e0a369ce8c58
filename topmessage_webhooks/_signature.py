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
from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol, TypeAlias

import attrs

from ._errors import InvalidSignatureError, MissingSignatureError

SIGNATURE_HEADER = "X-TopMessage-Signature"

Secret: TypeAlias = str | bytes | Sequence[str | bytes]


class Headers(Protocol):
    """Any headers object with ``items()``: a dict, a WSGI environ, Werkzeug's ``Headers``."""

    def items(self) -> Iterable[tuple[Any, Any]]: ...


SignatureSource: TypeAlias = str | bytes | Headers | None
Body: TypeAlias = bytes | bytearray | memoryview | str

_MAC_SIZE = hashlib.sha256().digest_size
_BLOCK_SIZE = hashlib.sha256().block_size
_INNER_PAD = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD = bytes(byte ^ 0x5C for byte in range(256))
_HEADER_NAMES = ("x-topmessage-signature", "http_x_topmessage_signature")
_PREFIX = "sha256="
# The longest well-formed header: the prefix and 64 hex digits. Anything longer
# is rejected before any decoding work, however large it is.
_HEX_LENGTH = 2 * _MAC_SIZE
_MAX_SIGNATURE_LENGTH = len(_PREFIX) + _HEX_LENGTH
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


@attrs.frozen(repr=False, eq=False)
class MacKey:
    """One HMAC-SHA256 key, its two padded key blocks hashed once (RFC 2104).

    ``digest(body)`` equals ``hmac.digest(key, body, "sha256")``; starting
    from the saved hash states spares two of the hash's blocks on every
    request, which is a third of the work for a short body.
    """

    _inner: hashlib._Hash
    _outer: hashlib._Hash

    @classmethod
    def from_bytes(cls, key: bytes) -> MacKey:
        if len(key) > _BLOCK_SIZE:
            key = hashlib.sha256(key).digest()
        block = key.ljust(_BLOCK_SIZE, b"\0")
        return cls(
            hashlib.sha256(block.translate(_INNER_PAD)),
            hashlib.sha256(block.translate(_OUTER_PAD)),
        )

    def __repr__(self) -> str:
        return "MacKey(<hidden>)"

    def digest(self, body: bytes | bytearray | memoryview) -> bytes:
        inner = self._inner.copy()
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def mac_keys(keys: tuple[bytes, ...]) -> tuple[MacKey, ...]:
    """The precomputed form of ``secret_keys``' keys, for ``check_mac``."""
    return tuple(MacKey.from_bytes(key) for key in keys)


def find_signature(source: SignatureSource) -> str | bytes | None:
    """Return the signature header's value from a value or a headers mapping.

    Header names are matched case-insensitively, and a WSGI environ's
    ``HTTP_X_TOPMESSAGE_SIGNATURE`` is found too.
    """
    if source is None or isinstance(source, (str, bytes)):
        return source
    # Duck-typed rather than Mapping: Werkzeug's Headers (Flask) is not one.
    if callable(getattr(source, "items", None)):
        for key, value in source.items():
            name = key.decode("latin-1") if isinstance(key, bytes) else key
            if isinstance(name, str) and name.lower() in _HEADER_NAMES:
                return value  # type: ignore[no-any-return]
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
    if type(value) is str and len(value) == _HEX_LENGTH:
        # The usual header, 64 hex digits, in one step. fromhex skips
        # whitespace, so 32 bytes out of 64 characters means no character
        # was skipped: the general path below would return the same bytes.
        try:
            digits = bytes.fromhex(value)
        except ValueError:
            pass
        else:
            if len(digits) == _MAC_SIZE:
                return digits
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
    mac = _decode_hex(value) if len(value) == _HEX_LENGTH else _decode_base64(value)
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


def check_mac(
    body: bytes | bytearray | memoryview, value: object, keys: tuple[MacKey, ...]
) -> None:
    """Raise a ``SignatureError`` unless ``value`` is a valid signature of ``body``.

    The decoded MAC is compared with every key's HMAC-SHA256 of ``body`` in
    constant time, and every key is tried, so the time taken does not tell
    which one matched.
    """
    mac = decode_signature(value)
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(key.digest(body), mac)
    if not matched:
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
