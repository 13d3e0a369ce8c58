"""Fuzz ``parse``: any body gives a typed event or a ``PayloadError``, and they agree.

Byte 0 of an input holds options (bit 0: strict mode); the rest is the body.
For each body the harness checks that:

- ``parse(bytes)`` returns an event or raises a ``PayloadError``, nothing else;
- an event's ``to_json`` reads back equal, and ``to_dict`` is that JSON;
- ``parse(str)`` of the same text, and ``parse`` of the mapping the standard
  library's ``json.loads`` decodes (when it is one), agree with ``parse(bytes)``.

Run with ``python fuzz/parse.py [libFuzzer options] [corpus dirs]``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import atheris

with atheris.instrument_imports():
    from topmessage_webhooks import (
        DeliveryReport,
        IncomingMessage,
        PayloadError,
        UnknownEventError,
        parse,
    )

Outcome = DeliveryReport | IncomingMessage | type[PayloadError]


def outcome(payload: Any, strict: bool) -> Outcome:
    """The event ``parse`` returns, or the class of the ``PayloadError`` it raises."""
    try:
        event = parse(payload, strict=strict)
    except PayloadError as error:
        return type(error)
    assert isinstance(event, (DeliveryReport, IncomingMessage))
    return event


def test_one_input(data: bytes) -> None:
    """One fuzz input: see the module's docstring for its layout."""
    if not data:
        return
    strict, body = bool(data[0] & 1), data[1:]
    from_bytes = outcome(body, strict)
    if isinstance(from_bytes, (DeliveryReport, IncomingMessage)):
        text = from_bytes.to_json()
        assert parse(text, strict=strict) == from_bytes, "to_json does not read back equal"
        assert from_bytes.to_dict() == json.loads(text), "to_dict is not what to_json writes"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert outcome(text, strict) == from_bytes, "parse(str) disagrees with parse(bytes)"
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not isinstance(decoded, dict):
        return  # parse takes a mapping; anything else is the caller's TypeError
    from_mapping = outcome(decoded, strict)
    if isinstance(from_bytes, (DeliveryReport, IncomingMessage)) or from_bytes is UnknownEventError:
        assert from_mapping == from_bytes, "parse(mapping) disagrees with parse(bytes)"


def main() -> None:
    """Run the fuzzer with libFuzzer's command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
