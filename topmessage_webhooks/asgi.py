"""An ASGI 3 application that receives TopMessage webhooks.

>>> from topmessage_webhooks import Router
>>> from topmessage_webhooks.asgi import WebhookApp
>>> app = WebhookApp("my-secret", Router())

Serve it with any ASGI server, or mount it in Starlette or FastAPI (see
docs/receivers.md). What it answers is described in ``WebhookApp``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

from ._endpoint import BodyBuffer, Endpoint, Handler, Response
from ._errors import WebhookError
from ._signature import Secret
from ._webhook import Webhook

__all__ = ["WebhookApp"]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]


class WebhookApp:
    """Verify each POSTed webhook, hand it to ``handler``, and answer TopMessage.

    ``webhook`` is a ``Webhook`` or the endpoint's secret (or a sequence of
    secrets), given to ``Webhook``; its ``max_body_size`` bounds what is read.
    ``handler`` is a ``Router``, dispatched with ``Router.dispatch_async``, or
    a callable that takes every known event: a coroutine function is awaited,
    a plain function runs in a worker thread, never blocking the event loop.

    Answers as ``topmessage_webhooks.wsgi.WebhookApp`` does: 200, 202 for an
    event of an unknown kind, 401/400/413 for a rejected request (logged at
    WARNING), 405 for anything but POST, 500 when a handler raised (logged
    with the traceback). The body is read as it arrives and no more than
    ``max_body_size`` bytes are kept; a larger Content-Length is answered 413
    without reading the body. A client that disconnects gets no answer and
    its event reaches no handler.

    ``lifespan`` messages are acknowledged, so the app can be served alone.
    """

    __slots__ = ("_endpoint",)

    def __init__(self, webhook: Webhook | Secret, handler: Handler) -> None:
        self._endpoint = Endpoint(webhook, handler)

    def __repr__(self) -> str:
        return f"WebhookApp({self._endpoint!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _acknowledge_lifespan(receive, send)
        elif scope["type"] == "http":
            await self._answer(scope, receive, send)
        else:
            raise ValueError(f"WebhookApp serves HTTP only, not {scope['type']!r}")

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self._endpoint
        headers = {name.lower(): value for name, value in scope["headers"]}
        try:
            content_length = headers.get(b"content-length")
            endpoint.announced_length(
                scope["method"],
                None if content_length is None else content_length.decode("latin-1"),
            )
            body = await _read_body(receive, endpoint.max_body_size)
            if body is None:
                return
            received = endpoint.verify(body, headers)
        except WebhookError as error:
            response = endpoint.rejected(error)
        else:
            try:
                handlers_run = await endpoint.router.dispatch_async(received)
            except Exception:
                response = endpoint.failed(received)
            else:
                response = endpoint.handled(received, handlers_run)
        await _send(send, response)


async def _read_body(receive: Receive, max_body_size: int) -> bytes | None:
    """The request body, or ``None`` if the client disconnected before sending it all."""
    body = BodyBuffer(max_body_size)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body.add(message.get("body", b""))
        if not message.get("more_body", False):
            return body.getvalue()


async def _send(send: Send, response: Response) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in response.headers
            ],
        }
    )
    await send({"type": "http.response.body", "body": response.body})


async def _acknowledge_lifespan(receive: Receive, send: Send) -> None:
    # Nothing to start or stop: acknowledge each phase so that servers proceed.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
