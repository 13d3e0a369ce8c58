"""Behaviours that mutation testing showed no other test pins down.

The first test covers what the core builds once, at import: the models'
``extra`` fields, the enum and nested-object readers, and the converter that
writes the canonical form. Mutation testing runs it first, so that a mutant
in that import-time code is judged by a test that uses all of it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    Channel,
    DeliveryReport,
    DeliveryStatus,
    IncomingMessage,
    InvalidSignatureError,
    Location,
    PayloadError,
    SenderDetails,
    Webhook,
    parse,
    sign,
    verify_and_parse,
)
from topmessage_webhooks._signature import find_signature
from topmessage_webhooks.testing.strategies import aliased_payloads, unknown_keys, wire_payloads


def test_what_the_core_builds_at_import_reads_and_writes_events() -> None:
    """Models default and freeze ``extra``; readers map enums and objects; the converter writes."""
    report = DeliveryReport(id="r-1", status="SEEN")
    assert report.extra == {}
    given_extra = {"x": 1}
    kept = DeliveryReport(id="r-1", status="SEEN", extra=given_extra)
    given_extra["x"] = 2
    assert kept.extra == {"x": 1}
    assert isinstance(kept.extra, MappingProxyType)
    assert isinstance(report.extra, MappingProxyType)
    assert report.envelope_extra == {}
    assert repr(report).endswith("extra={}, envelope_extra={})")
    assert hash(report) == hash(DeliveryReport(id="r-1", status="SEEN", extra={"x": 1}))
    assert report != DeliveryReport(id="r-1", status="SEEN", extra={"x": 1})
    with pytest.raises(TypeError):
        DeliveryReport("r-1", "SEEN", "SMS", None, None, {"x": 1})

    known = parse(b'{"data": {"id": "r-2", "status": "FAILED", "channel": "WHATSAPP"}}')
    assert isinstance(known, DeliveryReport)
    assert known.status is DeliveryStatus.FAILED
    assert known.channel is Channel.WHATSAPP
    unknown = parse(b'{"data": {"id": "r-3", "status": "QUEUED", "channel": "RCS"}}')
    assert isinstance(unknown, DeliveryReport)
    assert type(unknown.status) is str
    assert unknown.status == "QUEUED"
    assert unknown.channel == "RCS"
    with pytest.raises(PayloadError) as status_error:
        parse(b'{"data": {"id": "r-3", "status": "QUEUED"}}', strict=True)
    assert str(status_error.value) == (
        "data.status: unknown value 'QUEUED' (known: PENDING, FAILED, DELIVERED, SEEN; strict mode)"
    )
    with pytest.raises(PayloadError) as long_error:
        parse(json.dumps({"data": {"id": "r-3", "status": "Q" * 41}}).encode(), strict=True)
    assert str(long_error.value).startswith(f"data.status: unknown value '{'Q' * 40}...' (known:")
    with pytest.raises(PayloadError) as channel_error:
        parse(b'{"data": {"id": "r-3", "status": "SEEN", "channel": "RCS"}}', strict=True)
    assert str(channel_error.value) == (
        "data.channel: unknown value 'RCS' (known: SMS, WHATSAPP; strict mode)"
    )

    message = parse(
        b'{"data": {"id": "m-1", "sender_details": {"id": "s", "name": "n", "code": "c", "k": 1},'
        b' "location": {"name": "Office", "latitude": 52.5, "longitude": "13.4", "z": 3}}}'
    )
    assert isinstance(message, IncomingMessage)
    assert message.sender_details == SenderDetails(id="s", name="n", code="c", extra={"k": 1})
    assert message.location == Location(
        name="Office", latitude="52.5", longitude="13.4", extra={"z": 3}
    )
    for key in ("sender_details", "location"):
        with pytest.raises(PayloadError) as object_error:
            parse(json.dumps({"data": {"id": "m-2", key: "text"}}).encode())
        assert str(object_error.value) == f"data.{key}: expected an object, got string"
    # The same through the detailed path, which any mapping that is not a dict takes.
    assert parse(read_only(json.loads(message.to_json()))) == message
    for key, value, kind in (("status", 5, "number"), ("channel", True, "boolean")):
        for payload in (
            {"data": {"id": "r-4", "status": "SEEN", key: value}},
            read_only({"data": {"id": "r-4", "status": "SEEN", key: value}}),
        ):
            with pytest.raises(PayloadError) as type_error:
                parse(payload)
            assert str(type_error.value) == f"data.{key}: expected a string, got {kind}"
    for nested in ("sender_details", "location"):
        with pytest.raises(PayloadError) as strict_error:
            parse({"data": {"id": "m-3", "text": "t", nested: {"zoom": 1}}}, strict=True)
        assert str(strict_error.value) == f"data.{nested}.zoom: unknown key (strict mode)"

    assert message.to_dict() == {
        "data": {
            "id": "m-1",
            "channel": "SMS",
            "sender_details": {"sender_id": "s", "sender_name": "n", "sender_code": "c", "k": 1},
            "location": {"name": "Office", "latitude": "52.5", "longitude": "13.4", "z": 3},
        }
    }
    written = unknown.to_dict()["data"]
    assert written == {"id": "r-3", "status": "QUEUED", "channel": "RCS"}
    assert [type(value) for value in known.to_dict()["data"].values()] == [str, str, str]
    assert json.loads(known.to_json()) == {
        "data": {"id": "r-2", "status": "FAILED", "channel": "WHATSAPP"}
    }


def read_only(value: Any) -> Any:
    """``value`` with every object turned into a read-only mapping that is not a dict."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: read_only(child) for key, child in value.items()})
    if isinstance(value, list):
        return [read_only(child) for child in value]
    return value


def outcome(payload: Any, strict: bool) -> object:
    """The event ``parse`` returns, or the class, message and path of its error."""
    try:
        return parse(payload, strict=strict)
    except PayloadError as error:
        return type(error), str(error), error.path


documented_or_unknown = st.sampled_from(["number", "Number", "from", "sender_code", "to"])


@given(
    payload=wire_payloads() | aliased_payloads().map(lambda pair: pair[1]),
    key=documented_or_unknown | unknown_keys(),
    value=st.none() | st.text(max_size=5) | st.integers() | st.lists(st.none(), max_size=2),
    strict=st.booleans(),
)
def test_any_mapping_reads_like_a_dict(payload: Any, key: str, value: Any, strict: bool) -> None:
    """A payload given as read-only mappings parses to the event (or error) its dict gives."""
    payload["data"] = {**payload["data"], key: value}
    assert outcome(read_only(payload), strict) == outcome(payload, strict)


DEEP: list[Any] = []
for _ in range(70):
    DEEP = [DEEP]

DEEP_OBJECT: dict[str, Any] = {}
for _ in range(70):
    DEEP_OBJECT = {"a": DEEP_OBJECT}

ERRORS = [
    (b'{"a": \xff}', "body is not UTF-8 text (byte 6 is invalid)"),
    (b"[" * 100_000 + b"]" * 100_000, "body is not valid JSON: it is nested too deeply"),
    (
        b'{"data": {"id": "x", "status": "SEEN", "n": 1e400}}',
        "body is not valid JSON: a number overflows to infinity",
    ),
    # After the document, only JSON's own whitespace may follow.
    (
        b'{"data": {"id": "x", "status": "SEEN"}}\x0c',
        "body is not valid JSON: Extra data at line 1 column 40",
    ),
    (
        b'{"data": {"id": "x", "status": "SEEN"}}\xc2\xa0',
        "body is not valid JSON: Extra data at line 1 column 40",
    ),
    # ``type: STATUS`` makes a delivery report, whatever other keys say.
    (b'{"data": {"id": "x", "type": "STATUS"}}', "data.status: required field is missing or null"),
    (
        b'{"data": {"id": "x", "type": "STATUS", "text": "hi"}}',
        "data.status: required field is missing or null",
    ),
    (
        json.dumps({"data": {"id": "x", "status": "SEEN", "deep": DEEP_OBJECT}}).encode(),
        "data.deep: nested more than 64 levels deep",
    ),
    (
        json.dumps({"data": {"id": "x", "number": "1", "from": DEEP}}).encode(),
        "data.from: nested more than 64 levels deep",
    ),
    (b"[]", "expected a JSON object at the top level, got array"),
    (b"null", "expected a JSON object at the top level, got null"),
    (b'"x"', "expected a JSON object at the top level, got string"),
    (b"{}", "data: required field is missing or null"),
    (b'{"data": null}', "data: required field is missing or null"),
    (b'{"data": []}', "data: expected an object, got array"),
    (b'{"data": 5}', "data: expected an object, got number"),
    (
        b'{"data": {}}',
        "data: neither a delivery report nor an incoming message; keys seen: none",
    ),
    (
        json.dumps({"data": {"id": "x", "k" * 30: 1, "q" * 31: 2}}).encode(),
        "data: neither a delivery report nor an incoming message; keys seen: "
        f"'id', '{'k' * 30}', '{'q' * 30}...'",
    ),
    (
        json.dumps({"data": {f"key{index:02}": index for index in range(25)}}).encode(),
        "data: neither a delivery report nor an incoming message; keys seen: "
        + ", ".join(f"'key{index:02}'" for index in range(20)),
    ),
    (b'{"data": {"id": "x", "status": 5}}', "data.status: expected a string, got number"),
    (
        b'{"data": {"id": "x", "status": "SEEN", "channel": true}}',
        "data.channel: expected a string, got boolean",
    ),
    (b'{"data": {"status": "SEEN"}}', "data.id: required field is missing or null"),
    (
        b'{"data": {"id": "x", "text": "hi", "sender_code": 7}}',
        "data.sender_code: expected a string, got number",
    ),
    (
        b'{"data": {"id": "x", "text": "hi", "sender_details": {"sender_id": 1}}}',
        "data.sender_details.sender_id: expected a string, got number",
    ),
    (
        b'{"data": {"id": "x", "text": "hi", "location": {"latitude": true}}}',
        "data.location.latitude: expected a string, got boolean",
    ),
    (
        json.dumps({"data": {"id": "x", "status": "SEEN"}, "meta": DEEP}).encode(),
        "meta: nested more than 64 levels deep",
    ),
    (
        json.dumps({"data": {"id": "x", "status": "SEEN", "note": DEEP}}).encode(),
        "data.note: nested more than 64 levels deep",
    ),
    (
        json.dumps(
            {"data": {"id": "x", "text": "t", "sender_details": {"id": "s", "n": DEEP}}}
        ).encode(),
        "data.sender_details.n: nested more than 64 levels deep",
    ),
]


@pytest.mark.parametrize(("body", "message"), ERRORS)
def test_payload_errors_say_what_is_wrong_and_where(body: bytes, message: str) -> None:
    """Each malformed payload fails with its exact message and path, from bytes or a mapping."""
    # A message starts with the path of what is wrong, when there is one.
    path = None if message.startswith(("expected", "body")) else message.partition(": ")[0]
    payloads: list[Any] = [body]
    if not message.startswith("body"):  # an error in the JSON text itself has no mapping
        decoded = json.loads(body)
        payloads += [decoded] if isinstance(decoded, dict) else []
    for payload in payloads:
        with pytest.raises(PayloadError) as error:
            parse(payload)
        assert str(error.value) == message
        assert error.value.path == path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"data": {"id": "x", "status": "SEEN"}, "meta": 1}', "meta: unknown key (strict mode)"),
        (
            b'{"data": {"id": "x", "status": "SEEN", "mood": 1}}',
            "data.mood: unknown key (strict mode)",
        ),
        (
            b'{"data": {"id": "x", "text": "t", "location": {"zoom": 1}}}',
            "data.location.zoom: unknown key (strict mode)",
        ),
    ],
)
def test_strict_mode_holds_at_every_entry_point(body: bytes, message: str) -> None:
    """``strict=True`` rejects unknown keys whichever way it is given; the default keeps them."""
    signature = sign(body, "s")
    strict = Webhook("s", strict=True)
    attempts: list[Callable[[], object]] = [
        lambda: parse(body, strict=True),
        lambda: strict.parse(body),
        lambda: strict.parse(json.loads(body)),
        lambda: strict.verify_and_parse(body, signature),
        lambda: verify_and_parse(body, signature, "s", strict=True),
        lambda: verify_and_parse(body, signature, ["old", "s"], strict=True),
        lambda: parse(body.decode(), strict=True),
    ]
    for attempt in attempts:
        with pytest.raises(PayloadError) as error:
            attempt()
        assert str(error.value) == message
    assert Webhook("s").verify_and_parse(body, signature) == parse(body)


def test_a_mapping_holding_values_json_cannot_write_is_kept() -> None:
    """A value of a mapping payload that is not JSON is named by its Python type."""
    with pytest.raises(PayloadError) as error:
        parse({"data": {"id": {1, 2}, "status": "SEEN"}})
    assert str(error.value) == "data.id: expected a string, got set"


@pytest.mark.parametrize(("source", "name"), [(42, "int"), ([("a", "b")], "list")])
def test_signature_source_of_another_type_is_a_type_error(source: object, name: str) -> None:
    """A signature that is neither a header value nor a mapping is the caller's TypeError."""
    with pytest.raises(TypeError) as error:
        find_signature(source)  # type: ignore[arg-type]
    assert str(error.value) == (
        "signature must be the header's value (str, bytes or None) or the request's "
        f"headers as a mapping, not {name}"
    )


def test_to_json_is_compact_utf8_and_never_writes_nan() -> None:
    """``to_json`` writes compact UTF-8 text, and refuses NaN rather than write invalid JSON."""
    event = parse(b'{"data": {"id": "\\u00e9\\ud83d\\ude00", "status": "SEEN"}}')
    assert event.to_json() == '{"data":{"id":"\u00e9\U0001f600","status":"SEEN","channel":"SMS"}}'
    with pytest.raises(ValueError, match="JSON"):
        parse({"data": {"id": "x", "status": "SEEN", "score": float("nan")}}).to_json()


def test_a_top_level_sender_code_stands_in_for_sender_details_only() -> None:
    """The Spanish table's top-level ``sender_code`` becomes ``sender_details``, not an extra."""
    message = parse(b'{"data": {"id": "x", "text": "t", "sender_code": "c"}}')
    assert isinstance(message, IncomingMessage)
    assert message.sender_details == SenderDetails(code="c")
    assert message.extra == {}


def test_two_spellings_and_a_null_keep_the_first_spelling() -> None:
    """With a null beside two spellings of the number, the first spelling still wins."""
    message = parse(b'{"data": {"id": "x", "number": "1", "Number": "2", "to": null}}')
    assert isinstance(message, IncomingMessage)
    assert message.number == "1"
    assert message.extra == {"Number": "2"}


def test_integers_beyond_64_bits_stay_exact_wherever_they_are() -> None:
    """A huge integer after a string, in a nested object or in a list is kept as that int."""
    big = 2**64
    body = json.dumps(
        {"data": {"id": "x", "status": "SEEN", "n": big, "m": {"k": "v", "big": big}, "l": [big]}}
    )
    extra = parse(body.encode()).extra
    assert extra == {"n": big, "m": {"k": "v", "big": big}, "l": [big]}
    assert [type(extra["n"]), type(extra["m"]["big"]), type(extra["l"][0])] == [int, int, int]


def test_a_body_exactly_at_the_limit_is_accepted() -> None:
    """``max_body_size`` is the largest size accepted; one byte more is 413 with both sizes."""
    body = b'{"data": {"id": "x", "status": "SEEN"}}'
    webhook = Webhook("s", max_body_size=len(body))
    for same_body in (body, bytearray(body), body.decode()):
        assert webhook.verify_and_parse(same_body, sign(body, "s")).id == "x"
    with pytest.raises(PayloadError) as error:
        webhook.verify(body + b" ", sign(body + b" ", "s"))
    assert str(error.value) == f"body is {len(body) + 1} bytes, more than the limit of {len(body)}"


@pytest.mark.parametrize("size", [1, 63, 64, 65, 200])
def test_secrets_of_any_length_sign_as_hmac_does(size: int) -> None:
    """Secrets shorter, as long as, and longer than SHA-256's 64-byte block verify as HMAC says."""
    secret = bytes(range(256))[:size]
    body = b'{"data": {"id": "x", "status": "SEEN"}}'
    Webhook(secret).verify(body, hmac.new(secret, body, "sha256").hexdigest())


def test_hex_with_spaces_between_bytes_is_malformed() -> None:
    """A hex signature with whitespace inside it is malformed, even if its digits are right."""
    body = b'{"data": {"id": "x", "status": "SEEN"}}'
    mac = hmac.digest(b"s", body, "sha256").hex()
    with pytest.raises(InvalidSignatureError) as error:
        Webhook("s").verify(body, " ".join(mac[index : index + 2] for index in range(0, 64, 2)))
    assert "not a hex or base64 HMAC-SHA256 signature" in str(error.value)


MISUSES: list[tuple[Callable[[], object], type[Exception], str]] = [
    (
        lambda: parse(bytearray(b"{}"), max_body_size="5"),  # type: ignore[arg-type]
        TypeError,
        "max_body_size must be an int, not str",
    ),
    (lambda: parse(b"{}", max_body_size=0), ValueError, "max_body_size must be positive"),
    (
        lambda: Webhook(5),  # type: ignore[arg-type]
        TypeError,
        "secret must be a str, bytes, or a sequence of them, not int",
    ),
    (lambda: Webhook([]), ValueError, "secret must not be an empty sequence"),
    (
        lambda: Webhook([5]),  # type: ignore[list-item]
        TypeError,
        "each secret must be a str or bytes, not int",
    ),
    (lambda: Webhook(""), ValueError, "a webhook secret must not be empty"),
    (
        lambda: sign(b"x", ["a"]),  # type: ignore[arg-type]
        TypeError,
        "sign takes one secret, str or bytes, not list",
    ),
    (
        lambda: Webhook("s").verify({"a": 1}, "x"),  # type: ignore[arg-type]
        TypeError,
        "body must be the raw request body as bytes or str, not dict; a parsed or "
        "re-serialised body never matches its signature",
    ),
    (
        lambda: Webhook("s").verify(b"{}", {SIGNATURE_HEADER: 5}),
        InvalidSignatureError,
        "the X-TopMessage-Signature header must be text, not int",
    ),
]


@pytest.mark.parametrize(("attempt", "error", "message"), MISUSES)
def test_misuse_fails_at_once_saying_what_was_expected(
    attempt: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Arguments of the wrong type or value fail with a message that says what was expected."""
    with pytest.raises(error) as raised:
        attempt()
    assert str(raised.value) == message
