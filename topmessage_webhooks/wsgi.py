"""A WSGI application that receives TopMessage webhooks.

>>> from topmessage_webhooks import Router
>>> from topmessage_webhooks.wsgi import WebhookApp
>>> app = WebhookApp("my-secret", Router())

Serve it on its own, or mount it beside another WSGI application (see
docs/receivers.md). What it answers is described in ``WebhookApp``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from ._endpoint import CHUNK_SIZE, BodyBuffer, Endpoint, Handler, IncompleteBodyError
from ._errors import WebhookError
from ._signature import Secret
from ._webhook import Webhook

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["WebhookApp"]


class WebhookApp:
    """Verify each POSTed webhook, hand it to ``handler``, and answer TopMessage.

    ``webhook`` is a ``Webhook`` or the endpoint's secret (or a sequence of
    secrets), given to ``Webhook``; its ``max_body_size`` bounds what is read.
    ``handler`` is a ``Router``, dispatched with ``Router.dispatch``, or a
    callable that takes every known event. Async handlers need the ASGI
    application: an async handler already registered is a ``TypeError`` here.

    Answers: 200 once the handlers ran; 202 for an event of a kind this
    version does not know (after the router's fallback handlers ran); 401,
    400 or 413 for a rejected request, logged at WARNING on the
    ``topmessage_webhooks`` logger; 405 for anything but POST; 500 when a
    handler raised, logged with the traceback, so that TopMessage delivers
    the event again. Every answer is a short JSON object.

    The body is read in bounded chunks, never more than ``max_body_size``
    bytes: a larger Content-Length is answered 413 without reading the body.
    Without a Content-Length the body is read to its end only when the server
    sets ``wsgi.input_terminated`` (chunked requests); otherwise it is empty,
    as PEP 3333 requires.
    """

    __slots__ = ("_endpoint",)

    def __init__(self, webhook: Webhook | Secret, handler: Handler) -> None:
        self._endpoint = Endpoint(webhook, handler)
        for route in self._endpoint.router.routes:
            if route.is_async:
                raise TypeError(
                    f"{route} is async; serve it with topmessage_webhooks.asgi.WebhookApp"
                )

    def __repr__(self) -> str:
        return f"WebhookApp({self._endpoint!r})"

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        endpoint = self._endpoint
        try:
            length = endpoint.announced_length(
                environ["REQUEST_METHOD"], environ.get("CONTENT_LENGTH")
            )
            body = _read_body(environ, length, endpoint.max_body_size)
            received = endpoint.verify(body, environ)
        except WebhookError as error:
            response = endpoint.rejected(error)
        else:
            try:
                handlers_run = endpoint.router.dispatch(received)
            except Exception:
                response = endpoint.failed(received)
            else:
                response = endpoint.handled(received, handlers_run)
        start_response(response.status_line, list(response.headers))
        return [response.body]


def _read_body(environ: WSGIEnvironment, length: int | None, max_body_size: int) -> bytes:
    if length is None and not environ.get("wsgi.input_terminated"):
        return b""
    # Without a length, read to the end, but one byte past the limit at most: enough to tell.
    to_read = max_body_size + 1 if length is None else length
    stream: BinaryIO = environ["wsgi.input"]
    body = BodyBuffer(max_body_size)
    while len(body) < to_read:
        chunk = stream.read(min(CHUNK_SIZE, to_read - len(body)))
        if not chunk:
            if length is not None:
                raise IncompleteBodyError(
                    f"the body ended after {len(body)} of the {length} bytes "
                    "its Content-Length announced"
                )
            break
        body.add(chunk)
    return body.getvalue()
