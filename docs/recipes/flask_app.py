"""Receive TopMessage webhooks with Flask (3.1 or later).

Run it::

    pip install topmessage-webhooks flask
    export TOPMESSAGE_WEBHOOK_SECRET='the secret set in TopMessage'
    flask --app docs/recipes/flask_app.py run --port 8000

and point TopMessage at ``https://your.domain/webhooks/topmessage``.
"""

import logging
import os

from flask import Flask, request

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
app = Flask(__name__)


def handle_event(event: Event) -> None:
    """Your code: record the delivery report, answer the incoming message."""
    if isinstance(event, DeliveryReport):
        logger.info("delivery report for %s: %s", event.id, event.status)
    else:
        logger.info("incoming %s message %s", event.channel, event.id)


@app.post("/webhooks/topmessage")
def topmessage_webhook() -> tuple[dict[str, str], int]:
    # Werkzeug answers 413 to a larger body without reading it.
    request.max_content_length = webhook.max_body_size
    # The signature covers the exact bytes received: request.json is a parsed
    # copy, and request.data is empty once form parsing has consumed the body.
    body = request.get_data()
    try:
        event = webhook.verify_and_parse(body, request.headers.get(SIGNATURE_HEADER))
    except UnknownEventError as unknown:
        # Genuine, but of a kind this version cannot read: an error status
        # would make TopMessage send it again, or give up on the endpoint.
        logger.warning("ignored webhook: %s", unknown)
        return {"status": "ignored"}, 202
    except WebhookError as error:
        logger.warning("rejected webhook: %s", error)
        return {"error": str(error)}, error.status_code
    handle_event(event)
    return {"status": "received"}, 200
