"""Bounded JSON decoding: numbers Python cannot hold faithfully, and deep nesting."""

from __future__ import annotations

import pytest

from topmessage_webhooks import PayloadError, parse, sign, verify_and_parse
from topmessage_webhooks._json import MAX_INTEGER_DIGITS

SECRET = "whsec-json"


def _report_with(value: str) -> bytes:
    return b'{"data":{"id":"1","status":"SEEN","x":' + value.encode() + b"}}"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("1e400", "overflows"),
        ("-1e400", "overflows"),
        ("9" * 50_000, "digits"),
        ("-" + "1" * (MAX_INTEGER_DIGITS + 1), "digits"),
    ],
)
def test_numbers_that_python_cannot_hold_are_payload_errors(value: str, reason: str) -> None:
    """NaN, Infinity, float overflow and huge integers are malformed, not ValueError."""
    body = _report_with(value)
    with pytest.raises(PayloadError, match=reason):
        verify_and_parse(body, sign(body, SECRET), SECRET)


def test_largest_allowed_integer_is_kept() -> None:
    """An integer of exactly the digit limit is accepted and kept as it is."""
    digits = "7" * MAX_INTEGER_DIGITS
    event = parse(_report_with(digits))
    assert event.extra["x"] == int(digits)


@pytest.mark.parametrize("opening", ["[", '{"":'])
def test_deep_nesting_is_a_payload_error(opening: str) -> None:
    """Nesting hundreds of thousands deep is a PayloadError, never a RecursionError."""
    depth = 200_000
    closing = "]" if opening == "[" else "}"
    body = _report_with(opening * depth + "1" + closing * depth)
    with pytest.raises(PayloadError, match="nested"):
        verify_and_parse(body, sign(body, SECRET), SECRET)


def test_invalid_json_names_the_position_not_the_content() -> None:
    """A JSON error gives line and column, and does not echo the body."""
    with pytest.raises(PayloadError, match="line 1 column 29") as caught:
        parse(b'{"data":{"id":"secret-text",}}')
    assert "secret-text" not in str(caught.value)
