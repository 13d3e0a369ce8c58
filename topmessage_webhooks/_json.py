"""Strict, bounded JSON decoding: only values Python holds faithfully.

WIRE-FORMAT.md ("Numbers"): NaN and Infinity literals, numbers that overflow a
float, and integers too long to convert are malformed. Deep nesting fails as a
``PayloadError`` rather than a ``RecursionError``.

When orjson is installed (the ``fast`` extra), ``loads`` tries it first on
documents up to 64 KiB and keeps its result only where it is the one ``json``
gives; every other document is decoded by ``json``, so both give the same
values and the same errors.
"""

from __future__ import annotations

import importlib
import json
import json.scanner
import math
from collections.abc import Callable
from typing import Any, NoReturn

from ._errors import PayloadError


def _find_orjson() -> Callable[[bytes | bytearray | str], Any] | None:
    # Imported by name, so that type checking is the same with or without it.
    try:
        orjson = importlib.import_module("orjson")
    except ImportError:  # the ``fast`` extra is not installed
        return None
    loads: Callable[[bytes | bytearray | str], Any] = orjson.loads
    return loads


#: orjson's decoder when the ``fast`` extra is installed, else None.
orjson_loads = _find_orjson()

# Python's own default limit for int <-> str conversion, applied here whatever
# the interpreter is configured with.
MAX_INTEGER_DIGITS = 4300

# orjson's results are trusted only this deep; ``json`` decides deeper ones,
# where it may run out of stack first.
_ORJSON_MAX_DEPTH = 100
# orjson's parser takes about thirteen times the document in memory, ``json``
# two to three times: larger documents are left to ``json``, where orjson's
# head start matters less anyway.
_ORJSON_MAX_SIZE = 64 * 1024

_JSON_WHITESPACE = " \t\n\r"


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
# The decoder's own scanner, called directly by ``loads``. (typeshed types
# make_scanner's argument as a scanner; any decoder's settings will do.)
_scan_once = json.scanner.make_scanner(_DECODER)  # type: ignore[arg-type]


def loads(payload: bytes | bytearray | str) -> Any:
    """Decode a UTF-8 JSON document, raising ``PayloadError`` for anything else."""
    if orjson_loads is not None and len(payload) <= _ORJSON_MAX_SIZE:
        try:
            value = orjson_loads(payload)
        except ValueError:
            pass  # ``json`` decides, and says what is wrong in its own words
        else:
            if _exact(value, 0):
                return value
    if not isinstance(payload, str):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"body is not UTF-8 text (byte {exc.start} is invalid)") from exc
    # JSONDecoder.decode spends as long as the scan itself on a short body
    # skipping whitespace around it; a body that starts with its value and
    # ends with whitespace at most needs only the scan. Any other document,
    # an invalid one included, goes through decode for its exact error.
    try:
        try:
            value, end = _scan_once(payload, 0)
        except StopIteration:  # leading whitespace, or no value at all
            end = -1
        if end == len(payload) or (end > 0 and not payload[end:].strip(_JSON_WHITESPACE)):
            return value
        return _DECODER.decode(payload)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except ValueError as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise PayloadError("body is not valid JSON: it is nested too deeply") from exc


def _exact(value: Any, depth: int) -> bool:
    """Whether orjson's ``value`` is exactly what ``json`` decodes from the same text.

    orjson turns integers beyond 64 bits into floats, so no float is trusted,
    and it nests deeper than ``json`` can; strings, small integers, booleans
    and null are the same in both.
    """
    kind = type(value)
    if kind is float:
        return False
    if kind is not dict and kind is not list:
        return True
    if depth == _ORJSON_MAX_DEPTH:
        return False
    for child in value.values() if kind is dict else value:
        kind = type(child)
        if kind is str:
            continue
        if kind is dict or kind is list:
            if not _exact(child, depth + 1):
                return False
        elif kind is float:
            return False
    return True


def dumps(value: Any) -> str:
    """Encode a canonical wire mapping as compact JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
