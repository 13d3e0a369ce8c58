"""Strict, bounded JSON decoding: only values Python holds faithfully.

WIRE-FORMAT.md ("Numbers"): NaN and Infinity literals, numbers that overflow a
float, and integers too long to convert are malformed. Deep nesting fails as a
``PayloadError`` rather than a ``RecursionError``.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

from ._errors import PayloadError

# Python's own default limit for int <-> str conversion, applied here whatever
# the interpreter is configured with.
MAX_INTEGER_DIGITS = 4300


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a valid JSON number")


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError("a number overflows to infinity")
    return value


def _parse_int(text: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise ValueError(f"an integer has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


_DECODER = json.JSONDecoder(
    parse_float=_parse_float,
    parse_int=_parse_int,
    parse_constant=_reject_constant,
)


def loads(payload: bytes | bytearray | str) -> Any:
    """Decode a UTF-8 JSON document, raising ``PayloadError`` for anything else."""
    if not isinstance(payload, str):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"body is not UTF-8 text (byte {exc.start} is invalid)") from exc
    try:
        return _DECODER.decode(payload)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except ValueError as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise PayloadError("body is not valid JSON: it is nested too deeply") from exc


def dumps(value: Any) -> str:
    """Encode a canonical wire mapping as compact JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
