"""The models: frozen, slotted, hashable, with read-only extra mappings."""

from __future__ import annotations

import attrs
import pytest

from topmessage_webhooks import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    IncomingMessage,
    Location,
    SenderDetails,
)

MODELS = [DeliveryReport, IncomingMessage, SenderDetails, Location]


@pytest.mark.parametrize("cls", MODELS)
def test_models_are_frozen_slotted_attrs_classes(cls: type) -> None:
    """Every model is an attrs class with slots, whose fields cannot be assigned."""
    assert attrs.has(cls)
    assert "__slots__" in vars(cls)
    instance = (
        cls(id="1", status="SEEN")
        if cls is DeliveryReport
        else cls(**({"id": "1"} if cls is IncomingMessage else {}))
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        instance.extra = {}  # type: ignore[misc]


def test_extra_is_read_only_and_detached_from_its_source() -> None:
    """extra cannot be changed through the model, nor through the dict it was built from."""
    source = {"x": 1}
    report = DeliveryReport(id="1", status="SEEN", extra=source)
    source["y"] = 2
    assert report.extra == {"x": 1}
    with pytest.raises(TypeError):
        report.extra["z"] = 3  # type: ignore[index]


def test_events_are_hashable_and_equal_by_value() -> None:
    """Equal events hash equal, extras included in equality."""
    a = DeliveryReport(id="1", status=DeliveryStatus.SEEN, extra={"k": [1]})
    b = DeliveryReport(id="1", status="SEEN", extra={"k": [1]})
    assert a == b
    assert hash(a) == hash(b)
    assert a != DeliveryReport(id="1", status="SEEN", extra={"k": [2]})
    assert len({a, b}) == 1


def test_enums_compare_equal_to_their_strings() -> None:
    """Channel and DeliveryStatus members are str, equal to and printed as their values."""
    assert DeliveryStatus.DELIVERED == "DELIVERED"
    assert Channel.WHATSAPP == "WHATSAPP"
    assert str(DeliveryStatus.FAILED) == "FAILED"
    assert f"{Channel.SMS}" == "SMS"
    assert [s.value for s in DeliveryStatus] == ["PENDING", "FAILED", "DELIVERED", "SEEN"]


def test_repr_shows_extra_as_a_plain_dict() -> None:
    """The repr is readable: extra appears as a dict."""
    text = repr(SenderDetails(code="1913", extra={"country": "DE"}))
    assert text == "SenderDetails(id=None, name=None, code='1913', extra={'country': 'DE'})"


def test_defaults_follow_the_wire_format() -> None:
    """channel defaults to SMS; every other optional field to None."""
    message = IncomingMessage(id="1")
    assert message.channel is Channel.SMS
    assert message.text is None
    assert message.extra == {}
    assert message.envelope_extra == {}
