"""What every fuzz harness checks, written independently of the code under test.

The harnesses import this module before instrumenting the package, so that
the oracles are not themselves fuzzed: a MAC is computed with ``hmac`` and
encoded with ``base64``/``bytes.hex`` here, never with the package's ``sign``.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable

SECRET = b"fuzz-secret-0123456789abcdef"

#: How each byte of options encodes a header (see ``encode_header``).
BASE64 = 0x01
PREFIX = 0x02
WHITESPACE = 0x04
ALTERNATE_ALPHABET = 0x08
NO_PADDING = 0x10
AS_BYTES = 0x20


def mac_of(body: bytes, secret: bytes = SECRET) -> bytes:
    """The HMAC-SHA256 of ``body``: what a genuine signature carries."""
    return hmac.digest(secret, body, "sha256")


def encode_header(mac: bytes, options: int) -> str | bytes:
    """One of the spellings WIRE-FORMAT.md accepts for ``mac``, chosen by ``options`` bits."""
    if options & BASE64:
        alphabet = base64.urlsafe_b64encode if options & ALTERNATE_ALPHABET else base64.b64encode
        text = alphabet(mac).decode("ascii")
        if options & NO_PADDING:
            text = text.rstrip("=")
    else:
        text = mac.hex().upper() if options & ALTERNATE_ALPHABET else mac.hex()
    if options & PREFIX:
        text = "SHA256=" + text if options & NO_PADDING else "sha256=" + text
    if options & WHITESPACE:
        text = f" \t{text} "
    return text.encode("ascii") if options & AS_BYTES else text


def carries_mac(values: Iterable[object], mac: bytes) -> bool:
    """Whether any of ``values`` holds ``mac`` in hex or base64: needed for acceptance.

    A necessary condition only: whatever the decoder accepts must contain the
    genuine MAC in one of its documented encodings, so a body accepted with
    headers that do not carry it is a forgery that got through.
    """
    hex_mac = mac.hex()
    base64_mac = base64.b64encode(mac).decode("ascii").rstrip("=")
    for value in values:
        if isinstance(value, (bytes, bytearray)):
            value = bytes(value).decode("latin-1")
        if not isinstance(value, str):
            continue
        if hex_mac in value.lower() or base64_mac in value.translate(_URLSAFE):
            return True
    return False


_URLSAFE = str.maketrans("-_", "+/")


def leaks(text: str, mac: bytes, secret: bytes = SECRET) -> bool:
    """Whether ``text`` shows the secret or the expected MAC (hex or base64)."""
    lowered = text.lower()
    return (
        secret.decode("latin-1") in text
        or mac.hex() in lowered
        or base64.b64encode(mac).decode("ascii").rstrip("=") in text.translate(_URLSAFE)
    )
