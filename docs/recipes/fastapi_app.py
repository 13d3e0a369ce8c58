"""Receive TopMessage webhooks with FastAPI.

Run it::

    pip install topmessage-webhooks fastapi uvicorn
    export TOPMESSAGE_WEBHOOK_SECRET='the secret set in TopMessage'
    uvicorn --app-dir docs/recipes fastapi_app:app --port 8000

and point TopMessage at ``https://your.domain/webhooks/topmessage``.
"""

import logging
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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
app = FastAPI()


def handle_event(event: Event) -> None:
    """Your code: record the delivery report, answer the incoming message."""
    if isinstance(event, DeliveryReport):
        logger.info("delivery report for %s: %s", event.id, event.status)
    else:
        logger.info("incoming %s message %s", event.channel, event.id)


async def read_body(request: Request) -> bytes | None:
    """The raw body, or None as soon as it passes the limit: never buffers more."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > webhook.max_body_size:
            return None
    return bytes(body)


@app.post("/webhooks/topmessage")
async def topmessage_webhook(request: Request) -> JSONResponse:
    # The signature covers the exact bytes received: a pydantic model parameter
    # would hand over a parsed copy, which no longer matches it.
    body = await read_body(request)
    if body is None:
        return JSONResponse({"error": "body too large"}, status_code=413)
    try:
        event = webhook.verify_and_parse(body, request.headers.get(SIGNATURE_HEADER))
    except UnknownEventError as unknown:
        # Genuine, but of a kind this version cannot read: an error status
        # would make TopMessage send it again, or give up on the endpoint.
        logger.warning("ignored webhook: %s", unknown)
        return JSONResponse({"status": "ignored"}, status_code=202)
    except WebhookError as error:
        logger.warning("rejected webhook: %s", error)
        return JSONResponse({"error": str(error)}, status_code=error.status_code)
    handle_event(event)
    return JSONResponse({"status": "received"})
