"""The DynamoDB model the capacity benchmark bills with (benchmarks/dynamo.py): DynamoDB's
item sizes and units, per table and per partition key and second, and its streams."""

import pytest
from botocore.exceptions import ClientError

from benchmarks.dynamo import Dynamo, item_size


def model():
    ddb = Dynamo()
    ddb.create("t", "pk", "sk", stream="NEW_IMAGE")
    return ddb


def test_item_sizes_follow_dynamodbs_rules():
    assert item_size({"pk": {"S": "abc"}}) == 2 + 3
    assert item_size({"n": {"N": "12345"}}) == 1 + 4  # 5 digits: 3 bytes, plus 1
    assert item_size({"b": {"BOOL": True}, "l": {"L": [{"S": "ab"}]}}) == (1 + 1) + (1 + 3 + 2 + 1)


def test_writes_bill_the_items_whole_size_and_transactions_twice():
    ddb = model()
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "d": {"S": "x" * 2500}})
    ddb.update_item(TableName="t", Key={"pk": {"S": "a"}, "sk": {"S": "1"}}, UpdateExpression="ADD #c :n",
                    ExpressionAttributeNames={"#c": "c"}, ExpressionAttributeValues={":n": {"N": "1"}})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "sk": {"S": "1"}}}}])

    assert ddb.write_units["t"] == 3 + 3 + 2  # 2.5 KB twice, then a small item in a transaction


def test_reads_bill_four_kb_units_half_when_eventually_consistent():
    ddb = model()
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "d": {"S": "x" * 9000}})
    ddb.reset_usage()
    ddb.get_item(TableName="t", Key={"pk": {"S": "a"}, "sk": {"S": "1"}}, ConsistentRead=True)
    ddb.batch_get_item(RequestItems={"t": {"Keys": [{"pk": {"S": "a"}, "sk": {"S": "1"}}]}})

    assert ddb.read_units["t"] == 3 + 1.5


def test_the_busiest_key_second_is_kept():
    ddb = model()
    for second, count in ((0, 3), (1, 5), (2, 1)):
        ddb.now = second
        for i in range(count):
            ddb.put_item(TableName="t", Item={"pk": {"S": "hot"}, "sk": {"S": f"{second}-{i}"}})

    assert ddb.peaks()["write"] == (5, "t hot")


def test_a_failed_condition_cancels_the_whole_transaction_and_streams_record_changes_only():
    ddb = model()
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}})
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}})  # the same item: no record
    with pytest.raises(ClientError) as cancelled:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": "t", "Key": {"pk": {"S": "b"}, "sk": {"S": "1"}}, "UpdateExpression": "ADD #c :n",
                        "ExpressionAttributeNames": {"#c": "c"}, "ExpressionAttributeValues": {":n": {"N": "1"}}}},
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}])

    assert [r["Code"] for r in cancelled.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert ddb.tables["t"].get({"pk": {"S": "b"}, "sk": {"S": "1"}}) is None
    assert [r["eventName"] for r in ddb.records["t#0"]] == ["INSERT"]
