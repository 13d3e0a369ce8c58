"""The router: which handlers run for which event.

A handler is registered for an event kind, optionally narrowed to some
delivery statuses; fallback handlers take what no other handler matched,
including the ``data`` of events of a kind this version does not know
(``UnknownEventError.data``). Registration is checked eagerly, so a typo
fails at import time, not when TopMessage first calls.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from ._models import DeliveryReport, DeliveryStatus, Event, IncomingMessage

__all__ = ["Route", "Router"]

HandlerT = TypeVar("HandlerT", bound=Callable[..., object])

StatusFilter = DeliveryStatus | str | Iterable[DeliveryStatus | str]

_EVENT_KINDS: tuple[type[Event], ...] = (DeliveryReport, IncomingMessage)


def _is_async(handler: Callable[..., object]) -> bool:
    # An instance whose __call__ is a coroutine function is async too.
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        type(handler).__call__
    )


def _handler_name(handler: Callable[..., object]) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


@attrs.frozen
class Route:
    """One registration: a handler and the events it runs for.

    ``kind`` is ``None`` for a fallback. ``statuses`` is ``None`` when every
    status matches, otherwise the ``DeliveryStatus`` members that do.
    """

    handler: Callable[..., object]
    kind: type[Event] | None
    statuses: frozenset[DeliveryStatus] | None = None
    is_async: bool = False

    @property
    def is_fallback(self) -> bool:
        """Whether this route runs only when no other route matched."""
        return self.kind is None

    def matches(self, event: Event) -> bool:
        """Whether this (non-fallback) route's handler runs for ``event``."""
        if self.kind is None or not isinstance(event, self.kind):
            return False
        if self.statuses is None:
            return True
        # A status this version does not know stays a plain string: it matches no filter.
        return isinstance(event, DeliveryReport) and any(
            event.status == status for status in self.statuses
        )

    def __str__(self) -> str:
        if self.kind is None:
            target = "fallback"
        elif self.statuses is None:
            target = self.kind.__name__
        else:
            names = "|".join(sorted(status.value for status in self.statuses))
            target = f"{self.kind.__name__}(status={names})"
        suffix = " (async)" if self.is_async else ""
        return f"{target} -> {_handler_name(self.handler)}{suffix}"


class Router:
    """Maps events to handlers; several handlers per event run in registration order.

    >>> from topmessage_webhooks import DeliveryReport, DeliveryStatus
    >>> router = Router()
    >>> @router.on(DeliveryReport, status=DeliveryStatus.FAILED)
    ... def retry_later(report: DeliveryReport) -> None: ...
    >>> router
    Router([DeliveryReport(status=FAILED) -> retry_later])

    An event runs every handler registered for its kind and every handler
    registered for its kind and status. Fallback handlers run only when none
    of those did, and for the ``data`` of an event of an unknown kind.
    """

    __slots__ = ("_routes",)

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def __repr__(self) -> str:
        return f"Router([{', '.join(map(str, self._routes))}])"

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every registration, fallbacks included, in registration order."""
        return tuple(self._routes)

    def on(
        self, kind: type[Event], *, status: StatusFilter | None = None
    ) -> Callable[[HandlerT], HandlerT]:
        """Register the decorated handler for events of ``kind``, and return it unchanged.

        ``kind`` is ``DeliveryReport`` or ``IncomingMessage``; anything else is
        a ``TypeError``. ``status`` narrows delivery reports to one status or
        several (a ``DeliveryStatus`` member or its exact string, such as
        ``"FAILED"``); an unknown status, an empty filter, or a filter on
        ``IncomingMessage`` is a ``ValueError``. The handler may be a plain
        function or a coroutine function.
        """
        if not (isinstance(kind, type) and kind in _EVENT_KINDS):
            raise TypeError(
                "router.on() takes DeliveryReport or IncomingMessage, not "
                f"{kind!r}; register a handler for each kind you want"
            )
        statuses = None if status is None else _statuses(kind, status)

        def register(handler: HandlerT) -> HandlerT:
            self._add(handler, kind, statuses)
            return handler

        return register

    def fallback(self, handler: HandlerT) -> HandlerT:
        """Register the decorated handler for what no other handler matched.

        It receives the event, or, for an event of a kind this version does
        not know, its verified ``data`` mapping. Returns the handler unchanged.
        """
        self._add(handler, None, None)
        return handler

    def _add(
        self,
        handler: Callable[..., object],
        kind: type[Event] | None,
        statuses: frozenset[DeliveryStatus] | None,
    ) -> None:
        if not callable(handler):
            raise TypeError(f"a handler must be callable, not {type(handler).__name__}")
        self._routes.append(Route(handler, kind, statuses, _is_async(handler)))

    def handlers_for(self, event_or_data: Event | Mapping[str, Any]) -> tuple[Route, ...]:
        """The routes that run for an event or an unknown event's ``data``, in order."""
        if isinstance(event_or_data, _EVENT_KINDS):
            matched = tuple(
                route
                for route in self._routes
                if not route.is_fallback and route.matches(event_or_data)
            )
            if matched:
                return matched
        elif not isinstance(event_or_data, Mapping):
            raise TypeError(
                "dispatch takes an event, or the data mapping of an unknown event, not "
                f"{type(event_or_data).__name__}; verify and parse the body first"
            )
        return tuple(route for route in self._routes if route.is_fallback)

    def dispatch(self, event_or_data: Event | Mapping[str, Any]) -> int:
        """Run the matching handlers, in registration order; return how many ran.

        A handler's exception propagates at once and the handlers after it do
        not run. Raises ``TypeError``, before any handler runs, if one of the
        matching handlers is async: use ``dispatch_async`` for those.
        """
        routes = self.handlers_for(event_or_data)
        for route in routes:
            if route.is_async:
                raise TypeError(_async_in_sync(route))
        for route in routes:
            result = route.handler(event_or_data)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(_async_in_sync(route))
        return len(routes)

    async def dispatch_async(self, event_or_data: Event | Mapping[str, Any]) -> int:
        """Run the matching handlers one after another; return how many ran.

        Async handlers are awaited; plain ones run in a worker thread
        (``asyncio.to_thread``), so a blocking handler never blocks the event
        loop. Each handler finishes before the next starts. A handler's
        exception propagates at once and the handlers after it do not run.
        """
        routes = self.handlers_for(event_or_data)
        for route in routes:
            if route.is_async:
                result = route.handler(event_or_data)
            else:
                result = await asyncio.to_thread(route.handler, event_or_data)
            if inspect.isawaitable(result):
                await result
        return len(routes)


def _async_in_sync(route: Route) -> str:
    return f"{route} is async: dispatch it with 'await router.dispatch_async(...)'"


def _statuses(kind: type[Event], status: StatusFilter) -> frozenset[DeliveryStatus]:
    if kind is not DeliveryReport:
        raise ValueError(f"only DeliveryReport has a status to filter on, not {kind.__name__}")
    given = [status] if isinstance(status, str) else list(status)
    if not given:
        raise ValueError("status must name at least one DeliveryStatus")
    statuses = set()
    for each in given:
        if not isinstance(each, str):
            raise TypeError(f"a status must be a DeliveryStatus or str, not {type(each).__name__}")
        try:
            statuses.add(DeliveryStatus(each))
        except ValueError:
            known = ", ".join(member.value for member in DeliveryStatus)
            raise ValueError(f"unknown status {each!r}; known: {known}") from None
    return frozenset(statuses)
