"""The converter: telling events apart, aliases, unknown keys, strict mode, field paths."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from topmessage_webhooks import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    Event,
    IncomingMessage,
    Location,
    PayloadError,
    SenderDetails,
    UnknownEventError,
    _samples,
    _wire,
    parse,
)
from topmessage_webhooks._wire import MAX_NESTING
from topmessage_webhooks.testing import strategies


def _data(**fields: Any) -> dict[str, Any]:
    return {"data": fields}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"id": "1", "status": "SEEN"}, DeliveryReport),
        ({"id": "1", "status": "SEEN", "type": "STATUS"}, DeliveryReport),
        ({"id": "1", "type": "STATUS", "status": "SEEN", "text": "hi"}, DeliveryReport),
        ({"id": "1", "status": "SEEN", "text": "hi", "from": "49"}, DeliveryReport),
        ({"id": "1", "text": "hi"}, IncomingMessage),
        ({"id": "1", "type": "MESSAGE", "Number": "49"}, IncomingMessage),
        ({"id": "1", "media_id": "m"}, IncomingMessage),
        ({"id": "1", "location": {}}, IncomingMessage),
        ({"id": "1", "sender_code": "1913"}, IncomingMessage),
        ({"id": "1", "account_id": "a"}, IncomingMessage),
        ({"id": "1", "reference_message_id": "r"}, IncomingMessage),
        ({"id": "1", "sender_details": {}}, IncomingMessage),
    ],
)
def test_events_are_told_apart_by_type_then_shape(data: dict[str, Any], kind: type) -> None:
    """type STATUS decides, then a status key, then any incoming-message key."""
    assert type(parse(_data(**data))) is kind


@pytest.mark.parametrize(
    "data", [{}, {"id": "1"}, {"id": "1", "type": "POLL"}, {"id": "1", "channel": "SMS"}]
)
def test_neither_event_is_unknown(data: dict[str, Any]) -> None:
    """Data of neither shape is an UnknownEventError carrying the data, never a guess."""
    with pytest.raises(UnknownEventError) as caught:
        parse(_data(**data))
    assert caught.value.data == data
    assert caught.value.path == "data"


def test_unknown_event_message_bounds_the_keys_it_lists() -> None:
    """A huge unknown object is summarised in a short message."""
    data = {f"key-{n:05}" + "x" * 100: n for n in range(10_000)}
    with pytest.raises(UnknownEventError) as caught:
        parse(_data(**data))
    assert len(str(caught.value)) < 1000


def test_channel_defaults_to_sms_when_absent_or_null() -> None:
    """A missing or null channel is SMS, for both events."""
    assert parse(_data(id="1", status="SEEN")).channel is Channel.SMS
    assert parse(_data(id="1", status="SEEN", channel=None)).channel is Channel.SMS
    assert parse(_data(id="1", text="hi", channel=None)).channel is Channel.SMS


def test_known_values_are_enum_members_that_equal_their_strings() -> None:
    """Known statuses and channels are enum members equal to their wire strings."""
    event = parse(_data(id="1", status="DELIVERED", channel="WHATSAPP"))
    assert isinstance(event, DeliveryReport)
    assert event.status is DeliveryStatus.DELIVERED
    assert event.status == "DELIVERED"
    assert event.channel is Channel.WHATSAPP


def test_unknown_values_are_kept_as_strings() -> None:
    """An unknown status or channel is kept as the plain string it was."""
    event = parse(_data(id="1", status="BOUNCED", channel="RCS"))
    assert isinstance(event, DeliveryReport)
    assert (event.status, event.channel) == ("BOUNCED", "RCS")
    assert type(event.status) is str
    assert json.loads(event.to_json())["data"]["status"] == "BOUNCED"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"id": "1", "status": "BOUNCED"}, "data.status"),
        ({"id": "1", "status": "SEEN", "channel": "RCS"}, "data.channel"),
        ({"id": "1", "status": "SEEN", "colour": "red"}, "data.colour"),
        (
            {"id": "1", "text": "t", "sender_details": {"sender_id": "s", "x": 1}},
            "data.sender_details.x",
        ),
        ({"id": "1", "location": {"name": "n", "altitude": "9"}}, "data.location.altitude"),
    ],
)
def test_strict_mode_rejects_unknown_keys_and_values(data: dict[str, Any], path: str) -> None:
    """strict=True turns an unknown key or value into a PayloadError naming its path."""
    parse(_data(**data))
    with pytest.raises(PayloadError) as caught:
        parse(_data(**data), strict=True)
    assert caught.value.path == path


def test_strict_mode_rejects_unknown_top_level_keys() -> None:
    """strict=True rejects a key beside data."""
    with pytest.raises(PayloadError) as caught:
        parse({"data": {"id": "1", "status": "SEEN"}, "meta": {}}, strict=True)
    assert caught.value.path == "meta"


def test_strict_mode_keeps_documented_aliases_that_lost() -> None:
    """A documented alias that lost to an earlier spelling is kept, not an error, in strict mode."""
    event = parse(_data(id="1", number="49", Number="48", text="t"), strict=True)
    assert isinstance(event, IncomingMessage)
    assert event.number == "49"
    assert event.extra == {"Number": "48"}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"id": 1, "status": "SEEN"}, "data.id", "expected a string, got number"),
        ({"status": "SEEN"}, "data.id", "missing or null"),
        ({"id": None, "status": "SEEN"}, "data.id", "missing or null"),
        ({"id": "1", "status": None}, "data.status", "missing or null"),
        ({"id": "1", "status": ["SEEN"]}, "data.status", "got array"),
        ({"id": "1", "status": "SEEN", "channel": 7}, "data.channel", "got number"),
        ({"id": "1", "status": "SEEN", "request_id": True}, "data.request_id", "got boolean"),
        (
            {"id": "1", "sender_details": "TopMessage"},
            "data.sender_details",
            "expected an object, got string",
        ),
        (
            {"id": "1", "sender_details": {"sender_name": 5}},
            "data.sender_details.sender_name",
            "got number",
        ),
        ({"id": "1", "sender_details": {"code": {}}}, "data.sender_details.code", "got object"),
        ({"id": "1", "sender_code": 1913}, "data.sender_code", "got number"),
        ({"id": "1", "from": 49}, "data.from", "got number"),
        ({"id": "1", "location": []}, "data.location", "expected an object, got array"),
        ({"id": "1", "location": {"latitude": True}}, "data.location.latitude", "got boolean"),
        ({"id": "1", "text": {"body": "hi"}}, "data.text", "got object"),
    ],
)
def test_wrong_types_name_the_field_path(data: dict[str, Any], path: str, message: str) -> None:
    """A field of the wrong type, or a required one missing, names its wire path."""
    with pytest.raises(PayloadError) as caught:
        parse(_data(**data))
    assert caught.value.path == path
    assert str(caught.value) == f"{path}: {message}" or message in str(caught.value)
    assert str(caught.value).startswith(path + ": ")


def test_incoming_message_reads_every_documented_field() -> None:
    """Every field of the union of TopMessage's four descriptions is read."""
    event = parse(
        _data(
            id="m-1",
            channel="WHATSAPP",
            account_id="acc",
            sender_details={"sender_id": "s", "sender_name": "TopMessage", "sender_code": "1913"},
            number="491511234567",
            reference_message_id="ref",
            text="hello",
            media_id="media",
            location={
                "name": "Office",
                "address": "Main St 1",
                "latitude": "52.5",
                "longitude": 13.4,
            },
            to="MySender",
            request_id="req",
            type="MESSAGE",
        )
    )
    assert event == IncomingMessage(
        id="m-1",
        channel=Channel.WHATSAPP,
        account_id="acc",
        sender_details=SenderDetails(id="s", name="TopMessage", code="1913"),
        number="491511234567",
        reference_message_id="ref",
        text="hello",
        media_id="media",
        location=Location(name="Office", address="Main St 1", latitude="52.5", longitude="13.4"),
        to="MySender",
        request_id="req",
        type="MESSAGE",
    )


@pytest.mark.parametrize(("wire", "kept"), [(52, "52"), (-33.8688, "-33.8688"), (1e-7, "1e-07")])
def test_numeric_coordinates_become_decimal_strings(wire: float, kept: str) -> None:
    """JSON numbers for latitude/longitude are kept as their decimal string."""
    event = parse(_data(id="1", location={"latitude": wire}))
    assert isinstance(event, IncomingMessage)
    assert event.location == Location(latitude=kept)
    assert json.loads(event.to_json())["data"]["location"] == {"latitude": kept}


@pytest.mark.parametrize(
    ("data", "number", "extra"),
    [
        ({"number": "1", "Number": "2", "from": "3"}, "1", {"Number": "2", "from": "3"}),
        ({"Number": "2", "from": "3"}, "2", {"from": "3"}),
        ({"from": "3"}, "3", {}),
        ({"number": None, "from": "3"}, "3", {}),
        ({"number": None, "Number": None, "from": None}, None, {}),
    ],
)
def test_first_non_null_spelling_wins_and_losers_are_kept(
    data: dict[str, Any], number: str | None, extra: dict[str, Any]
) -> None:
    """number, Number, from: the first non-null wins; later non-null spellings stay in extra."""
    event = parse(_data(id="1", text="t", **data))
    assert isinstance(event, IncomingMessage)
    assert (event.number, dict(event.extra)) == (number, extra)
    assert parse(event.to_json()) == event


def test_top_level_sender_code_stands_in_for_sender_details() -> None:
    """Without sender_details, the Spanish table's sender_code becomes SenderDetails.code."""
    event = parse(_data(id="1", sender_code="19134216816"))
    assert isinstance(event, IncomingMessage)
    assert event.sender_details == SenderDetails(code="19134216816")
    assert event.to_dict()["data"]["sender_details"] == {"sender_code": "19134216816"}


def test_sender_details_object_wins_over_top_level_sender_code() -> None:
    """With both, sender_details wins and the top-level sender_code is kept in extra."""
    event = parse(_data(id="1", sender_details={"code": "A"}, sender_code="B"))
    assert isinstance(event, IncomingMessage)
    assert event.sender_details == SenderDetails(code="A")
    assert event.extra == {"sender_code": "B"}
    assert parse(event.to_json()) == event


def test_unknown_keys_are_kept_at_every_level_and_written_back() -> None:
    """Unknown keys in the envelope, data, sender_details and location survive a round trip."""
    payload = {
        "data": {
            "id": "1",
            "channel": "SMS",
            "text": "t",
            "sender_details": {"sender_code": "c", "sender_country": "DE"},
            "location": {"name": "n", "accuracy_m": 12},
            "emoji_reaction": {"emoji": "👍"},
        },
        "webhook_version": 2,
    }
    event = parse(payload)
    assert isinstance(event, IncomingMessage)
    assert event.extra == {"emoji_reaction": {"emoji": "👍"}}
    assert event.envelope_extra == {"webhook_version": 2}
    assert event.sender_details is not None
    assert event.sender_details.extra == {"sender_country": "DE"}
    assert event.location is not None
    assert event.location.extra == {"accuracy_m": 12}
    assert event.to_dict() == payload


def test_null_fields_are_left_out_of_the_canonical_form() -> None:
    """A None field is not written; channel, which has a default, always is."""
    event = parse(_data(id="1", status="SEEN", request_id=None))
    assert event.to_dict() == {"data": {"id": "1", "status": "SEEN", "channel": "SMS"}}


def test_unknown_values_nested_too_deep_are_rejected() -> None:
    """Kept values nested deeper than MAX_NESTING are a PayloadError naming their key."""
    deep: Any = "leaf"
    for _ in range(MAX_NESTING):
        deep = [deep]
    parse(_data(id="1", status="SEEN", shallow=deep))
    with pytest.raises(PayloadError, match="nested more than") as caught:
        parse(_data(id="1", status="SEEN", deep=[deep]))
    assert caught.value.path == "data.deep"


@given(strategies.events())
def test_any_model_survives_to_json_then_parse(event: Event) -> None:
    """parse(event.to_json()) == event for any generated event."""
    assert parse(event.to_json()) == event
    assert parse(event.to_json().encode()) == event


@given(strategies.wire_payloads())
def test_any_canonical_payload_survives_parse_then_to_dict(payload: dict[str, Any]) -> None:
    """parse(payload).to_dict() == payload for any canonical wire payload."""
    assert parse(payload).to_dict() == payload
    assert parse(json.dumps(payload)).to_dict() == payload


@given(strategies.aliased_payloads())
def test_alias_spellings_parse_to_the_canonical_model(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """Alias spellings parse to the same model as the canonical spelling."""
    canonical, aliased = pair
    assert parse(aliased) == parse(canonical)


@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "status",
                "text",
                "number",
                "sender_details",
                "location",
                "channel",
                "from",
                "sender_code",
                "type",
            ]
        ),
        strategies.json_values(max_leaves=4),
    ),
    strict=st.booleans(),
)
def test_any_json_data_parses_or_raises_a_payload_error(data: dict[str, Any], strict: bool) -> None:
    """Arbitrary JSON under documented keys gives an event or a PayloadError, nothing else."""
    try:
        event = parse({"data": data}, strict=strict)
    except PayloadError:
        return
    assert parse(event.to_json()) == event


def _built(build: Any, payload: Any, strict: bool) -> tuple[Any, ...]:
    """An event as comparable data (its repr shows every field, enum members and key order)."""
    try:
        event = build(payload, strict)
    except PayloadError as error:
        return (type(error).__name__, str(error), getattr(error, "data", None))
    return ("event", repr(event), event.to_dict())


_WORDS = ["SMS", "WHATSAPP", "DELIVERED", "STATUS", "SEEN", "x", ""]
_scalars = st.none() | st.sampled_from(_WORDS) | st.integers() | st.floats(allow_nan=False)
_inner_objects = st.dictionaries(
    st.sampled_from(["sender_id", "id", "name", "sender_name", "code", "latitude", "other"]),
    _scalars,
    max_size=4,
)
_messy_data = st.dictionaries(
    st.sampled_from(sorted(_wire.documented_keys())) | st.sampled_from(["unknown", "Id", "x"]),
    _scalars | _inner_objects | strategies.json_values(max_leaves=3),
    max_size=8,
)
_messy_payloads = st.builds(
    lambda data, envelope: {"data": data, **envelope},
    _messy_data,
    st.dictionaries(st.sampled_from(["meta", "x"]), _scalars, max_size=1),
)


@given(
    payload=_messy_payloads
    | strategies.wire_payloads()
    | strategies.aliased_payloads().map(lambda pair: pair[1]),
    strict=st.booleans(),
)
@example(payload=_data(id="1", number="1", **{"from": "2"}), strict=False)
@example(payload=_data(id="1", text="t", sender_details={"id": "b", "sender_id": "a"}), strict=True)
@example(payload=_data(id="1", Number=None, number="1", sender_code="c"), strict=False)
@example(payload=_data(id="1", status="SEEN", channel=None, x=None), strict=False)
def test_plain_path_builds_what_the_detailed_path_builds(payload: Any, strict: bool) -> None:
    """Whatever the plain path accepts, it builds exactly the detailed path's event."""
    plain = (
        _built(_wire._structure_plain_event, payload, strict)
        if _plain_accepts(payload, strict)
        else None
    )
    detailed = _built(_wire._structure_event, payload, strict)
    assert plain in (None, detailed)
    assert _built(lambda p, s: _wire.structure_event(p, strict=s), payload, strict) == detailed


def _plain_accepts(payload: Any, strict: bool) -> bool:
    try:
        _wire._structure_plain_event(payload, strict)
    except (_wire._NotPlain, PayloadError):
        return False
    return True


@pytest.mark.parametrize(
    "body",
    [_samples.DELIVERY_REPORT, _samples.DELIVERY_REPORT_EN, _samples.INCOMING_MESSAGE],
)
def test_documented_samples_take_the_plain_path(body: bytes) -> None:
    """TopMessage's own samples, and the same with an unknown key added, need no detailed pass."""
    payload = json.loads(body)
    assert _plain_accepts(payload, strict=False)
    payload["data"]["added_later"] = {"by": ["TopMessage"]}
    assert _plain_accepts(payload, strict=False)


@pytest.mark.parametrize("key", ["number", "text", "sender_details", "location", "sender_code"])
def test_incoming_keys_that_are_all_null_make_an_unknown_event(key: str) -> None:
    """Null incoming-message keys say nothing: the event is unknown, not an empty message."""
    with pytest.raises(UnknownEventError):
        parse(_data(id="x", **{key: None}))
    event = parse(_data(id="x", text="hi", **{key: None} if key != "text" else {}))
    assert parse(event.to_json()) == event


def test_payload_errors_chain_to_nothing_internal() -> None:
    """A payload error's traceback shows no internal fast-path exception as its context."""
    with pytest.raises(PayloadError) as caught:
        parse(_data(id=1, status="SEEN"))
    assert caught.value.__context__ is None
    assert caught.value.__cause__ is None
