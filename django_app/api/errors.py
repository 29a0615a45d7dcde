"""DRF's exception handler, plus: the tables out of reach is a 503 the caller may retry,
never a 500. (No database connection to spare is left to dashboard.health.BusyMiddleware,
which answers it for pages and API alike.)"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from rest_framework.response import Response
from rest_framework.views import exception_handler

log = logging.getLogger(__name__)


def handle(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, (BotoCoreError, ClientError)):
        log.warning("reading the tables failed: %s", error)
        return Response({"detail": "the analytics tables cannot be read just now; retry"}, status=503,
                        headers={"Retry-After": "2"})
    return exception_handler(error, context)
