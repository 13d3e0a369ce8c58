"""Receive TopMessage webhooks with aiohttp.

Run it::

    pip install topmessage-webhooks aiohttp
    export TOPMESSAGE_WEBHOOK_SECRET='the secret set in TopMessage'
    python docs/recipes/aiohttp_app.py

and point TopMessage at ``https://your.domain/webhooks/topmessage``.
"""

import logging
import os

from aiohttp import web

from topmessage_webhooks import (
    SIGNATURE_HEADER,
    DeliveryReport,
    Event,
    UnknownEventError,
    Webhook,
    WebhookError,
)

logger = logging.getLogger(__name__)
webhook = Webhook(os.environ["TOPMESSAGE_WEBHOOK_SECRET"])


def handle_event(event: Event) -> None:
    """Your code: record the delivery report, answer the incoming message."""
    if isinstance(event, DeliveryReport):
        logger.info("delivery report for %s: %s", event.id, event.status)
    else:
        logger.info("incoming %s message %s", event.channel, event.id)


async def topmessage_webhook(request: web.Request) -> web.Response:
    # The signature covers the exact bytes received (request.json() is a
    # parsed copy); read() answers 413 as soon as they pass client_max_size.
    body = await request.read()
    try:
        event = webhook.verify_and_parse(body, request.headers.get(SIGNATURE_HEADER))
    except UnknownEventError as unknown:
        # Genuine, but of a kind this version cannot read: an error status
        # would make TopMessage send it again, or give up on the endpoint.
        logger.warning("ignored webhook: %s", unknown)
        return web.json_response({"status": "ignored"}, status=202)
    except WebhookError as error:
        logger.warning("rejected webhook: %s", error)
        return web.json_response({"error": str(error)}, status=error.status_code)
    handle_event(event)
    return web.json_response({"status": "received"})


def create_app() -> web.Application:
    """The application; a new one each time, as aiohttp runs an application once."""
    app = web.Application(client_max_size=webhook.max_body_size)
    app.router.add_post("/webhooks/topmessage", topmessage_webhook)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8000)
