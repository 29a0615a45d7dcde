"""DynamoDB operations whose results must not depend on embedded/moto_patches.py: run in a
fresh interpreter with moto in-process (mock_aws), patched or not, printing the results as
JSON for tests/unit/test_moto_differential.py to compare. (Streams, which mock_aws does not
serve, are compared in tests/unit/test_moto_streams_and_query.py.)

    python tests/moto/scenario.py patched|plain
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws

TABLE = "Differential"
LIMIT = 400 * 1024  # DynamoDB's item size, attribute names and values together


def key(pk: str, sk: str = "0") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def attempt(call: Any, **kwargs: Any) -> dict[str, Any]:
    """The answer without its metadata, or the error's code, message and reasons."""
    try:
        answer = call(**kwargs)
    except ClientError as error:
        found = {"error": error.response["Error"]["Code"], "message": error.response["Error"].get("Message", "")}
        if "CancellationReasons" in error.response:
            found["reasons"] = error.response["CancellationReasons"]
        if "Item" in error.response:
            found["item"] = error.response["Item"]
        return found
    answer.pop("ResponseMetadata", None)
    return answer


def run() -> dict[str, Any]:
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    out: dict[str, Any] = {}
    get = ddb.get_item

    out["put"] = attempt(ddb.put_item, TableName=TABLE, ReturnConsumedCapacity="TOTAL", Item={
        **key("a"), "n": {"N": "1"}, "s": {"SS": ["x", "y"]}, "d": {"NS": ["1", "2"]}, "l": {"L": [{"S": "first"}]},
        "m": {"M": {"inner": {"N": "2"}}}, "gone": {"S": "soon"}})
    out["update every clause"] = attempt(
        ddb.update_item, TableName=TABLE, Key=key("a"), ReturnValues="ALL_NEW", ReturnConsumedCapacity="TOTAL",
        UpdateExpression="SET #t = :t, c = if_not_exists(c, :zero) + :one, l = list_append(l, :more), m.#in = :i "
                         "REMOVE gone ADD n :five, s :added DELETE d :dropped",
        ExpressionAttributeNames={"#t": "title", "#in": "inner"},
        ExpressionAttributeValues={":t": {"S": "hello"}, ":zero": {"N": "0"}, ":one": {"N": "1"},
                                   ":more": {"L": [{"S": "second"}]}, ":i": {"N": "3"}, ":five": {"N": "5"},
                                   ":added": {"SS": ["z"]}, ":dropped": {"NS": ["1"]}})
    out["update old values"] = attempt(ddb.update_item, TableName=TABLE, Key=key("a"), ReturnValues="UPDATED_OLD",
                                       UpdateExpression="SET n = n + :one",
                                       ExpressionAttributeValues={":one": {"N": "1"}})
    for name, values in (("plain clauses", {":t": {"S": "again"}, ":one": {"N": "1"}}),
                         ("plain clauses, ADD to a string", {":t": {"S": "x"}, ":one": {"S": "1"}})):
        out[f"update of {name}"] = attempt(  # the patched fast path
            ddb.update_item, TableName=TABLE, Key=key(name), ReturnValues="ALL_NEW",
            UpdateExpression="SET title = :t ADD n :one REMOVE nothing", ExpressionAttributeValues=values)
        out[f"update of {name}, again"] = attempt(
            ddb.update_item, TableName=TABLE, Key=key(name), ReturnValues="ALL_OLD",
            UpdateExpression="SET title = :t ADD n :one", ExpressionAttributeValues=values)
    out["update refused by its condition"] = attempt(
        ddb.update_item, TableName=TABLE, Key=key("a"), UpdateExpression="SET n = :n",
        ConditionExpression="attribute_not_exists(n)", ExpressionAttributeValues={":n": {"N": "0"}},
        ReturnValuesOnConditionCheckFailure="ALL_OLD")
    out["put refused by its condition"] = attempt(ddb.put_item, TableName=TABLE, Item=key("a"),
                                                  ConditionExpression="attribute_not_exists(pk)")
    out["update of a missing item, conditional"] = attempt(
        ddb.update_item, TableName=TABLE, Key=key("missing"), UpdateExpression="SET n = :n",
        ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":n": {"N": "1"}})

    ddb.put_item(TableName=TABLE, Item={**key("b"), "n": {"N": "10"}})
    ddb.put_item(TableName=TABLE, Item={**key("d"), "n": {"N": "10"}})
    before = [get(TableName=TABLE, Key=key(k), ConsistentRead=True).get("Item") for k in ("a", "b", "c")]
    out["cancelled transaction"] = attempt(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {**key("c"), "n": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key("a"), "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "99"}}}},
        {"Delete": {"TableName": TABLE, "Key": key("b")}},
        {"ConditionCheck": {"TableName": TABLE, "Key": key("d"), "ConditionExpression": "n = :wrong",
                            "ExpressionAttributeValues": {":wrong": {"N": "11"}},
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    after = [get(TableName=TABLE, Key=key(k), ConsistentRead=True).get("Item") for k in ("a", "b", "c")]
    out["a cancelled transaction restores every item"] = before == after
    out["committed transaction"] = attempt(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {**key("c"), "n": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key("b"), "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}])

    out["batch read"] = attempt(ddb.batch_get_item, RequestItems={TABLE: {
        "Keys": [key("a"), key("b"), key("nothing")], "ConsistentRead": True}})
    out["batch read"]["Responses"][TABLE].sort(key=lambda item: item["pk"]["S"])

    # moto refuses items from about 405,000 bytes; DynamoDB from 409,601: both sides of that band
    for name, whole in (("at the limit", 400_000), ("one byte past it", LIMIT + 1)):
        size = whole - len("pk") - len("big") - len("sk") - len("0") - len("big")
        out[f"an item {name}"] = attempt(ddb.put_item, TableName=TABLE, ReturnConsumedCapacity="TOTAL",
                                         Item={**key("big"), "big": {"S": "x" * size}}) | {"size": size}
    out["an update growing an item past the limit"] = attempt(
        ddb.update_item, TableName=TABLE, Key=key("big"), UpdateExpression="SET more = :m",
        ExpressionAttributeValues={":m": {"S": "y" * 9_700}})  # past both limits

    out["query"] = attempt(ddb.query, TableName=TABLE, KeyConditionExpression="pk = :a",
                           FilterExpression="n > :zero", ReturnConsumedCapacity="TOTAL",
                           ExpressionAttributeValues={":a": {"S": "a"}, ":zero": {"N": "0"}})

    return out


if __name__ == "__main__":
    if sys.argv[1] == "patched":
        from embedded import moto_patches

        moto_patches.apply()
    with mock_aws():
        print(json.dumps(run(), sort_keys=True, default=str))
