"""The original design's ingest: three DynamoDB writes per event."""

import json
import os
import time

import boto3

ddb = boto3.client("dynamodb")
EVENTS, SESSIONS, ACTIVE = os.environ["EVENTS_TABLE"], os.environ["SESSIONS_TABLE"], os.environ["ACTIVE_SESSIONS_TABLE"]


def handler(event, context):
    body = json.loads(event["body"])
    events = body["events"] if "events" in body else [body]
    now = int(time.time())
    for e in events:
        ddb.put_item(TableName=EVENTS, Item={
            "event_id": {"S": e["event_id"]}, "type": {"S": e["type"]}, "site_id": {"S": e["site_id"]},
            "session_id": {"S": e["session_id"]}, "url": {"S": e["url"]}, "ts": {"N": str(e["ts"])},
        })
        ddb.update_item(
            TableName=SESSIONS, Key={"session_id": {"S": e["session_id"]}},
            UpdateExpression="ADD events :one SET last_seen = :now, site_id = :site",
            ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"N": str(now)}, ":site": {"S": e["site_id"]}},
        )
        ddb.update_item(
            TableName=ACTIVE, Key={"site_id": {"S": e["site_id"]}, "session_id": {"S": e["session_id"]}},
            UpdateExpression="SET last_seen = :now, expires_at = :exp",
            ExpressionAttributeValues={":now": {"N": str(now)}, ":exp": {"N": str(now + 300)}},
        )
    return {"statusCode": 200, "body": json.dumps({"accepted": len(events)})}
