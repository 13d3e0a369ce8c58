"""The converter between TopMessage's JSON and the typed models.

Everything WIRE-FORMAT.md decides about spelling lives here: the accepted
aliases of each field (the first spelling with a non-null value wins), the
canonical key written back, the defaults, how the two events are told apart,
and which keys are documented at all (strict mode rejects only the others).
Unknown keys, and aliases that lost to an earlier spelling, are kept in the
models' ``extra`` mappings and written back out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from ._errors import PayloadError, UnknownEventError
from ._models import (
    Channel,
    DeliveryReport,
    DeliveryStatus,
    Event,
    IncomingMessage,
    Location,
    SenderDetails,
)

#: Unknown values nested deeper than this are rejected: the model keeps them,
#: and nothing that later walks them (repr, equality, to_json) may overflow.
MAX_NESTING = 64

_Reader = Callable[[Any, str, bool], Any]


@attrs.frozen
class _Field:
    """One model field: its attribute, its wire spellings (canonical first), its reader."""

    name: str
    keys: tuple[str, ...]
    read: _Reader


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _read_string(value: Any, path: str, strict: bool) -> str:
    if type(value) is str:
        return value
    raise PayloadError(f"expected a string, got {_json_type(value)}", path=path)


def _read_decimal(value: Any, path: str, strict: bool) -> str:
    # Coordinates are strings on the wire; a JSON number is kept as its
    # decimal string (WIRE-FORMAT.md, incoming message decisions).
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _read_string(value, path, strict)


def _enum_reader(enum: type[Channel] | type[DeliveryStatus]) -> _Reader:
    known: dict[str, Channel | DeliveryStatus] = {member.value: member for member in enum}
    choices = ", ".join(known)

    def read(value: Any, path: str, strict: bool) -> Channel | DeliveryStatus | str:
        text = value if type(value) is str else _read_string(value, path, strict)
        member = known.get(text)
        if member is not None:
            return member
        if strict:
            raise PayloadError(
                f"unknown value {_shorten(text)} (known: {choices}; strict mode)",
                path=path,
            )
        return text

    return read


def _model_reader(cls: type[SenderDetails | Location]) -> _Reader:
    def read(value: Any, path: str, strict: bool) -> Any:
        if not isinstance(value, Mapping):
            raise PayloadError(f"expected an object, got {_json_type(value)}", path=path)
        return _structure(cls, value, path, strict)

    return read


def _shorten(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


_string = _read_string
_MODEL_READERS = {model: _model_reader(model) for model in (SenderDetails, Location)}
_FIELDS: dict[type, tuple[_Field, ...]] = {
    SenderDetails: (
        _Field("id", ("sender_id", "id"), _string),
        _Field("name", ("sender_name", "name"), _string),
        _Field("code", ("sender_code", "code"), _string),
    ),
    Location: (
        _Field("name", ("name",), _string),
        _Field("address", ("address",), _string),
        _Field("latitude", ("latitude",), _read_decimal),
        _Field("longitude", ("longitude",), _read_decimal),
    ),
    DeliveryReport: (
        _Field("id", ("id",), _string),
        _Field("status", ("status",), _enum_reader(DeliveryStatus)),
        _Field("channel", ("channel",), _enum_reader(Channel)),
        _Field("request_id", ("request_id",), _string),
        _Field("type", ("type",), _string),
    ),
    IncomingMessage: (
        _Field("id", ("id",), _string),
        _Field("channel", ("channel",), _enum_reader(Channel)),
        _Field("account_id", ("account_id",), _string),
        _Field("sender_details", ("sender_details",), _MODEL_READERS[SenderDetails]),
        _Field("number", ("number", "Number", "from"), _string),
        _Field("reference_message_id", ("reference_message_id",), _string),
        _Field("text", ("text",), _string),
        _Field("media_id", ("media_id",), _string),
        _Field("location", ("location",), _MODEL_READERS[Location]),
        _Field("to", ("to",), _string),
        _Field("request_id", ("request_id",), _string),
        _Field("type", ("type",), _string),
    ),
}
_REQUIRED = {
    DeliveryReport: frozenset({"id", "status"}),
    IncomingMessage: frozenset({"id"}),
    SenderDetails: frozenset(),
    Location: frozenset(),
}

# Keys that say "incoming message" when neither ``type`` nor ``status`` decides.
_INCOMING_KEYS = frozenset(
    {
        "text",
        "number",
        "Number",
        "from",
        "sender_details",
        "sender_code",
        "media_id",
        "location",
        "account_id",
        "reference_message_id",
    }
)


def _wire_keys(*classes: type) -> frozenset[str]:
    return frozenset(key for cls in classes for field in _FIELDS[cls] for key in field.keys)


# Every key WIRE-FORMAT.md documents, per object: strict mode rejects only others.
_DOCUMENTED_DATA_KEYS = _wire_keys(DeliveryReport, IncomingMessage) | {"sender_code"}
_DOCUMENTED_KEYS: dict[type, frozenset[str]] = {
    DeliveryReport: _DOCUMENTED_DATA_KEYS,
    IncomingMessage: _DOCUMENTED_DATA_KEYS,
    SenderDetails: _wire_keys(SenderDetails),
    Location: _wire_keys(Location),
}


def documented_keys() -> frozenset[str]:
    """Every key WIRE-FORMAT.md documents, at any level of an event."""
    return frozenset().union(*_DOCUMENTED_KEYS.values())


def _structure(
    cls: type[Any], data: Mapping[str, Any], path: str, strict: bool, **envelope: Any
) -> Any:
    """Build ``cls`` from one wire object, keeping what it does not know in ``extra``.

    ``envelope`` holds an event's ``envelope_extra``, passed through to ``cls``.
    """
    values: dict[str, Any] = {}
    used: set[str] = set()
    for field in _FIELDS[cls]:
        for key in field.keys:
            value = data.get(key)
            if value is not None:
                values[field.name] = field.read(value, f"{path}.{key}", strict)
                used.add(key)
                break
    if cls is IncomingMessage and "sender_details" not in values:
        # The Spanish table's top-level ``sender_code`` stands in for the object.
        code = data.get("sender_code")
        if code is not None:
            values["sender_details"] = SenderDetails(
                code=_read_string(code, f"{path}.sender_code", strict)
            )
            used.add("sender_code")
    for name in _REQUIRED[cls] - values.keys():
        raise PayloadError("required field is missing or null", path=f"{path}.{name}")
    documented = _DOCUMENTED_KEYS[cls]
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in used:
            continue
        if key in documented:
            # A documented spelling that lost: kept unless it said nothing.
            if value is not None:
                extra[key] = _bounded(value, f"{path}.{key}")
        elif strict:
            raise PayloadError("unknown key (strict mode)", path=f"{path}.{key}")
        else:
            extra[key] = _bounded(value, f"{path}.{key}")
    return cls(**values, extra=extra, **envelope)


# Values ``_bounded`` never needs to walk.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _bounded(value: Any, path: str) -> Any:
    """Return ``value`` unchanged if it nests no deeper than ``MAX_NESTING``."""
    if type(value) in _SCALARS:
        return value
    level = [value]
    for _ in range(MAX_NESTING + 1):
        level = [
            child
            for item in level
            if isinstance(item, (Mapping, list))
            for child in (item.values() if isinstance(item, Mapping) else item)
        ]
        if not level:
            return value
    raise PayloadError(f"nested more than {MAX_NESTING} levels deep", path=path)


def event_class(data: Mapping[str, Any]) -> type[Event] | None:
    """Which event ``data`` is, by WIRE-FORMAT.md's rules, or None if neither.

    An incoming-message key counts only with a value: every field of an
    incoming message is optional, so one whose keys are all null would be
    written back without them, as an event of neither kind. A null
    ``status`` still makes a delivery report, whose required status is missing.
    """
    if data.get("type") == "STATUS" or "status" in data:
        return DeliveryReport
    for key, value in data.items():
        if value is not None and key in _INCOMING_KEYS:
            return IncomingMessage
    return None


def structure_event(payload: Any, *, strict: bool = False) -> Event:
    """Build the typed event from a decoded envelope ``{"data": {...}}``.

    Raises ``PayloadError`` naming the path of what is wrong, and
    ``UnknownEventError`` (carrying ``data``) for an event of neither kind.
    """
    try:
        return _structure_plain_event(payload, strict)
    except (_NotPlain, PayloadError):
        pass
    # Outside the handler, so that no error chains to the plain path's: the
    # detailed path builds the same event, or raises the error a reader of
    # the payload in field order meets first.
    return _structure_event(payload, strict)


class _NotPlain(Exception):
    """The payload is one the plain path leaves to the detailed one."""


def _structure_plain_event(payload: Any, strict: bool) -> Event:
    """``structure_event`` for the payloads TopMessage sends, in one pass over each object.

    Where ``_structure`` looks up every spelling of every field, this walks
    the keys the payload has. It raises ``_NotPlain`` (or a reader's
    ``PayloadError``) for anything that needs a decision, such as an error,
    two spellings of one field or a stand-in ``sender_code``, and leaves
    that to ``_structure_event``, so both build equal events.
    """
    if type(payload) is not dict:
        raise _NotPlain
    data = payload.get("data")
    if type(data) is not dict:
        raise _NotPlain
    cls = event_class(data)
    if cls is None:
        raise _NotPlain
    envelope_extra = {}
    if len(payload) > 1:
        if strict:
            raise _NotPlain
        for key, value in payload.items():
            if key != "data":
                envelope_extra[key] = _bounded(value, key)
    return cls(**_plain_values(cls, data, strict), envelope_extra=envelope_extra)


def _plain_values(cls: type[Any], data: dict[str, Any], strict: bool) -> dict[str, Any]:
    """The keyword arguments of ``cls`` for ``data``, or ``_NotPlain``."""
    strings, readers, required = _PLAIN_TABLES[cls]
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    nulls = 0
    for key, value in data.items():
        name = strings.get(key)
        if name is not None and type(value) is str:
            values[name] = value
        elif value is None and (name is not None or key in readers):
            nulls += 1
        elif key in readers:
            name, read = readers[key]
            values[name] = read(value, key, strict)
        elif name is not None or strict or key in _DOCUMENTED_KEYS[cls]:
            raise _NotPlain
        else:
            extra[key] = _bounded(value, key)
    # Two spellings of one field leave fewer values than keys: which one
    # wins is the detailed path's decision.
    if len(values) + len(extra) + nulls != len(data) or not values.keys() >= required:
        raise _NotPlain
    values["extra"] = extra
    return values


def _plain_model_reader(model: type[SenderDetails | Location]) -> _Reader:
    def read(value: Any, path: str, strict: bool) -> Any:
        if type(value) is not dict:
            raise _NotPlain
        return model(**_plain_values(model, value, strict))

    return read


_PlainTable = tuple[dict[str, str], dict[str, tuple[str, _Reader]], frozenset[str]]


def _plain_table(cls: type[Any]) -> _PlainTable:
    """``cls``'s plain string fields by wire key, its other fields, its required fields."""
    plain_readers = {reader: _plain_model_reader(model) for model, reader in _MODEL_READERS.items()}
    fields = _FIELDS[cls]
    strings = {key: f.name for f in fields if f.read is _read_string for key in f.keys}
    readers = {
        key: (f.name, plain_readers.get(f.read, f.read))
        for f in fields
        if f.read is not _read_string
        for key in f.keys
    }
    return strings, readers, _REQUIRED[cls]


_PLAIN_TABLES = {cls: _plain_table(cls) for cls in _FIELDS}


def _structure_event(payload: Any, strict: bool) -> Event:
    if not isinstance(payload, Mapping):
        raise PayloadError(f"expected a JSON object at the top level, got {_json_type(payload)}")
    data = payload.get("data")
    if data is None:
        raise PayloadError("required field is missing or null", path="data")
    if not isinstance(data, Mapping):
        raise PayloadError(f"expected an object, got {_json_type(data)}", path="data")
    cls = event_class(data)
    if cls is None:
        seen = ", ".join(sorted(_shorten(str(key), 30) for key in data)[:20]) or "none"
        raise UnknownEventError(
            "neither a delivery report nor an incoming message; keys seen: " + seen,
            data=data,
        )
    envelope_extra: dict[str, Any] = {}
    for key, value in payload.items():
        if key != "data":
            if strict:
                raise PayloadError("unknown key (strict mode)", path=str(key))
            envelope_extra[key] = _bounded(value, str(key))
    event: Event = _structure(cls, data, "data", strict, envelope_extra=envelope_extra)
    return event


def _build_unstructure(converter: cattrs.Converter, cls: type) -> Callable[[Any], dict[str, Any]]:
    overrides: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        if attribute.name in ("extra", "envelope_extra"):
            overrides[attribute.name] = override(omit=True)
            continue
        canonical = next(f.keys[0] for f in _FIELDS[cls] if f.name == attribute.name)
        # None fields are left out of the canonical form; ``channel`` keeps its default.
        overrides[attribute.name] = override(
            rename=canonical, omit_if_default=attribute.default is None
        )
    generated: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, converter, **overrides
    )

    def unstructure(instance: Any) -> dict[str, Any]:
        wire = generated(instance)
        for key, value in instance.extra.items():
            wire.setdefault(key, value)
        return wire

    return unstructure


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    # Known enum members and unknown plain strings are both written as text.
    converter.register_unstructure_hook(Channel | str, str)
    converter.register_unstructure_hook(DeliveryStatus | str, str)
    for cls in (SenderDetails, Location, DeliveryReport, IncomingMessage):
        converter.register_unstructure_hook(cls, _build_unstructure(converter, cls))
    return converter


_CONVERTER = _make_converter()


def unstructure_event(event: Event) -> dict[str, Any]:
    """The canonical wire form of an event: ``{"data": {...}}`` plus kept top-level keys."""
    wire: dict[str, Any] = {"data": _CONVERTER.unstructure(event)}
    for key, value in event.envelope_extra.items():
        wire.setdefault(key, value)
    return wire
