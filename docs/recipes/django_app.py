"""Receive TopMessage webhooks with Django: a whole project in one file.

Run it::

    pip install topmessage-webhooks django
    export TOPMESSAGE_WEBHOOK_SECRET='the secret set in TopMessage'
    python docs/recipes/django_app.py runserver 8000

and point TopMessage at ``https://your.domain/webhooks/topmessage``. In an
existing project, copy the view and its URL, and the setting that caps bodies.
"""

import logging
import os
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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

settings.configure(
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["localhost", "127.0.0.1"],  # and your domain
    # Applies to request.body whatever the content type: a larger body is
    # refused before it is read.
    DATA_UPLOAD_MAX_MEMORY_SIZE=webhook.max_body_size,
)


def handle_event(event: Event) -> None:
    """Your code: record the delivery report, answer the incoming message."""
    if isinstance(event, DeliveryReport):
        logger.info("delivery report for %s: %s", event.id, event.status)
    else:
        logger.info("incoming %s message %s", event.channel, event.id)


@csrf_exempt  # TopMessage signs its requests; it has no CSRF token.
@require_POST
def topmessage_webhook(request: HttpRequest) -> JsonResponse:
    try:
        # The exact bytes received, which the signature covers: verify them
        # before any json.loads, never a re-serialised copy.
        body = request.body
    except RequestDataTooBig:
        # Django's own answer to this is 400; the accurate one is 413.
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        event = webhook.verify_and_parse(body, request.headers.get(SIGNATURE_HEADER))
    except UnknownEventError as unknown:
        # Genuine, but of a kind this version cannot read: an error status
        # would make TopMessage send it again, or give up on the endpoint.
        logger.warning("ignored webhook: %s", unknown)
        return JsonResponse({"status": "ignored"}, status=202)
    except WebhookError as error:
        logger.warning("rejected webhook: %s", error)
        return JsonResponse({"error": str(error)}, status=error.status_code)
    handle_event(event)
    return JsonResponse({"status": "received"})


urlpatterns = [path("webhooks/topmessage", topmessage_webhook)]

application = get_wsgi_application()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
