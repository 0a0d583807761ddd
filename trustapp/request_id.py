"""A request id on every log line and on the response, so one request's lines can be found.

The middleware takes the id a proxy sent in X-Request-ID when it looks like one (letters,
digits and dashes), otherwise makes one, and keeps it in a context variable until the
response is closed: Django logs an error response ("Not Found: /x/") after the middleware
has returned, and that line needs the id too. The logging filter copies it onto every record
("-" outside a request).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
current_request_id = ContextVar("request_id", default="-")
# One line per request, in place of the web server's access log (Procfile): with the request
# id, and with the route instead of the path, so that no secret in a URL reaches the log.
access_log = logging.getLogger("trustapp.access")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = sent if _SAFE_ID.fullmatch(sent) else uuid.uuid4().hex
        request.request_id = request_id
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        access_log.info(
            "%s %s %s",
            request.method,
            _route(request),
            response.status_code,
            extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        return response


def _route(request):
    """The URL pattern, not the path: `rate/<str:token>/` keeps rating links out of the log."""
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None else "(unresolved)"


@receiver(request_finished, dispatch_uid="request_id_forget")
def forget_request_id(sender, **kwargs):
    current_request_id.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get()
        return True
