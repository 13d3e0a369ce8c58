"""Verify and parse TopMessage webhooks: signed SMS and WhatsApp events, typed.

>>> from topmessage_webhooks import sign, verify_and_parse
>>> body = b'{"data": {"id": "b04f", "channel": "SMS", "status": "DELIVERED"}}'
>>> event = verify_and_parse(body, sign(body, "my-secret"), "my-secret")
>>> event.status == "DELIVERED"
True
"""

from ._errors import (
    InvalidSignatureError,
    MissingSignatureError,
    PayloadError,
    PayloadTooLargeError,
    SignatureError,
    UnknownEventError,
    WebhookError,
)
from ._models import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    Event,
    IncomingMessage,
    Location,
    SenderDetails,
)
from ._router import Router
from ._signature import SIGNATURE_HEADER
from ._webhook import Webhook, parse, sign, verify_and_parse, verify_signature

__all__ = [
    "SIGNATURE_HEADER",
    "Channel",
    "DeliveryReport",
    "DeliveryStatus",
    "Event",
    "IncomingMessage",
    "InvalidSignatureError",
    "Location",
    "MissingSignatureError",
    "PayloadError",
    "PayloadTooLargeError",
    "Router",
    "SenderDetails",
    "SignatureError",
    "UnknownEventError",
    "Webhook",
    "WebhookError",
    "parse",
    "sign",
    "verify_and_parse",
    "verify_signature",
]
