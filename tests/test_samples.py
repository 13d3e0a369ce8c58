"""TopMessage's documented samples, exactly as its pages print them."""

from __future__ import annotations

from pathlib import Path

import pytest

from topmessage_webhooks import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    IncomingMessage,
    PayloadError,
    SenderDetails,
    _samples,
    sign,
    verify_and_parse,
)

SECRET = "whsec-samples"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _verify(body: bytes) -> object:
    return verify_and_parse(body, sign(body, SECRET), SECRET)


def test_spanish_delivery_report_sample() -> None:
    """The Spanish page's delivery report sample parses to the report it describes."""
    assert _verify(_samples.DELIVERY_REPORT) == DeliveryReport(
        id="b04fc4d3-f232-46b7-b66b-538c0d4b3404",
        channel=Channel.SMS,
        status=DeliveryStatus.DELIVERED,
    )


def test_english_delivery_report_sample() -> None:
    """The English page's sample, with request_id and type, parses completely."""
    assert _verify(_samples.DELIVERY_REPORT_EN) == DeliveryReport(
        id="b04fc4d3-f232-46b7-b66b-538c0d4b3404",
        request_id="b04fc4d3-f232-46b7-b66b-538c0d4b3404",
        channel=Channel.SMS,
        status=DeliveryStatus.DELIVERED,
        type="STATUS",
    )


def test_incoming_message_sample_as_printed_is_malformed() -> None:
    """The incoming message exactly as printed has a brace too many: a PayloadError."""
    with pytest.raises(PayloadError, match="Extra data"):
        _verify(_samples.INCOMING_MESSAGE_AS_PRINTED)


def test_incoming_message_sample_without_the_extra_brace() -> None:
    """With the extra brace removed, the sample parses, Number and sender_details included."""
    assert _verify(_samples.INCOMING_MESSAGE) == IncomingMessage(
        id="e3fc3b55-807f-41cf-93cf-cd365fef8515",
        channel=Channel.WHATSAPP,
        account_id="0d1f7f1c-27df-41bf-8bdc-5666608a4285",
        sender_details=SenderDetails(
            id="476c7381-ca60-4e98-9657-a4af98ec032b",
            name="TopMessage",
            code="19134216816",
        ),
        number="491511234567",
        text="Received",
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="TopMessage's pages are not beside this checkout")
def test_samples_are_byte_for_byte_the_documented_ones() -> None:
    """The samples are exactly the text of TopMessage's pages."""
    spanish = (SHARED / "seeds" / "topmessage-webhooks-es.txt").read_bytes()
    assert _samples.DELIVERY_REPORT in spanish
    assert _samples.INCOMING_MESSAGE_AS_PRINTED in spanish
    assert _samples.DELIVERY_REPORT_EN in (SHARED / "WIRE-FORMAT.md").read_bytes()
