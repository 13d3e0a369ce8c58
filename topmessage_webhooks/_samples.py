"""TopMessage's documented sample payloads, byte for byte as its pages print them."""

from __future__ import annotations

#: The delivery report sample of the Spanish page.
DELIVERY_REPORT = b"""{
    "data":
        {
            "id":"b04fc4d3-f232-46b7-b66b-538c0d4b3404",
            "channel":"SMS",
            "status":"DELIVERED"
        }
    }
"""

#: The delivery report sample of the English page, with ``request_id`` and ``type``.
DELIVERY_REPORT_EN = (
    b'{"data": {"id": "b04fc4d3-f232-46b7-b66b-538c0d4b3404", '
    b'"request_id": "b04fc4d3-f232-46b7-b66b-538c0d4b3404", '
    b'"channel": "SMS", "status": "DELIVERED", "type": "STATUS"}}'
)

#: The incoming message sample as printed: it has one closing brace too many,
#: so it is not valid JSON.
INCOMING_MESSAGE_AS_PRINTED = b"""{
    "data": {
        "id":"e3fc3b55-807f-41cf-93cf-cd365fef8515",
        "channel":"WHATSAPP",
        "account_id":"0d1f7f1c-27df-41bf-8bdc-5666608a4285",
        "sender_details":
        {
            "sender_id":"476c7381-ca60-4e98-9657-a4af98ec032b",
            "sender_name":"TopMessage",
            "sender_code":"19134216816"},
            "Number":"491511234567",
            "text":"Received"
        }
    }
}
"""

#: The incoming message sample with the extra closing brace removed.
INCOMING_MESSAGE = INCOMING_MESSAGE_AS_PRINTED.removesuffix(b"}\n")
