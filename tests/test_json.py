"""Bounded JSON decoding: numbers Python cannot hold faithfully, and deep nesting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import PayloadError, _json, parse, sign, verify_and_parse
from topmessage_webhooks._json import MAX_INTEGER_DIGITS
from topmessage_webhooks.testing import strategies

try:
    import orjson
except ImportError:  # the ``fast`` extra is not installed: only ``json`` is tested
    orjson = None

SECRET = "whsec-json"

needs_orjson = pytest.mark.skipif(orjson is None, reason="the fast extra (orjson) is not installed")


@pytest.fixture(
    autouse=True,
    params=["json", pytest.param("orjson", marks=needs_orjson)],
)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each test here with ``json`` alone, and again with orjson tried first."""
    name: str = request.param
    monkeypatch.setattr(_json, "orjson_loads", orjson.loads if name == "orjson" else None)
    return name


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


def _outcome(payload: bytes | str, use_orjson: bool) -> tuple[str, Any]:
    """What ``loads`` gives, as comparable data: the value's repr, or the error's message."""
    saved = _json.orjson_loads
    _json.orjson_loads = orjson.loads if use_orjson else None
    try:
        return ("value", repr(_json.loads(payload)))
    except PayloadError as error:
        return ("error", str(error))
    finally:
        _json.orjson_loads = saved


# Documents where orjson, on its own, differs from ``json``: it rejects what
# ``json`` accepts, reads big integers as floats, words its errors otherwise.
DIFFERENT_IN_ORJSON = [
    b"NaN",
    b'{"x":-Infinity}',
    b"[1e400]",
    b"1.7976931348623159e308",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"1" * 30,
    b"9" * (MAX_INTEGER_DIGITS + 1),
    b"[0.1, 1E2, -0.0, 5e-324]",
    b'"\\ud800"',
    b'{"\\udc00x": 1}',
    b'"\xed\xa0\x80"',
    b'"\xc0\x80"',
    b"\xff",
    b"\xef\xbb\xbf{}",
    b'"\x00"',
    b'"\t"',
    b"\x0c{}",
    b"{}\x0c",
    b"{} x",
    b"[1,]",
    b'{"a":1,}',
    b"01",
    b".5",
    b"-",
    b"tru",
    b"",
    b"[" * 1010 + b"]" * 1010,
    b"[" * 500 + b"]" * 500,
    b'{"a": 1, "b": 2, "a": 3}',
    b' \n\t{"a": [true, false, null]}\r\n ',
]


@needs_orjson
@pytest.mark.parametrize("payload", DIFFERENT_IN_ORJSON)
def test_orjson_backend_decides_exactly_as_json(payload: bytes) -> None:
    """With orjson installed, every document decodes to the same value, or fails the same way."""
    assert _outcome(payload, use_orjson=True) == _outcome(payload, use_orjson=False)
    text = payload.decode("utf-8", "surrogateescape")
    assert _outcome(text, use_orjson=True) == _outcome(text, use_orjson=False)


@needs_orjson
@given(value=strategies.json_values(max_leaves=20), indent=st.sampled_from([None, 0, 2]))
def test_any_json_document_decodes_alike_with_either_backend(
    value: Any, indent: int | None
) -> None:
    """Any JSON value, big integers and floats included, decodes the same with orjson and json."""
    for text in (json.dumps(value, indent=indent), json.dumps(value, ensure_ascii=False)):
        payload = text.encode("utf-8", "surrogatepass")
        assert _outcome(payload, use_orjson=True) == _outcome(payload, use_orjson=False)


@needs_orjson
@given(payload=st.binary(max_size=64) | st.text(alphabet='[]{}",:-+.0123456789eE \\u', max_size=64))
def test_any_bytes_decode_or_fail_alike_with_either_backend(payload: bytes | str) -> None:
    """Arbitrary input, mostly malformed, gets the same value or the same error from both."""
    assert _outcome(payload, use_orjson=True) == _outcome(payload, use_orjson=False)


def test_orjson_is_used_when_installed() -> None:
    """The ``fast`` extra needs no setting: orjson's decoder is picked up when importable."""
    import importlib

    reloaded = importlib.reload(_json)
    try:
        expected = None if orjson is None else orjson.loads
        assert reloaded.orjson_loads is expected
    finally:
        importlib.reload(_json)


def _decoded_by_json_decoder(text: str) -> tuple[str, Any]:
    """What ``loads`` gave when it called JSONDecoder.decode on every document."""
    try:
        return ("value", repr(_json._DECODER.decode(text)))
    except json.JSONDecodeError as error:
        where = f"at line {error.lineno} column {error.colno}"
        return ("error", f"body is not valid JSON: {error.msg} {where}")
    except ValueError as error:
        return ("error", f"body is not valid JSON: {error}")
    except RecursionError:
        return ("error", "body is not valid JSON: it is nested too deeply")


@given(
    text=st.text(alphabet=' \t\n\r\x0c[]{}",:-.0123456789eEtruflsnaNI\\', max_size=40)
    | strategies.json_values().map(json.dumps).map(lambda text: f" {text}\n")
    | strategies.json_values().map(json.dumps).map(lambda text: text + " x")
)
def test_single_scan_decodes_exactly_as_the_decoder(text: str) -> None:
    """The one-scan shortcut gives JSONDecoder.decode's value, or its very error."""
    try:
        outcome = ("value", repr(_json.loads(text)))
    except PayloadError as error:
        outcome = ("error", str(error))
    assert outcome == _decoded_by_json_decoder(text)


@needs_orjson
def test_large_documents_are_left_to_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """orjson, which takes about 13 times a document in memory, is tried only up to 64 KiB."""
    tried: list[int] = []

    def recording_loads(payload: bytes | bytearray | str) -> Any:
        tried.append(len(payload))
        return orjson.loads(payload)

    monkeypatch.setattr(_json, "orjson_loads", recording_loads)
    small = _report_with('"' + "x" * 100 + '"')
    large = _report_with('"' + "x" * 64 * 1024 + '"')
    assert _json.loads(small) == json.loads(small)
    assert _json.loads(large) == json.loads(large)
    assert tried == [len(small)]
