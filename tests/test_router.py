"""The router: which handlers run for which event, in what order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topmessage_webhooks import (
    DeliveryReport,
    DeliveryStatus,
    Event,
    IncomingMessage,
    parse,
)
from topmessage_webhooks._router import Router

FAILED = DeliveryReport(id="r-1", status=DeliveryStatus.FAILED)
DELIVERED = DeliveryReport(id="r-2", status=DeliveryStatus.DELIVERED)
MESSAGE = IncomingMessage(id="m-1", text="hello")
UNKNOWN_DATA: Mapping[str, Any] = {"id": "u-1", "mood": "cheerful"}


def recorder(calls: list[tuple[str, Any]], name: str) -> Callable[[Any], None]:
    """A handler that records its name and what it received."""

    def handler(event: Any) -> None:
        calls.append((name, event))

    handler.__qualname__ = name
    return handler


def test_on_returns_the_handler_unchanged() -> None:
    """Decorating with on() or fallback leaves the function as it was."""
    router = Router()

    def handler(event: Event) -> None: ...

    assert router.on(DeliveryReport)(handler) is handler
    assert router.fallback(handler) is handler


def test_kind_and_status_handlers_both_run_in_registration_order() -> None:
    """Kind-wide and status-specific handlers all run, in the order they were registered."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport, status=DeliveryStatus.FAILED)(recorder(calls, "failed-1"))
    router.on(DeliveryReport)(recorder(calls, "any-report"))
    router.on(IncomingMessage)(recorder(calls, "message"))
    router.on(DeliveryReport, status="FAILED")(recorder(calls, "failed-2"))
    router.fallback(recorder(calls, "fallback"))

    assert router.dispatch(FAILED) == 3
    assert calls == [("failed-1", FAILED), ("any-report", FAILED), ("failed-2", FAILED)]


def test_status_filter_skips_other_statuses() -> None:
    """A status-specific handler does not run for a report of another status."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport, status=DeliveryStatus.FAILED)(recorder(calls, "failed"))
    router.on(DeliveryReport)(recorder(calls, "any-report"))

    assert router.dispatch(DELIVERED) == 1
    assert calls == [("any-report", DELIVERED)]


def test_several_statuses_in_one_filter() -> None:
    """status=(A, B) runs the handler for A and for B, and not for others."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport, status=("FAILED", DeliveryStatus.SEEN))(recorder(calls, "h"))
    seen = DeliveryReport(id="r-3", status=DeliveryStatus.SEEN)

    assert [router.dispatch(report) for report in (FAILED, DELIVERED, seen)] == [1, 0, 1]
    assert calls == [("h", FAILED), ("h", seen)]


def test_unknown_status_reaches_kind_handlers_only() -> None:
    """A status this version does not know matches kind-wide handlers, never a status filter."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport, status=tuple(DeliveryStatus))(recorder(calls, "every-known"))
    router.on(DeliveryReport)(recorder(calls, "any-report"))
    report = parse(b'{"data": {"id": "r-9", "status": "READ"}}')

    assert router.dispatch(report) == 1
    assert calls == [("any-report", report)]


def test_fallback_runs_only_when_no_handler_ran() -> None:
    """The fallback takes events nothing matched, and is skipped when something did."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport, status=DeliveryStatus.FAILED)(recorder(calls, "failed"))
    router.fallback(recorder(calls, "fallback"))

    assert router.dispatch(FAILED) == 1
    assert router.dispatch(DELIVERED) == 1
    assert router.dispatch(MESSAGE) == 1
    assert calls == [("failed", FAILED), ("fallback", DELIVERED), ("fallback", MESSAGE)]


def test_fallback_receives_unknown_event_data() -> None:
    """An unknown event's data mapping goes to every fallback, in order, and to nothing else."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.fallback(recorder(calls, "fallback-1"))
    router.on(DeliveryReport)(recorder(calls, "any-report"))
    router.fallback(recorder(calls, "fallback-2"))

    assert router.dispatch(UNKNOWN_DATA) == 2
    assert calls == [("fallback-1", UNKNOWN_DATA), ("fallback-2", UNKNOWN_DATA)]


def test_nothing_registered_runs_nothing() -> None:
    """With no matching handler and no fallback, dispatch runs nothing and returns 0."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(IncomingMessage)(recorder(calls, "message"))

    assert router.dispatch(FAILED) == 0
    assert router.dispatch(UNKNOWN_DATA) == 0
    assert calls == []


@pytest.mark.parametrize("value", [b'{"data": {}}', '{"data": {}}', None, 42])
def test_dispatch_rejects_what_is_not_an_event(value: Any) -> None:
    """Raw bodies and other values are a TypeError pointing to verification first."""
    with pytest.raises(TypeError, match="verify and parse the body first"):
        Router().dispatch(value)


def test_handler_exception_propagates_and_stops_later_handlers() -> None:
    """A failing handler's exception reaches the caller; the handlers after it do not run."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport)(recorder(calls, "first"))

    @router.on(DeliveryReport)
    def broken(report: DeliveryReport) -> None:
        raise LookupError("no such message")

    router.on(DeliveryReport)(recorder(calls, "third"))

    with pytest.raises(LookupError, match="no such message"):
        router.dispatch(FAILED)
    assert calls == [("first", FAILED)]


@pytest.mark.parametrize(
    "kind",
    [dict, str, object, Event, "DeliveryReport", DeliveryStatus, lambda event: None],
    ids=["dict", "str", "object", "Event-union", "a-name", "DeliveryStatus", "a-function"],
)
def test_on_rejects_what_is_not_an_event_kind(kind: Any) -> None:
    """Only DeliveryReport and IncomingMessage can be routed; @router.on without () too."""
    with pytest.raises(TypeError, match="takes DeliveryReport or IncomingMessage"):
        Router().on(kind)


@pytest.mark.parametrize(
    ("kind", "status", "match"),
    [
        (IncomingMessage, "FAILED", "only DeliveryReport has a status"),
        (DeliveryReport, "failed", "unknown status 'failed'"),
        (DeliveryReport, "READ", "unknown status 'READ'; known: PENDING, FAILED"),
        (DeliveryReport, ("FAILED", "LOST"), "unknown status 'LOST'"),
        (DeliveryReport, (), "at least one"),
    ],
)
def test_on_rejects_bad_status_filters(kind: Any, status: Any, match: str) -> None:
    """A filter on messages, an unknown or miscased status, or an empty one is a ValueError."""
    with pytest.raises(ValueError, match=match):
        Router().on(kind, status=status)


def test_on_rejects_a_status_of_the_wrong_type() -> None:
    """A status that is neither a DeliveryStatus nor a str is a TypeError."""
    with pytest.raises(TypeError, match="DeliveryStatus or str, not int"):
        Router().on(DeliveryReport, status=(DeliveryStatus.FAILED, 3))  # type: ignore[arg-type]


@pytest.mark.parametrize("register", ["on", "fallback"])
def test_registration_rejects_a_handler_that_is_not_callable(register: str) -> None:
    """Registering something that cannot be called fails at once, not on the first event."""
    router = Router()
    decorator = router.on(DeliveryReport) if register == "on" else router.fallback
    with pytest.raises(TypeError, match="must be callable, not str"):
        decorator("handler")  # type: ignore[type-var]
    assert router.routes == ()


def test_repr_lists_routes_in_order() -> None:
    """The repr tells at a glance what runs for what."""
    router = Router()

    @router.on(DeliveryReport, status=(DeliveryStatus.SEEN, DeliveryStatus.DELIVERED))
    def mark_read(report: DeliveryReport) -> None: ...

    @router.on(IncomingMessage)
    async def reply(message: IncomingMessage) -> None: ...

    @router.fallback
    def keep(event: Any) -> None: ...

    assert repr(router) == (
        "Router([DeliveryReport(status=DELIVERED|SEEN) -> "
        "test_repr_lists_routes_in_order.<locals>.mark_read, "
        "IncomingMessage -> test_repr_lists_routes_in_order.<locals>.reply (async), "
        "fallback -> test_repr_lists_routes_in_order.<locals>.keep])"
    )
    assert [route.handler for route in router.routes] == [mark_read, reply, keep]
    assert [route.is_fallback for route in router.routes] == [False, False, True]


def test_sync_dispatch_refuses_async_handler_before_running_any() -> None:
    """dispatch raises TypeError naming dispatch_async, and no handler has run."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(IncomingMessage)(recorder(calls, "sync"))

    @router.on(IncomingMessage)
    async def reply(message: IncomingMessage) -> None:
        calls.append(("async", message))

    with pytest.raises(TypeError, match=r"is async: dispatch it with 'await router.dispatch_async"):
        router.dispatch(MESSAGE)
    assert calls == []


def test_sync_dispatch_ignores_async_handlers_that_do_not_match() -> None:
    """An async handler for another kind does not stop a sync dispatch."""
    calls: list[tuple[str, Any]] = []
    router = Router()
    router.on(DeliveryReport)(recorder(calls, "report"))

    @router.on(IncomingMessage)
    async def reply(message: IncomingMessage) -> None: ...

    assert router.dispatch(FAILED) == 1
    assert calls == [("report", FAILED)]


def test_sync_dispatch_refuses_a_handler_that_returns_an_awaitable() -> None:
    """A plain callable that returns a coroutine is async too: TypeError, coroutine closed."""
    router = Router()
    handled: list[Any] = []

    async def handle(message: IncomingMessage) -> None:
        handled.append(message)

    router.on(IncomingMessage)(lambda message: handle(message))

    with pytest.raises(TypeError, match="is async"):
        router.dispatch(MESSAGE)
    assert handled == []


def test_async_callable_object_is_recognised_as_async() -> None:
    """An instance with an async __call__ is routed as an async handler."""

    class Replier:
        async def __call__(self, message: IncomingMessage) -> None: ...

    router = Router()
    router.on(IncomingMessage)(Replier())
    assert [route.is_async for route in router.routes] == [True]


def test_dispatch_async_runs_sync_and_async_handlers_in_order() -> None:
    """Async handlers are awaited, sync ones run in a worker thread, one after another."""
    calls: list[tuple[str, Any]] = []
    router = Router()

    @router.on(IncomingMessage)
    def first(message: IncomingMessage) -> None:
        calls.append(("sync", threading.get_ident()))

    @router.on(IncomingMessage)
    async def second(message: IncomingMessage) -> None:
        await asyncio.sleep(0)
        calls.append(("async", threading.get_ident()))

    router.on(IncomingMessage)(lambda message: second(message))

    async def main() -> int:
        loop_thread = threading.get_ident()
        handlers_run = await router.dispatch_async(MESSAGE)
        assert [name for name, _ in calls] == ["sync", "async", "async"]
        assert calls[0][1] != loop_thread
        assert calls[1][1] == calls[2][1] == loop_thread
        return handlers_run

    assert asyncio.run(main()) == 3


def test_dispatch_async_fallback_and_exception() -> None:
    """dispatch_async sends unknown data to the fallback and propagates a handler's error."""
    calls: list[tuple[str, Any]] = []
    router = Router()

    @router.fallback
    async def keep(data: Mapping[str, Any]) -> None:
        calls.append(("fallback", data))

    @router.on(DeliveryReport)
    def broken(report: DeliveryReport) -> None:
        raise LookupError("no such message")

    assert asyncio.run(router.dispatch_async(UNKNOWN_DATA)) == 1
    assert calls == [("fallback", UNKNOWN_DATA)]
    with pytest.raises(LookupError):
        asyncio.run(router.dispatch_async(FAILED))


# --- the property: for any registrations and any event, exactly the matching handlers run.

STATUSES = [*DeliveryStatus, "READ"]
registrations = st.lists(
    st.one_of(
        st.just(("report", None)),
        st.tuples(
            st.just("report"),
            st.frozensets(st.sampled_from(list(DeliveryStatus)), min_size=1),
        ),
        st.just(("message", None)),
        st.just(("fallback", None)),
    ),
    max_size=8,
)
events = st.one_of(
    st.builds(
        DeliveryReport,
        id=st.text(min_size=1, max_size=5),
        status=st.sampled_from(STATUSES),
    ),
    st.builds(IncomingMessage, id=st.text(min_size=1, max_size=5)),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def expected_handlers(
    specs: list[tuple[str, frozenset[DeliveryStatus] | None]], event: Any
) -> list[int]:
    """The positions of the registrations that should run, computed from the rules."""

    def matches(kind: str, statuses: frozenset[DeliveryStatus] | None) -> bool:
        if kind == "report" and isinstance(event, DeliveryReport):
            return statuses is None or str(event.status) in {s.value for s in statuses}
        return kind == "message" and isinstance(event, IncomingMessage)

    matched = [index for index, spec in enumerate(specs) if matches(*spec)]
    return matched or [index for index, (kind, _) in enumerate(specs) if kind == "fallback"]


@given(specs=registrations, event=events)
def test_exactly_the_matching_handlers_run_in_order(
    specs: list[tuple[str, frozenset[DeliveryStatus] | None]], event: Any
) -> None:
    """For any registrations and event, dispatch runs exactly the matching handlers, in order."""
    ran: list[int] = []
    router = Router()
    for index, (kind, statuses) in enumerate(specs):

        def handler(event: Any, index: int = index) -> None:
            ran.append(index)

        if kind == "fallback":
            router.fallback(handler)
        else:
            router.on(DeliveryReport if kind == "report" else IncomingMessage, status=statuses)(
                handler
            )

    assert router.dispatch(event) == len(ran)
    assert ran == expected_handlers(specs, event)
