"""The ingest handler with canned API Gateway payload 2.0 events."""

import json

from .conftest import FakeContext, canned


def emf_lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def test_valid_event_is_stored_and_counted(handler, capsys):
    response = handler.lambda_handler(canned("post_event"), FakeContext())

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"accepted": 1, "rejected": []}
    item = handler.ddb.get_item(TableName=handler.tables["EventsTable"],
                                Key={"event_id": {"S": "0b9d6c1e-4f59-4d67-9a44-2d5f3c1d8e11"}})["Item"]
    assert item["type"] == {"S": "page_view"}
    metrics = emf_lines(capsys)
    assert metrics[-1]["EventsProcessed"] == [1.0]
    assert metrics[-1]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "LiveInsight"


def test_malformed_json_is_a_400(handler):
    response = handler.lambda_handler(canned("post_event", body="{nope"), FakeContext())

    assert response["statusCode"] == 400
    assert json.loads(response["body"])["message"] == "body is not valid JSON"
