"""Hypothesis strategies for TopMessage webhooks: typed models and wire payloads.

Requires hypothesis (``pip install 'topmessage-webhooks[testing]'``). These are
the strategies the SDK's own property tests use:

- ``delivery_reports()``, ``incoming_messages()``, ``events()``: typed models
  that ``to_json`` and ``parse`` read back equal, including unknown keys and
  unknown status or channel values;
- ``wire_payloads()``: canonical wire mappings, as ``Event.to_dict`` writes
  them, which ``parse`` reads and ``to_dict`` writes back equal;
- ``aliased_payloads()``: pairs of a canonical payload and the same event
  spelled with WIRE-FORMAT.md's aliases;
- ``signed_requests(secret)``: ``SignedRequest`` objects as TopMessage sends
  them, in every accepted signature encoding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from .._models import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    Event,
    IncomingMessage,
    Location,
    SenderDetails,
)
from .._wire import documented_keys
from ._requests import ENCODINGS, Signable, SignedRequest, signed_request

__all__ = [
    "aliased_payloads",
    "channels",
    "delivery_reports",
    "delivery_statuses",
    "events",
    "incoming_messages",
    "json_values",
    "locations",
    "sender_details",
    "signed_requests",
    "unknown_keys",
    "wire_payloads",
]

_DOCUMENTED = documented_keys() | {"data"}
_SENDER_ALIASES = frozenset({"sender_id", "sender_name", "sender_code"})
_KNOWN_VALUES = {member.value for member in (*Channel, *DeliveryStatus)}


def unknown_keys() -> st.SearchStrategy[str]:
    """Keys that WIRE-FORMAT.md documents nowhere: what ``extra`` mappings hold."""
    return st.text(min_size=1, max_size=12).filter(lambda key: key not in _DOCUMENTED)


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any JSON value that survives a round trip through JSON text unchanged."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**63), max_value=2**64)
        | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: x + 0.0)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def _extras() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(unknown_keys(), json_values(), max_size=2)


def _unknown_value() -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=12).filter(lambda value: value not in _KNOWN_VALUES)


def channels() -> st.SearchStrategy[Channel | str]:
    """Known channels, and now and then one this version does not know."""
    return st.sampled_from(Channel) | _unknown_value()


def delivery_statuses() -> st.SearchStrategy[DeliveryStatus | str]:
    """Known statuses, and now and then one this version does not know."""
    return st.sampled_from(DeliveryStatus) | _unknown_value()


def _text() -> st.SearchStrategy[str]:
    return st.text(max_size=30)


def _optional_text() -> st.SearchStrategy[str | None]:
    return st.none() | _text()


def sender_details() -> st.SearchStrategy[SenderDetails]:
    """``SenderDetails`` with any fields set, and unknown keys."""
    return st.builds(
        SenderDetails,
        id=_optional_text(),
        name=_optional_text(),
        code=_optional_text(),
        extra=_extras(),
    )


def locations() -> st.SearchStrategy[Location]:
    """``Location`` with any fields set, coordinates as decimal strings, and unknown keys."""
    coordinate = st.none() | st.decimals(
        min_value=-180, max_value=180, places=6, allow_nan=False
    ).map(str)
    return st.builds(
        Location,
        name=_optional_text(),
        address=_optional_text(),
        latitude=coordinate,
        longitude=coordinate,
        extra=_extras(),
    )


def _envelope_extras() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.text(max_size=8).filter(lambda key: key != "data"), json_values(), max_size=1
    )


def delivery_reports(
    *, status: st.SearchStrategy[DeliveryStatus | str] | None = None
) -> st.SearchStrategy[DeliveryReport]:
    """``DeliveryReport`` events; ``status`` narrows the statuses drawn."""
    return st.builds(
        DeliveryReport,
        id=_text(),
        status=delivery_statuses() if status is None else status,
        channel=channels(),
        request_id=_optional_text(),
        type=st.none() | st.just("STATUS"),
        extra=_extras(),
        envelope_extra=_envelope_extras(),
    )


@st.composite
def incoming_messages(draw: st.DrawFn) -> IncomingMessage:
    """``IncomingMessage`` events: text, media, location or replies, with unknown keys.

    At least one field that marks an incoming message is set, as on the wire:
    an event without any is neither kind.
    """
    content: dict[str, st.SearchStrategy[Any]] = {
        "account_id": _text(),
        "sender_details": sender_details(),
        "number": st.text(alphabet="+0123456789", min_size=1, max_size=15),
        "reference_message_id": _text(),
        "text": _text(),
        "media_id": _text(),
        "location": locations(),
    }
    present = draw(st.sets(st.sampled_from(sorted(content)), min_size=1))
    return IncomingMessage(
        id=draw(_text()),
        channel=draw(channels()),
        to=draw(_optional_text()),
        request_id=draw(_optional_text()),
        # Any type but "STATUS", which would make it a delivery report.
        type=draw(st.none() | _text().filter(lambda value: value != "STATUS")),
        extra=draw(_extras()),
        envelope_extra=draw(_envelope_extras()),
        **{name: draw(content[name]) for name in present},
    )


def events() -> st.SearchStrategy[Event]:
    """Either event."""
    return delivery_reports() | incoming_messages()


def wire_payloads() -> st.SearchStrategy[dict[str, Any]]:
    """Canonical wire payloads, ``{"data": {...}}``, drawn as JSON mappings.

    Only canonical spellings, no null fields and an explicit ``channel``: the
    form ``to_dict`` writes, so ``parse(payload).to_dict() == payload``.
    """
    return st.one_of(_delivery_report_payloads(), _incoming_message_payloads())


def _objects(
    required: Mapping[str, st.SearchStrategy[Any]],
    optional: Mapping[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(dict(required), optional=dict(optional)).flatmap(
        lambda known: _extras().map(lambda extra: {**known, **extra})
    )


def _delivery_report_payloads() -> st.SearchStrategy[dict[str, Any]]:
    data = _objects(
        {"id": _text(), "status": delivery_statuses().map(str), "channel": channels().map(str)},
        {"request_id": _text(), "type": st.just("STATUS")},
    )
    return _envelopes(data)


def _incoming_message_payloads() -> st.SearchStrategy[dict[str, Any]]:
    sender = _objects({}, {"sender_id": _text(), "sender_name": _text(), "sender_code": _text()})
    location = _objects({}, {key: _text() for key in ("name", "address", "latitude", "longitude")})
    data = _objects(
        {"id": _text(), "channel": channels().map(str), "text": _text()},
        {
            "account_id": _text(),
            "sender_details": sender,
            "number": _text(),
            "reference_message_id": _text(),
            "media_id": _text(),
            "location": location,
            "to": _text(),
            "request_id": _text(),
        },
    )
    return _envelopes(data)


def _envelopes(data: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda data, extra: {"data": data, **extra}, data, _envelope_extras())


@st.composite
def aliased_payloads(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A canonical incoming-message payload and the same event in alias spellings.

    The aliases are those WIRE-FORMAT.md accepts: ``Number``/``from`` for
    ``number``; ``id``/``name``/``code`` inside ``sender_details``; a top-level
    ``sender_code`` for a ``sender_details`` holding only a code; and an
    earlier spelling present but null, which does not win.
    """
    canonical = draw(_incoming_message_payloads())
    data = dict(canonical["data"])
    if "number" in data:
        spelling = draw(st.sampled_from(["Number", "from"]))
        data[spelling] = data.pop("number")
        if draw(st.booleans()):
            data["number"] = None
    sender = data.get("sender_details")
    if sender is not None:
        renamed: dict[str, Any] = {}
        for key, value in sender.items():
            short = key.removeprefix("sender_")
            use_short = key in _SENDER_ALIASES and draw(st.booleans())
            renamed[short if use_short else key] = value
        only_a_code = bool(renamed) and set(renamed) <= {"sender_code", "code"}
        if only_a_code and draw(st.booleans()):
            del data["sender_details"]
            data["sender_code"] = next(iter(renamed.values()))
        else:
            data["sender_details"] = renamed
    return canonical, {**canonical, "data": data}


def signed_requests(
    secret: str | bytes, payloads: st.SearchStrategy[Signable] | None = None
) -> st.SearchStrategy[SignedRequest]:
    """Requests as TopMessage sends them, signed with ``secret`` in any accepted encoding.

    ``payloads`` are what is signed, ``events()`` unless given: for instance
    ``wire_payloads()``, or bodies as bytes.
    """
    return st.builds(
        signed_request,
        events() if payloads is None else payloads,
        st.just(secret),
        encoding=st.sampled_from(ENCODINGS),
        prefix=st.booleans(),
    )
