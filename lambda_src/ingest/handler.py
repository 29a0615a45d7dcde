"""The ingest Lambda: a thin adapter from API Gateway to `process.ingest`."""

from __future__ import annotations

import base64
import time
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.metrics import MetricUnit
from botocore.config import Config as BotoConfig

from . import config, process
from .errors import IngestError, InvalidBody, RateLimited
from .ratelimit import RateLimiter
from .store import DynamoStore

logger = Logger()
metrics = Metrics()
app = APIGatewayHttpResolver()
settings = config.from_env()
store = DynamoStore(
    boto3.client("dynamodb", config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"})), settings
)
limiter = RateLimiter(settings.rate_per_source, settings.rate_burst)


@app.post("/events")
def post_events() -> Response:
    started = time.perf_counter()
    event = app.current_event
    if not limiter.allow(event.request_context.http.source_ip):
        raise RateLimited("too many requests from this source", retry_after=1)
    body: str | bytes = event.body or ""
    if event.is_base64_encoded:
        try:
            body = base64.b64decode(body, validate=True)
        except ValueError:
            raise InvalidBody("body is not valid base64") from None
    request = process.Request(
        body=body,
        origin=event.headers.get("origin"),
        user_agent=event.request_context.http.user_agent or "",
        received_at=event.request_context.time_epoch,
    )
    result = process.ingest(request, store, settings)
    metrics.add_metric(name="EventsProcessed", unit=MetricUnit.Count, value=result.new)
    metrics.add_metric(name="ProcessingTime", unit=MetricUnit.Milliseconds,
                       value=(time.perf_counter() - started) * 1000)
    for rejected in result.rejected:
        _rejected(rejected["reason"])  # a fixed set: a schema place and a rule (protocol.py)
    return Response(200, "application/json", body=result.body())


def _rejected(reason: str) -> None:
    with single_metric(name="EventsRejected", unit=MetricUnit.Count, value=1,
                       namespace=metrics.namespace, default_dimensions=metrics.default_dimensions) as metric:
        metric.add_dimension(name="reason", value=reason[:64])


@app.exception_handler(IngestError)
def ingest_error(error: IngestError) -> Response:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    if error.status >= 500:
        metrics.add_metric(name="ProcessingErrors", unit=MetricUnit.Count, value=1)
        logger.warning("ingest unavailable", extra={"reason": str(error)})
    elif error.status != 429:
        _rejected(f"http_{error.status}")
    return Response(error.status, "application/json", body={"message": str(error)}, headers=headers)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    """A fault of ours, never of the client's: the client keeps its events and retries."""
    metrics.add_metric(name="ProcessingErrors", unit=MetricUnit.Count, value=1)
    logger.exception("ingest failed")
    return Response(503, "application/json", body={"message": "temporarily unavailable; retry"},
                    headers={"Retry-After": "2"})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
