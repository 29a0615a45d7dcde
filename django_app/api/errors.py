"""DRF's exception handler, plus: the tables out of reach, or no database connection to
spare, is a 503 the caller may retry, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from config import database
from rest_framework.response import Response
from rest_framework.views import exception_handler

log = logging.getLogger(__name__)
BUSY = {"detail": "the dashboard's database is busy; retry"}


def handle(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, (BotoCoreError, ClientError)):
        log.warning("reading the tables failed: %s", error)
        return Response({"detail": "the analytics tables cannot be read just now; retry"}, status=503,
                        headers={"Retry-After": "2"})
    if database.busy(error):
        return Response(BUSY, status=503, headers={"Retry-After": "5"})
    return exception_handler(error, context)
