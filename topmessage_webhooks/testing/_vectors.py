"""Language-neutral test vectors: signed bodies and what a receiver must make of them.

``vectors.json``, shipped beside this module, is written by this module and
by nothing else: ``python -m topmessage_webhooks.testing._vectors [PATH]``
writes it again (beside this module unless PATH is given), and the SDK's
tests check that the committed file is what ``render()`` writes, so the two
cannot drift apart. Its schema is described in docs/testing.md.

Every case is written out by hand here, its expected outcome included: the
vectors state WIRE-FORMAT.md's decisions, they are not a snapshot of what
this SDK happens to do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from .. import _samples
from .._errors import (
    InvalidSignatureError,
    MissingSignatureError,
    PayloadError,
    UnknownEventError,
    WebhookError,
)
from .._signature import SIGNATURE_HEADER

__all__ = ["Vector", "load_vectors", "render"]

FILE_NAME = "vectors.json"

# Published test values, secret to no one.
_SECRET = "whsec_topmessage_test_vectors"  # noqa: S105
_OTHER_SECRET = "whsec_not_the_endpoint_secret"  # noqa: S105
_SAMPLE_ID = "b04fc4d3-f232-46b7-b66b-538c0d4b3404"


@attrs.frozen
class Vector:
    """One test vector: a request, the endpoint's secrets, and the expected outcome.

    ``secrets`` are the endpoint's secrets (several during a rotation: a body
    verifies if any of them signed it). ``signatures`` maps a name, such as
    ``"hex"`` or ``"base64url_unpadded"``, to an ``X-TopMessage-Signature``
    value, or to ``None`` for a request without the header; each one, sent
    with ``body``, must have the same outcome. ``expected`` is either
    ``{"status_code": 200, "event": "DeliveryReport" | "IncomingMessage",
    "canonical": {...}}``, the event's canonical wire form (``to_dict()``),
    or ``{"status_code": ..., "error": "<WebhookError subclass name>"}``.
    """

    name: str
    description: str
    secrets: tuple[str, ...] = attrs.field(converter=tuple)
    body: bytes
    signatures: Mapping[str, str | None] = attrs.field(converter=MappingProxyType)
    expected: Mapping[str, Any] = attrs.field(converter=MappingProxyType)


def load_vectors() -> list[Vector]:
    """The published test vectors, from the ``vectors.json`` shipped in this package."""
    text = resources.files(__name__.rpartition(".")[0]).joinpath(FILE_NAME).read_text("utf-8")
    return [
        Vector(
            name=vector["name"],
            description=vector["description"],
            secrets=vector["secrets"],
            body=base64.b64decode(vector["body_base64"]),
            signatures=vector["signatures"],
            expected=vector["expected"],
        )
        for vector in json.loads(text)["vectors"]
    ]


def _mac(body: bytes, secret: str) -> bytes:
    # Computed here, not with the SDK's own signing: the vectors check the SDK.
    return hmac.digest(secret.encode("utf-8"), body, "sha256")


def _encodings(mac: bytes) -> dict[str, str]:
    hex_mac = mac.hex()
    standard = base64.b64encode(mac).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(mac).decode("ascii")
    return {
        "hex": hex_mac,
        "hex_uppercase": hex_mac.upper(),
        "base64": standard,
        "base64_unpadded": standard.rstrip("="),
        "base64url": urlsafe,
        "base64url_unpadded": urlsafe.rstrip("="),
        "sha256_prefix_hex": "sha256=" + hex_mac,
        "sha256_prefix_base64": "sha256=" + standard,
        "surrounding_whitespace": f" {hex_mac}\t",
    }


def _event(kind: str, data: Mapping[str, Any], **envelope: Any) -> dict[str, Any]:
    return {"status_code": 200, "event": kind, "canonical": {"data": data, **envelope}}


def _error(error: type[WebhookError]) -> dict[str, Any]:
    return {"status_code": error.status_code, "error": error.__name__}


def _vector(
    name: str,
    description: str,
    body: bytes,
    expected: dict[str, Any],
    *,
    secrets: tuple[str, ...] = (_SECRET,),
    signed_with: str | None = None,
    signatures: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    if signatures is None:
        signatures = dict(_encodings(_mac(body, signed_with or secrets[0])))
    try:
        text: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {
        "name": name,
        "description": description,
        "secrets": list(secrets),
        "body": text,
        "body_base64": base64.b64encode(body).decode("ascii"),
        "signatures": signatures,
        "expected": expected,
    }


def _parsing_vectors() -> list[dict[str, Any]]:
    sender = {
        "sender_id": "476c7381-ca60-4e98-9657-a4af98ec032b",
        "sender_name": "TopMessage",
        "sender_code": "19134216816",
    }
    return [
        _vector(
            "delivery_report_sample",
            "TopMessage's delivery report sample (Spanish page), as printed.",
            _samples.DELIVERY_REPORT,
            _event("DeliveryReport", {"id": _SAMPLE_ID, "status": "DELIVERED", "channel": "SMS"}),
        ),
        _vector(
            "delivery_report_sample_english",
            "The English page's sample, with request_id and type.",
            _samples.DELIVERY_REPORT_EN,
            _event(
                "DeliveryReport",
                {
                    "id": _SAMPLE_ID,
                    "status": "DELIVERED",
                    "channel": "SMS",
                    "request_id": _SAMPLE_ID,
                    "type": "STATUS",
                },
            ),
        ),
        _vector(
            "incoming_message_sample",
            "The incoming message sample with its extra closing brace removed: "
            "capital Number, sender_details with sender_* keys.",
            _samples.INCOMING_MESSAGE,
            _event(
                "IncomingMessage",
                {
                    "id": "e3fc3b55-807f-41cf-93cf-cd365fef8515",
                    "channel": "WHATSAPP",
                    "account_id": "0d1f7f1c-27df-41bf-8bdc-5666608a4285",
                    "sender_details": sender,
                    "number": "491511234567",
                    "text": "Received",
                },
            ),
        ),
        _vector(
            "incoming_message_sample_as_printed",
            "The incoming message sample exactly as printed, one closing brace too "
            "many: genuine but not JSON.",
            _samples.INCOMING_MESSAGE_AS_PRINTED,
            _error(PayloadError),
        ),
        _vector(
            "delivery_report_pending",
            "A PENDING report.",
            b'{"data":{"id":"m-1","channel":"SMS","status":"PENDING"}}',
            _event("DeliveryReport", {"id": "m-1", "status": "PENDING", "channel": "SMS"}),
        ),
        _vector(
            "delivery_report_failed_whatsapp",
            "A FAILED report on WhatsApp.",
            b'{"data":{"id":"m-2","channel":"WHATSAPP","status":"FAILED"}}',
            _event("DeliveryReport", {"id": "m-2", "status": "FAILED", "channel": "WHATSAPP"}),
        ),
        _vector(
            "delivery_report_seen_whatsapp",
            "A SEEN report on WhatsApp.",
            b'{"data":{"id":"m-3","channel":"WHATSAPP","status":"SEEN"}}',
            _event("DeliveryReport", {"id": "m-3", "status": "SEEN", "channel": "WHATSAPP"}),
        ),
        _vector(
            "delivery_report_without_channel",
            "No channel key, and a null request_id: the channel defaults to SMS and "
            "the null is left out.",
            b'{"data":{"id":"m-4","status":"DELIVERED","request_id":null}}',
            _event("DeliveryReport", {"id": "m-4", "status": "DELIVERED", "channel": "SMS"}),
        ),
        _vector(
            "delivery_report_unknown_status",
            "A status this version does not know is kept as its string.",
            b'{"data":{"id":"m-5","channel":"SMS","status":"EXPIRED"}}',
            _event("DeliveryReport", {"id": "m-5", "status": "EXPIRED", "channel": "SMS"}),
        ),
        _vector(
            "delivery_report_type_status_decides",
            'type "STATUS" makes a delivery report even beside an incoming-message '
            "key, which is kept as an unknown key.",
            b'{"data":{"id":"m-6","status":"SEEN","type":"STATUS","text":"hi"}}',
            _event(
                "DeliveryReport",
                {"id": "m-6", "status": "SEEN", "channel": "SMS", "type": "STATUS", "text": "hi"},
            ),
        ),
        _vector(
            "incoming_message_aliases",
            "The Spanish table's spellings: from for the number, sender_details "
            "with id/name/code, and to and request_id.",
            b'{"data":{"id":"in-1","channel":"SMS","from":"+34600000000",'
            b'"sender_details":{"id":"s-1","name":"Shop","code":"12345"},'
            b'"text":"Hola","to":"Shop","request_id":"req-1"}}',
            _event(
                "IncomingMessage",
                {
                    "id": "in-1",
                    "channel": "SMS",
                    "sender_details": {
                        "sender_id": "s-1",
                        "sender_name": "Shop",
                        "sender_code": "12345",
                    },
                    "number": "+34600000000",
                    "text": "Hola",
                    "to": "Shop",
                    "request_id": "req-1",
                },
            ),
        ),
        _vector(
            "incoming_message_top_level_sender_code",
            "A top-level sender_code, a null number beside Number (the null does "
            "not win), and no channel (SMS).",
            b'{"data":{"id":"in-2","number":null,"Number":"491511234567",'
            b'"sender_code":"19134216816","text":"Hallo"}}',
            _event(
                "IncomingMessage",
                {
                    "id": "in-2",
                    "channel": "SMS",
                    "sender_details": {"sender_code": "19134216816"},
                    "number": "491511234567",
                    "text": "Hallo",
                },
            ),
        ),
        _vector(
            "incoming_message_losing_alias_kept",
            "Number wins over from; the from that lost is kept and written back.",
            b'{"data":{"id":"in-3","from":"111","Number":"222","text":"x"}}',
            _event(
                "IncomingMessage",
                {"id": "in-3", "channel": "SMS", "number": "222", "text": "x", "from": "111"},
            ),
        ),
        _vector(
            "incoming_message_location_only",
            "No text, only a location whose coordinates are JSON numbers: they "
            "are kept as decimal strings.",
            b'{"data":{"id":"in-4","channel":"WHATSAPP","number":"491511234567",'
            b'"location":{"name":"Office","address":"Main St 1",'
            b'"latitude":52.520008,"longitude":13}}}',
            _event(
                "IncomingMessage",
                {
                    "id": "in-4",
                    "channel": "WHATSAPP",
                    "number": "491511234567",
                    "location": {
                        "name": "Office",
                        "address": "Main St 1",
                        "latitude": "52.520008",
                        "longitude": "13",
                    },
                },
            ),
        ),
        _vector(
            "incoming_message_media_reply",
            "A media message without text, replying to an earlier message.",
            b'{"data":{"id":"in-5","channel":"WHATSAPP","account_id":"acc-1",'
            b'"media_id":"media-1","reference_message_id":"m-2"}}',
            _event(
                "IncomingMessage",
                {
                    "id": "in-5",
                    "channel": "WHATSAPP",
                    "account_id": "acc-1",
                    "reference_message_id": "m-2",
                    "media_id": "media-1",
                },
            ),
        ),
        _vector(
            "incoming_message_unknown_channel",
            "A channel this version does not know is kept as its string.",
            b'{"data":{"id":"in-6","channel":"RCS","text":"hi"}}',
            _event("IncomingMessage", {"id": "in-6", "channel": "RCS", "text": "hi"}),
        ),
        _vector(
            "incoming_message_unicode_text",
            "Non-ASCII text, raw and as \\u escapes (a surrogate pair included).",
            '{"data":{"id":"in-7","text":"¡Olé! \\u00e9\\ud83d\\ude00 😀"}}'.encode(),
            _event("IncomingMessage", {"id": "in-7", "channel": "SMS", "text": "¡Olé! é😀 😀"}),
        ),
        _vector(
            "unknown_keys_kept",
            "Keys documented nowhere, at every level, are kept and written back.",
            b'{"data":{"id":"in-8","text":"x","priority":2,'
            b'"sender_details":{"sender_code":"1","region":"EU"},'
            b'"location":{"latitude":"1.5","accuracy":[1,2]}},"webhook_version":"2"}',
            _event(
                "IncomingMessage",
                {
                    "id": "in-8",
                    "channel": "SMS",
                    "sender_details": {"sender_code": "1", "region": "EU"},
                    "text": "x",
                    "location": {"latitude": "1.5", "accuracy": [1, 2]},
                    "priority": 2,
                },
                webhook_version="2",
            ),
        ),
        _vector(
            "unknown_event_kind",
            "Genuine, but neither a delivery report nor an incoming message: "
            "accepted (202) so that it is not delivered again.",
            b'{"data":{"id":"x-1","kind":"NEW_EVENT"}}',
            _error(UnknownEventError),
        ),
        _vector(
            "malformed_json",
            "Signed, but not JSON.",
            b'{"data": {"id": "m-1",',
            _error(PayloadError),
        ),
        _vector(
            "no_data_object",
            "JSON without the data envelope.",
            b'{"id":"m-1","status":"DELIVERED"}',
            _error(PayloadError),
        ),
        _vector(
            "not_an_object",
            "A JSON array at the top level.",
            b"[]",
            _error(PayloadError),
        ),
        _vector(
            "status_not_a_string",
            "A status that is a number.",
            b'{"data":{"id":"m-1","status":1}}',
            _error(PayloadError),
        ),
        _vector(
            "nan_number",
            "A NaN literal, which JSON does not allow.",
            b'{"data":{"id":"m-1","status":"DELIVERED","score":NaN}}',
            _error(PayloadError),
        ),
        _vector(
            "non_utf8_body",
            "Signed, but not UTF-8 text; the body is given in body_base64 only.",
            b'{"data":{"id":"\xff\xfe","status":"DELIVERED"}}',
            _error(PayloadError),
        ),
    ]


def _signature_vectors() -> list[dict[str, Any]]:
    body = b'{"data":{"id":"m-9","channel":"SMS","status":"FAILED"}}'
    report = _event("DeliveryReport", {"id": "m-9", "status": "FAILED", "channel": "SMS"})
    mac = _mac(body, _SECRET)
    forged = hashlib.sha256(b"forged").digest()
    return [
        _vector(
            "rotation_new_secret",
            "Two secrets during a rotation; signed with the second.",
            body,
            report,
            secrets=(_OTHER_SECRET, _SECRET),
            signed_with=_SECRET,
        ),
        _vector(
            "rotation_old_secret",
            "Two secrets during a rotation; signed with the first.",
            body,
            report,
            secrets=(_SECRET, _OTHER_SECRET),
            signed_with=_SECRET,
        ),
        _vector(
            "non_ascii_secret",
            "A secret with non-ASCII characters is used as its UTF-8 bytes.",
            body,
            report,
            secrets=("clé-secrète-ü",),
        ),
        _vector(
            "wrong_secret",
            "Signed with a secret that is not the endpoint's.",
            body,
            _error(InvalidSignatureError),
            signed_with=_OTHER_SECRET,
        ),
        _vector(
            "rotation_no_secret_matches",
            "Two secrets configured; signed with a third.",
            body,
            _error(InvalidSignatureError),
            secrets=(_SECRET, "whsec_second_secret"),
            signed_with=_OTHER_SECRET,
        ),
        _vector(
            "forged_signature",
            "A well-formed signature that is not the body's MAC.",
            body,
            _error(InvalidSignatureError),
            signatures=dict(_encodings(forged)),
        ),
        _vector(
            "tampered_body",
            "The body was changed after it was signed.",
            body.replace(b"FAILED", b"SEEN"),
            _error(InvalidSignatureError),
            signatures=dict(_encodings(mac)),
        ),
        _vector(
            "tampered_whitespace",
            "A space added after signing: still the same JSON, but not the signed bytes.",
            body + b" ",
            _error(InvalidSignatureError),
            signatures=dict(_encodings(mac)),
        ),
        _vector(
            "malformed_json_forged",
            "Not JSON and not signed: the signature is checked first, so 401, not 400.",
            b'{"data": {"id": "m-1",',
            _error(InvalidSignatureError),
            signatures=dict(_encodings(forged)),
        ),
        _vector(
            "missing_signature",
            "No signature header, or an empty or blank one.",
            body,
            _error(MissingSignatureError),
            signatures={"absent": None, "empty": "", "blank": "   "},
        ),
        _vector(
            "malformed_signature",
            "Header values that are not an encoded 32-byte MAC.",
            body,
            _error(InvalidSignatureError),
            signatures={
                "not_hex_or_base64": "not-a-signature",
                "hex_too_short": mac.hex()[:-2],
                "hex_too_long": mac.hex() + "00",
                "hex_bad_digit": mac.hex()[:-1] + "g",
                "base64_too_short": base64.b64encode(mac[:-1]).decode("ascii"),
                "other_prefix": "sha1=" + mac.hex(),
                "non_ascii": "é" * 64,
                "very_long": "a" * 4096,
            },
        ),
    ]


def render() -> str:
    """The text of ``vectors.json``."""
    document = {
        "description": (
            "Test vectors for TopMessage webhook receivers, from the topmessage-webhooks "
            "project. Each vector is a request body, the endpoint's secrets, signature "
            "header values, and the outcome every one of them must have. See "
            "docs/testing.md for the schema."
        ),
        "signature_header": SIGNATURE_HEADER,
        "algorithm": (
            "HMAC-SHA256 of the raw body bytes, keyed with each secret's UTF-8 bytes; a "
            "body verifies if any secret's MAC equals the decoded signature."
        ),
        "vectors": [*_parsing_vectors(), *_signature_vectors()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] = ()) -> None:
    """Write ``vectors.json`` beside this module, or to the path given."""
    if len(argv) > 1:
        raise SystemExit("usage: python -m topmessage_webhooks.testing._vectors [PATH]")
    path = Path(argv[0]) if argv else Path(__file__).with_name(FILE_NAME)
    path.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
