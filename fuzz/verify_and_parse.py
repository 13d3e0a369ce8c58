"""Fuzz ``Webhook.verify_and_parse``: no forgery accepted, only ``WebhookError`` escapes.

The first byte of an input selects the mode (modulo 4):

0. forged: byte 1 is a length ``n``, the next ``n`` bytes the signature
   header, the rest the body. Nothing may get past the signature check unless
   the header carries the body's genuine MAC.
1. signed: byte 1 holds options (see ``_oracles.encode_header``, plus strict
   mode and a small size limit), the rest is the body, signed with the secret
   in one of the documented spellings. The signature check must pass, so the
   parser is reached: a typed event, or a ``PayloadError``.
2. tampered: as 1, but the body is changed after signing: always rejected.
3. headers: as 1, but the signature is passed in a headers mapping whose key
   spelling byte 2 selects (a WSGI environ's included, or an unrelated header).

Run with ``python fuzz/verify_and_parse.py [libFuzzer options] [corpus dirs]``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import atheris
from _oracles import AS_BYTES, carries_mac, encode_header, leaks, mac_of

with atheris.instrument_imports():
    from topmessage_webhooks import (
        DeliveryReport,
        IncomingMessage,
        PayloadError,
        PayloadTooLargeError,
        SignatureError,
        Webhook,
        WebhookError,
        parse,
    )

from _oracles import SECRET

STRICT = 0x40
SMALL_LIMIT = 0x80
LIMIT = 64
WEBHOOKS = {
    (strict, small): Webhook(SECRET, strict=strict, max_body_size=LIMIT if small else 1 << 20)
    for strict in (False, True)
    for small in (False, True)
}
HEADER_NAMES = (
    "X-TopMessage-Signature",
    "x-topmessage-signature",
    "X-TOPMESSAGE-SIGNATURE",
    "HTTP_X_TOPMESSAGE_SIGNATURE",
    b"x-topmessage-signature",
    "X-TopMessage-Signature-Other",
    "Signature",
)
RECOGNISED = 5


def check(
    webhook: Webhook, body: bytes, signature: Any, *, genuine: bool, carriers: Sequence[object]
) -> None:
    """Verify and parse; check the outcome against what the inputs deserve.

    ``genuine`` says the harness signed ``body`` in a documented spelling: the
    signature check must pass. ``carriers`` are the values the signature may
    be read from: unless one of them carries the MAC, the check must fail.
    """
    mac = mac_of(body)
    signed = carries_mac(carriers, mac)
    try:
        event = webhook.verify_and_parse(body, signature)
    except (SignatureError, PayloadError) as raised:
        error: WebhookError = raised
    else:
        assert signed, "a forged body was accepted"
        assert isinstance(event, (DeliveryReport, IncomingMessage))
        assert parse(event.to_json(), strict=webhook.strict) == event, "to_json does not read back"
        return
    assert not leaks(str(error), mac), "an error shows the secret or the MAC"
    too_large = len(body) > webhook.max_body_size
    if isinstance(error, SignatureError):
        assert not genuine or too_large, f"a genuine body was rejected: {error}"
    elif isinstance(error, PayloadTooLargeError):
        assert too_large
    else:
        # Past the size check, a payload error means the signature was accepted.
        assert signed, "a forged body reached the parser"


def test_one_input(data: bytes) -> None:
    """One fuzz input: see the module's docstring for its layout."""
    if len(data) < 3:
        return
    mode, options = data[0] % 4, data[1]
    webhook = WEBHOOKS[bool(options & STRICT), bool(options & SMALL_LIMIT)]
    if mode == 0:
        header, body = data[2 : 2 + options], data[2 + options :]
        # Bit 2 of the first byte passes the header as bytes rather than text.
        signature: Any = header if data[0] & 4 else header.decode("utf-8", "replace")
        check(webhook, body, signature, genuine=False, carriers=[signature])
    elif mode in (1, 2):
        body = data[2:]
        signature = encode_header(mac_of(body), options)
        if mode == 2:
            body = body[:-1] + bytes([body[-1] ^ 1])
        check(webhook, body, signature, genuine=mode == 1, carriers=[signature])
    else:
        name = HEADER_NAMES[data[2] % len(HEADER_NAMES)]
        body = data[3:]
        value = encode_header(mac_of(body), options | (AS_BYTES if isinstance(name, bytes) else 0))
        if isinstance(name, str) and isinstance(value, bytes):
            value = value.decode("ascii")
        # The signature also sits in an unrelated header, which must be ignored.
        decoy = "Content-Type" if isinstance(name, str) else b"content-type"
        recognised = HEADER_NAMES.index(name) < RECOGNISED
        carriers = [value] if recognised else []
        check(webhook, body, {decoy: value, name: value}, genuine=recognised, carriers=carriers)


def main() -> None:
    """Run the fuzzer with libFuzzer's command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
