"""Factories for typed events: TopMessage's documented samples with fresh ids."""

from __future__ import annotations

import uuid
from typing import Any, cast

import attrs

from .. import _samples
from .._models import Channel, DeliveryReport, DeliveryStatus, IncomingMessage
from .._webhook import parse

_REPORT = cast(DeliveryReport, parse(_samples.DELIVERY_REPORT_EN))
_MESSAGE = cast(IncomingMessage, parse(_samples.INCOMING_MESSAGE))


def delivery_report(**overrides: Any) -> DeliveryReport:
    """A ``DeliveryReport`` like the English page's sample, with fresh ids.

    The defaults are those of the sample: ``status=DELIVERED``,
    ``channel=SMS``, ``type="STATUS"``; ``id`` and ``request_id`` are new
    UUIDs unless given. Any field can be overridden by keyword, such as
    ``delivery_report(status="FAILED", channel="WHATSAPP")``; a known status
    or channel given as a string becomes its enum member, as ``parse`` would
    return it. An unknown field name is a ``TypeError``.
    """
    fields = {"id": _new_id(), "request_id": _new_id(), **overrides}
    for name, enum in (("status", DeliveryStatus), ("channel", Channel)):
        if name in fields:
            fields[name] = _known_member(enum, fields[name])
    return attrs.evolve(_REPORT, **fields)


def incoming_message(**overrides: Any) -> IncomingMessage:
    """An ``IncomingMessage`` like the documented sample, with a fresh id.

    The defaults are those of the sample: a WhatsApp text ``"Received"``
    from ``491511234567``, with the sample's ``account_id`` and
    ``sender_details``; ``id`` is a new UUID unless given. Any field can be
    overridden by keyword, such as
    ``incoming_message(text=None, location=Location(latitude="52.52",
    longitude="13.40"))``; a known channel given as a string becomes its enum
    member. An unknown field name is a ``TypeError``.
    """
    fields = {"id": _new_id(), **overrides}
    if "channel" in fields:
        fields["channel"] = _known_member(Channel, fields["channel"])
    return attrs.evolve(_MESSAGE, **fields)


def _new_id() -> str:
    return str(uuid.uuid4())


def _known_member(enum: type[Channel] | type[DeliveryStatus], value: object) -> object:
    # A value this version does not know stays as given, as parse keeps it.
    try:
        return enum(value)
    except ValueError:
        return value
