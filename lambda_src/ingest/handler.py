"""The ingest Lambda: a thin adapter from API Gateway to `ingest.process`."""

from __future__ import annotations

import time

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import BadRequestError
from aws_lambda_powertools.metrics import MetricUnit

from . import config, process

logger = Logger()
metrics = Metrics()
app = APIGatewayHttpResolver()
settings = config.from_env()
table = boto3.resource("dynamodb").Table(settings.events_table)


@app.post("/events")
def post_events() -> Response:
    started = time.perf_counter()
    body = app.current_event.decoded_body or ""
    try:
        events = process.parse(body, settings)
    except process.InvalidBody as error:
        raise BadRequestError(str(error)) from None
    received_at = int(time.time() * 1000)
    process.store(events, received_at, table)
    metrics.add_metric(name="EventsProcessed", unit=MetricUnit.Count, value=len(events))
    metrics.add_metric(name="ProcessingTime", unit=MetricUnit.Milliseconds,
                       value=(time.perf_counter() - started) * 1000)
    return Response(200, "application/json", body={"accepted": len(events), "rejected": []})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event, context):  # type: ignore[no-untyped-def]
    return app.resolve(event, context)
