"""The ingest handler, imported as Lambda imports it, against moto in-process."""

import copy
import json
import sys

import boto3
import pytest
from moto import mock_aws

from embedded import template
from embedded.settings import ROOT, TEMPLATE

EVENTS = ROOT / "tests" / "events"


class FakeContext:
    function_name = "ingest"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ingest"
    aws_request_id = "00000000-0000-0000-0000-000000000001"

    def get_remaining_time_in_millis(self):
        return 10_000


def canned(name: str, **changes):
    event = json.loads((EVENTS / f"{name}.json").read_text())
    event = copy.deepcopy(event)
    event.update(changes)
    return event


def create_tables(ddb):
    """Create the template's tables with their key schemas, named as the function's environment names them."""
    names = {}
    for logical_id, resource in template.load(TEMPLATE)["Resources"].items():
        if resource["Type"] == "AWS::DynamoDB::Table":
            props = resource["Properties"]
            name = f"test-{logical_id}"
            ddb.create_table(TableName=name, AttributeDefinitions=props["AttributeDefinitions"],
                             KeySchema=props["KeySchema"], BillingMode="PAY_PER_REQUEST")
            names[logical_id] = name
    return names


@pytest.fixture
def handler(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ingest")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LiveInsight")
    with mock_aws():
        ddb = boto3.client("dynamodb")
        names = create_tables(ddb)
        monkeypatch.setenv("EVENTS_TABLE", names["EventsTable"])
        monkeypatch.setenv("SITES_TABLE", names["SitesTable"])
        ddb.put_item(TableName=names["SitesTable"], Item={
            "site_id": {"S": "demo"},
            "allowed_origins": {"L": [{"S": "http://localhost:8000"}, {"S": "http://127.0.0.1:8000"}]},
        })
        monkeypatch.syspath_prepend(str(ROOT / "lambda_src"))
        for module in [m for m in sys.modules if m == "ingest" or m.startswith("ingest.")]:
            del sys.modules[module]
        from ingest import handler as module

        module.ddb = ddb
        module.tables = names
        yield module
