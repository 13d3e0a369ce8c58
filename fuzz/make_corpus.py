"""Write the seed corpus of every harness: TopMessage's documented samples and variants.

Run ``python fuzz/make_corpus.py`` after changing the samples or an input
layout; it rewrites ``fuzz/corpus/<harness>/`` with files named by content.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from _oracles import BASE64, PREFIX, WHITESPACE, encode_header, mac_of

from topmessage_webhooks import _samples

CORPUS = Path(__file__).resolve().parent / "corpus"

#: Bodies every harness starts from: the samples, each documented spelling, and
#: the malformed inputs the core rejects.
BODIES: tuple[bytes, ...] = (
    _samples.DELIVERY_REPORT,
    _samples.DELIVERY_REPORT_EN,
    _samples.INCOMING_MESSAGE,
    _samples.INCOMING_MESSAGE_AS_PRINTED,
    # The Spanish and Italian table's keys.
    b'{"data": {"account_id": "a-1", "from": "+34600000000", "sender_code": "19134216816", '
    b'"text": "Hola", "channel": "SMS", "to": "TopMessage", "request_id": "r-1"}}',
    # The English table's keys.
    b'{"data": {"id": "m-1", "account_id": "a-1", "from": "+39300000000", "to": "TopMessage", '
    b'"text": "Ciao", "channel": "WHATSAPP", "type": "MESSAGE"}}',
    # The SDK models' keys: a location with numeric coordinates, media, a reply.
    b'{"data": {"id": "m-2", "channel": "WHATSAPP", "account_id": "a-1", '
    b'"sender_details": {"id": "s-1", "name": "TopMessage", "code": "19134216816", "x": 1}, '
    b'"number": "491511234567", "reference_message_id": "m-0", "media_id": "media-1", '
    b'"location": {"name": "Office", "address": "Main St 1", "latitude": 52.52, '
    b'"longitude": "13.405", "zoom": 3}}}',
    # Unknown kind, unknown values, unknown keys at every level.
    b'{"data": {"id": "u-1", "mood": "cheerful"}}',
    b'{"data": {"id": "d-1", "status": "QUEUED", "channel": "RCS", "note": [1, 2.5, null, true]}, '
    b'"meta": {"retry": 2}}',
    b'{"data": {"id": "d-2", "status": "SEEN", "type": "STATUS", "text": "both kinds"}}',
    # A documented key that says nothing: null is the same as absent.
    b'{"data": {"id": "m-4", "number": null}}',
    # Malformed: numbers Python cannot hold, deep nesting, not UTF-8, wrong shapes.
    b'{"data": {"id": "d-3", "status": "SEEN", "x": 1e400}}',
    b'{"data": {"id": "d-4", "status": "SEEN", "x": NaN, "y": -Infinity}}',
    b'{"data": {"id": "d-5", "status": "SEEN", "x": ' + b"9" * 4301 + b"}}",
    b'{"data": {"id": "d-6", "status": "SEEN", "x": ' + b"[" * 70 + b"]" * 70 + b"}}",
    b'{"data": {"id": "\xff\xfe", "status": "SEEN"}}',
    b'{"data": {"id": "\\ud800", "status": "SEEN"}}',
    b'{"data": {"id": 7, "status": "SEEN"}}',
    b'{"data": {"id": "d-7", "status": null}}',
    b'{"data": {"id": "m-3", "sender_details": "not an object"}}',
    b'{"data": null}',
    b'{"data": []}',
    b"[]",
    b"",
)


def verify_and_parse_seeds() -> list[bytes]:
    """Seeds for ``verify_and_parse.py`` in each of its four modes."""
    seeds = []
    for body in BODIES:
        header = encode_header(mac_of(body), 0)
        assert isinstance(header, str)
        seeds.append(b"\x00" + bytes([len(header)]) + header.encode("ascii") + body)
        seeds.append(b"\x01\x00" + body)
        seeds.append(b"\x02\x00" + body)
        seeds.append(b"\x03\x00\x00" + body)
    for options in (BASE64, PREFIX | WHITESPACE, BASE64 | 0x3F, 0x40, 0x80):
        seeds.append(b"\x01" + bytes([options]) + _samples.DELIVERY_REPORT_EN)
    for name in range(7):
        seeds.append(b"\x03\x00" + bytes([name]) + _samples.DELIVERY_REPORT)
    return seeds


def parse_seeds() -> list[bytes]:
    """Seeds for ``parse.py``: each body, lenient and strict."""
    return [options + body for body in BODIES for options in (b"\x00", b"\x01")]


def endpoints_seeds() -> list[bytes]:
    """Seeds for ``endpoints.py``: genuine POSTs of each body, and each option alone."""
    seeds = [b"\x00\x00\x10" + body for body in BODIES]
    seeds += [b"\x00" + bytes([option, 0x10]) + _samples.DELIVERY_REPORT for option in range(256)]
    seeds += [bytes([method, 0x00, 0xFA]) + _samples.DELIVERY_REPORT_EN for method in range(8)]
    return seeds


def write(harness: str, seeds: list[bytes]) -> None:
    """Replace ``corpus/<harness>/`` with ``seeds``, one file each, named by content."""
    directory = CORPUS / harness
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for seed in seeds:
        (directory / hashlib.sha1(seed).hexdigest()).write_bytes(seed)  # noqa: S324 - a name


def main() -> None:
    """Write every harness's seeds."""
    write("verify_and_parse", verify_and_parse_seeds())
    write("parse", parse_seeds())
    write("endpoints", endpoints_seeds())


if __name__ == "__main__":
    main()
