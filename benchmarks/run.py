"""Verify-and-parse cost against the ten lines a receiver would write instead.

The floor is ``hmac.compare_digest(hmac.digest(key, body, "sha256").hex(),
header)`` followed by ``json.loads(body)``. Every contender verifies the same
signed body and decodes it; each is timed in batches, all contenders one after
the other within a round, in a fresh random order each round, so that a slow
moment of the machine falls on all of them alike. A round's figure for a
contender is its time divided by the floor's time in the same round; the table
gives the median of those ratios over all rounds and their 10th-90th
percentile spread.

Run ``python benchmarks/run.py --help`` for the options. Requires the packages
in ``benchmarks/requirements.txt``.
"""

from __future__ import annotations

import argparse
import gc
import hmac
import importlib.metadata
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
import orjson
import pydantic

from topmessage_webhooks import (
    Channel,
    DeliveryStatus,
    Webhook,
    _json,  # for its switch between json and orjson
    _samples,
    sign,
    verify_and_parse,
)

SECRET = "whsec-benchmark-secret"  # noqa: S105 - a benchmark's own secret
KEY = SECRET.encode("utf-8")
NON_ASCII_TEXT = "Grüße aus Köln, 你好世界, привет, ¿qué tal? "
# One character beyond the Basic Multilingual Plane makes Python store the
# whole text four bytes per character: measured for memory only.
EMOJI_TEXT = NON_ASCII_TEXT + "👋 "

# --------------------------------------------------------------------------
# Payloads


def incoming_message_of_size(size: int, phrase: str = NON_ASCII_TEXT) -> bytes:
    """The incoming message sample, its text made non-ASCII and exactly ``size`` bytes long."""
    envelope = json.loads(_samples.INCOMING_MESSAGE)
    envelope["data"]["text"] = ""
    empty = len(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))
    room = size - empty
    unit = phrase.encode("utf-8")
    text = phrase * (room // len(unit)) + "." * (room % len(unit))
    envelope["data"]["text"] = text
    body = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    assert len(body) == size, (len(body), size)
    return body


PAYLOADS: dict[str, bytes] = {
    "delivery report": _samples.DELIVERY_REPORT,
    "incoming message": _samples.INCOMING_MESSAGE,
    "64 KiB message": incoming_message_of_size(64 * 1024),
    "1 MiB message": incoming_message_of_size(1024 * 1024),
}

# --------------------------------------------------------------------------
# Typed equivalents: the same fields, aliases where the library has them.


class PydanticSenderDetails(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", frozen=True)
    id: str | None = pydantic.Field(None, validation_alias=pydantic.AliasChoices("sender_id", "id"))
    name: str | None = pydantic.Field(
        None, validation_alias=pydantic.AliasChoices("sender_name", "name")
    )
    code: str | None = pydantic.Field(
        None, validation_alias=pydantic.AliasChoices("sender_code", "code")
    )


class PydanticLocation(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", frozen=True)
    name: str | None = None
    address: str | None = None
    latitude: str | None = None
    longitude: str | None = None


class PydanticDeliveryReport(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", frozen=True)
    id: str
    status: DeliveryStatus | str
    channel: Channel | str | None = Channel.SMS
    request_id: str | None = None
    type: str | None = None


class PydanticIncomingMessage(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", frozen=True)
    id: str
    channel: Channel | str | None = Channel.SMS
    account_id: str | None = None
    sender_details: PydanticSenderDetails | None = None
    number: str | None = pydantic.Field(
        None, validation_alias=pydantic.AliasChoices("number", "Number", "from")
    )
    reference_message_id: str | None = None
    text: str | None = None
    media_id: str | None = None
    location: PydanticLocation | None = None
    to: str | None = None
    request_id: str | None = None
    type: str | None = None


class PydanticEnvelope(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow", frozen=True)
    # A delivery report needs a status; anything else is tried as a message.
    data: PydanticDeliveryReport | PydanticIncomingMessage = pydantic.Field(
        union_mode="left_to_right"
    )


class MsgspecSenderDetails(msgspec.Struct, frozen=True):
    id: str | None = msgspec.field(default=None, name="sender_id")
    name: str | None = msgspec.field(default=None, name="sender_name")
    code: str | None = msgspec.field(default=None, name="sender_code")


class MsgspecLocation(msgspec.Struct, frozen=True):
    name: str | None = None
    address: str | None = None
    latitude: str | None = None
    longitude: str | None = None


class MsgspecDeliveryReport(msgspec.Struct, frozen=True):
    id: str
    status: str
    channel: str = "SMS"
    request_id: str | None = None
    type: str | None = None


class MsgspecIncomingMessage(msgspec.Struct, frozen=True):
    id: str
    channel: str = "SMS"
    account_id: str | None = None
    sender_details: MsgspecSenderDetails | None = None
    # msgspec has one name per field: the sample's spelling.
    number: str | None = msgspec.field(default=None, name="Number")
    reference_message_id: str | None = None
    text: str | None = None
    media_id: str | None = None
    location: MsgspecLocation | None = None
    to: str | None = None
    request_id: str | None = None
    type: str | None = None


class MsgspecDeliveryReportEnvelope(msgspec.Struct, frozen=True):
    data: MsgspecDeliveryReport


class MsgspecIncomingMessageEnvelope(msgspec.Struct, frozen=True):
    data: MsgspecIncomingMessage


# --------------------------------------------------------------------------
# Contenders: each takes (body, header) and returns the decoded event.

Contender = Callable[[bytes, str], Any]


def _check(body: bytes, header: str) -> None:
    if not hmac.compare_digest(hmac.digest(KEY, body, "sha256").hex(), header):
        raise ValueError("bad signature")


def floor(body: bytes, header: str) -> Any:
    """The ten lines: HMAC as hex, constant-time compare, json.loads."""
    if not hmac.compare_digest(hmac.digest(KEY, body, "sha256").hex(), header):
        raise ValueError("bad signature")
    return json.loads(body)


def floor_orjson(body: bytes, header: str) -> Any:
    _check(body, header)
    return orjson.loads(body)


def pydantic_typed(body: bytes, header: str) -> Any:
    _check(body, header)
    return PydanticEnvelope.model_validate_json(body)


_MSGSPEC_DECODERS = {
    "delivery report": msgspec.json.Decoder(MsgspecDeliveryReportEnvelope),
    "incoming message": msgspec.json.Decoder(MsgspecIncomingMessageEnvelope),
}


def msgspec_typed(kind: str) -> Contender:
    # msgspec takes no union of two structs without a tag: it is handed the
    # event kind, which every other contender has to work out.
    decode = _MSGSPEC_DECODERS[kind].decode

    def decode_event(body: bytes, header: str) -> Any:
        _check(body, header)
        return decode(body)

    return decode_event


WEBHOOK = Webhook(SECRET)


def sdk_function(body: bytes, header: str) -> Any:
    return verify_and_parse(body, header, SECRET)


def sdk_method(body: bytes, header: str) -> Any:
    return WEBHOOK.verify_and_parse(body, header)


@contextmanager
def json_backend(name: str | None) -> Iterator[None]:
    """Make the SDK decode with ``json`` only, or with orjson, for the duration."""
    saved = getattr(_json, "orjson_loads", None)  # None: a version without orjson
    if name is not None:
        _json.orjson_loads = orjson.loads if name == "orjson" else None
    try:
        yield
    finally:
        _json.orjson_loads = saved


#: name -> (contender for a payload kind, the SDK's JSON backend or None)
CONTENDERS: dict[str, tuple[Callable[[str], Contender], str | None]] = {
    "floor (hmac + json.loads)": (lambda kind: floor, None),
    "floor with orjson": (lambda kind: floor_orjson, None),
    "pydantic typed + hmac": (lambda kind: pydantic_typed, None),
    "msgspec typed + hmac": (msgspec_typed, None),
    "verify_and_parse()": (lambda kind: sdk_function, "json"),
    "Webhook.verify_and_parse": (lambda kind: sdk_method, "json"),
    "verify_and_parse() [fast]": (lambda kind: sdk_function, "orjson"),
    "Webhook.verify_and_parse [fast]": (lambda kind: sdk_method, "orjson"),
}
FLOOR = "floor (hmac + json.loads)"


def _kind(payload: str) -> str:
    return "delivery report" if payload == "delivery report" else "incoming message"


# --------------------------------------------------------------------------
# Timing


#: The clock batches are timed with: this process's CPU time by default, so
#: that time the machine gives to other processes is not counted; ``--clock
#: wall`` for elapsed time.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def time_batch(function: Contender, body: bytes, header: str, calls: int) -> float:
    """Seconds per call over ``calls`` calls, with the garbage collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for _ in range(calls):
            function(body, header)
        return (clock() - start) / calls
    finally:
        if enabled:
            gc.enable()


def calls_per_batch(body: bytes, header: str, batch_seconds: float) -> int:
    per_call = time_batch(floor, body, header, 20)
    return max(3, int(batch_seconds / max(per_call, 1e-9)))


def check_results_agree(payload: str, body: bytes, header: str) -> None:
    """Every contender accepts the body; the SDK's two backends return equal events."""
    kind = _kind(payload)
    events = []
    for make, backend in CONTENDERS.values():
        with json_backend(backend):
            result = make(kind)(body, header)
        if backend is not None:
            events.append(result)
    if any(event != events[0] for event in events):
        raise SystemExit(f"the SDK's results differ between backends on {payload}")


def run_rounds(rounds: int, batch_seconds: float, seed: int) -> dict[str, dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - only shuffles the order of runs
    per_round: dict[str, dict[str, list[float]]] = {
        payload: {name: [] for name in CONTENDERS} for payload in PAYLOADS
    }
    headers = {payload: sign(body, SECRET) for payload, body in PAYLOADS.items()}
    calls = {
        payload: calls_per_batch(body, headers[payload], batch_seconds)
        for payload, body in PAYLOADS.items()
    }
    for payload, body in PAYLOADS.items():
        check_results_agree(payload, body, headers[payload])
        for make, backend in CONTENDERS.values():  # warm up every path
            with json_backend(backend):
                time_batch(make(_kind(payload)), body, headers[payload], 3)
    for number in range(rounds):
        for payload in rng.sample(list(PAYLOADS), len(PAYLOADS)):
            body, header = PAYLOADS[payload], headers[payload]
            for name in rng.sample(list(CONTENDERS), len(CONTENDERS)):
                make, backend = CONTENDERS[name]
                with json_backend(backend):
                    seconds = time_batch(make(_kind(payload)), body, header, calls[payload])
                per_round[payload][name].append(seconds)
        print(f"\rround {number + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return {payload: _summarise(times, calls[payload]) for payload, times in per_round.items()}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _summarise(times: dict[str, list[float]], calls: int) -> dict[str, Any]:
    floor_times = times[FLOOR]
    summary: dict[str, Any] = {"calls_per_batch": calls, "contenders": {}}
    for name, seconds in times.items():
        ratios = [mine / base for mine, base in zip(seconds, floor_times, strict=True)]
        summary["contenders"][name] = {
            "ratio_median": statistics.median(ratios),
            "ratio_p10": _quantile(ratios, 0.10),
            "ratio_p90": _quantile(ratios, 0.90),
            "microseconds_median": statistics.median(seconds) * 1e6,
        }
    return summary


# --------------------------------------------------------------------------
# Memory


def peak_memory(body: bytes) -> dict[str, int]:
    """Peak bytes allocated (tracemalloc) by one call of each contender, beyond the body."""
    header = sign(body, SECRET)
    peaks: dict[str, int] = {}
    for name, (make, backend) in CONTENDERS.items():
        function = make("incoming message")
        with json_backend(backend):
            function(body, header)  # caches and lazy imports are not the call's cost
            gc.collect()
            tracemalloc.start()
            try:
                before, _ = tracemalloc.get_traced_memory()
                tracemalloc.reset_peak()
                result = function(body, header)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            del result
        peaks[name] = peak - before
    return peaks


# --------------------------------------------------------------------------
# Report


def print_table(results: dict[str, dict[str, Any]]) -> None:
    payloads = list(results)
    width = max(len(name) for name in CONTENDERS) + 2
    cell = 20
    print("Time relative to the floor: median ratio (10th-90th percentile of rounds)")
    print()
    print(" " * width + "".join(f"{payload:>{cell}}" for payload in payloads))
    sizes = "".join(f"{f'{len(PAYLOADS[p]):,} B':>{cell}}" for p in payloads)
    print(f"{'body size':<{width}}" + sizes)
    floors = "".join(
        f"{results[p]['contenders'][FLOOR]['microseconds_median']:>{cell - 3}.1f} us"
        for p in payloads
    )
    print(f"{'floor, per call':<{width}}" + floors)
    for name in CONTENDERS:
        row = f"{name:<{width}}"
        for payload in payloads:
            stats = results[payload]["contenders"][name]
            text = (
                f"{stats['ratio_median']:.2f} ({stats['ratio_p10']:.2f}-{stats['ratio_p90']:.2f})"
            )
            row += f"{text:>{cell}}"
        print(row)


MEMORY_PAYLOADS = {
    "1 MiB message": lambda: PAYLOADS["1 MiB message"],
    "1 MiB message with an emoji": lambda: incoming_message_of_size(1024 * 1024, EMOJI_TEXT),
}


def print_memory(peaks: dict[str, dict[str, int]]) -> None:
    print()
    print("Peak memory of one call beyond the body (tracemalloc), in multiples of the body size")
    print()
    width = max(len(name) for name in CONTENDERS) + 2
    print(" " * width + "".join(f"{payload:>30}" for payload in peaks))
    for name in CONTENDERS:
        cells = "".join(
            f"{f'{peak[name] / (1024 * 1024):.2f} x ({peak[name]:,} B)':>30}"
            for peak in peaks.values()
        )
        print(f"{name:<{width}}" + cells)


def environment() -> dict[str, str]:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "topmessage_webhooks": importlib.metadata.version("topmessage-webhooks"),
        "orjson": orjson.__version__,
        "msgspec": msgspec.__version__,
        "pydantic": pydantic.VERSION,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds (default 40)")
    parser.add_argument(
        "--batch-ms",
        type=float,
        default=10.0,
        help="length of one timed batch, in milliseconds of the floor (default 10)",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="time this process's CPU time (default) or elapsed wall time",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the round order")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    options = parser.parse_args(argv)
    global clock
    clock = CLOCKS[options.clock]

    results = run_rounds(options.rounds, options.batch_ms / 1000, options.seed)
    print_table(results)
    peaks = {}
    if not options.no_memory:
        peaks = {name: peak_memory(body()) for name, body in MEMORY_PAYLOADS.items()}
        print_memory(peaks)
    if options.json:
        document = {
            "environment": environment(),
            "rounds": options.rounds,
            "clock": options.clock,
            "floor": FLOOR,
            "payload_sizes": {payload: len(body) for payload, body in PAYLOADS.items()},
            "results": results,
            "peak_memory_bytes": peaks,
        }
        with open(options.json, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
            file.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
