"""The typed events: frozen attrs classes and the enums of their known values.

Field names and defaults follow WIRE-FORMAT.md's decisions. How the fields are
spelled on the wire (aliases, canonical keys, unknown keys) is the converter's
business, in ``_wire``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

__all__ = [
    "Channel",
    "DeliveryReport",
    "DeliveryStatus",
    "Event",
    "IncomingMessage",
    "Location",
    "SenderDetails",
]


class Channel(str, enum.Enum):
    """The channel a message travels on. Members compare equal to their strings."""

    SMS = "SMS"
    WHATSAPP = "WHATSAPP"

    def __str__(self) -> str:
        return self.value


class DeliveryStatus(str, enum.Enum):
    """Where an outgoing message stands: PENDING, then DELIVERED and SEEN, or FAILED."""

    PENDING = "PENDING"
    FAILED = "FAILED"
    DELIVERED = "DELIVERED"
    SEEN = "SEEN"

    def __str__(self) -> str:
        return self.value


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if value else _EMPTY


def _extra_field() -> Any:
    # Kept out of the hash (a mapping is not hashable) but part of equality.
    return attrs.field(
        factory=lambda: _EMPTY,
        converter=_read_only,
        hash=False,
        repr=lambda value: repr(dict(value)),
        kw_only=True,
    )


@attrs.frozen
class SenderDetails:
    """Your TopMessage sender that received an incoming message."""

    id: str | None = None
    name: str | None = None
    code: str | None = None
    #: Keys of ``sender_details`` this version does not know, kept as received.
    extra: Mapping[str, Any] = _extra_field()


@attrs.frozen
class Location:
    """A location shared in an incoming message. Coordinates stay decimal strings."""

    name: str | None = None
    address: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    #: Keys of ``location`` this version does not know, kept as received.
    extra: Mapping[str, Any] = _extra_field()


class _Event:
    """Methods shared by both events."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The canonical wire form, ``{"data": {...}}``, unknown keys included."""
        from ._wire import unstructure_event

        return unstructure_event(self)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """The canonical wire form as compact JSON text; ``parse`` reads it back equal."""
        from ._json import dumps

        return dumps(self.to_dict())


@attrs.frozen
class DeliveryReport(_Event):
    """The delivery status of a message you sent."""

    id: str
    #: A ``DeliveryStatus``, or the plain string of a status this version does not know.
    status: DeliveryStatus | str
    #: A ``Channel``, or the plain string of a channel this version does not know.
    channel: Channel | str = Channel.SMS
    #: The id you gave the send request, to trace it.
    request_id: str | None = None
    #: The event type TopMessage states, ``"STATUS"`` when present.
    type: str | None = None
    #: Keys of ``data`` this version does not know, kept as received.
    extra: Mapping[str, Any] = _extra_field()
    #: Top-level keys beside ``data``, kept as received.
    envelope_extra: Mapping[str, Any] = _extra_field()


@attrs.frozen
class IncomingMessage(_Event):
    """A message someone sent to your TopMessage number."""

    id: str
    #: A ``Channel``, or the plain string of a channel this version does not know.
    channel: Channel | str = Channel.SMS
    account_id: str | None = None
    #: Your sender that received the message.
    sender_details: SenderDetails | None = None
    #: The sender's phone number, in international format.
    number: str | None = None
    #: The id of the message this one replies to.
    reference_message_id: str | None = None
    #: The text, absent for media and location messages.
    text: str | None = None
    media_id: str | None = None
    location: Location | None = None
    #: Your TopMessage sender name.
    to: str | None = None
    request_id: str | None = None
    type: str | None = None
    #: Keys of ``data`` this version does not know, kept as received.
    extra: Mapping[str, Any] = _extra_field()
    #: Top-level keys beside ``data``, kept as received.
    envelope_extra: Mapping[str, Any] = _extra_field()


Event: TypeAlias = DeliveryReport | IncomingMessage
