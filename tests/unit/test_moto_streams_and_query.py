"""moto as the emulator patches it (embedded/moto_patches.py): a Query reads one partition and
answers as moto does; a stream keeps its newest records only, numbers them on, and hands
nothing to Lambda itself; a deleted item leaves memory."""

import gc
import time
import urllib.request
import uuid

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.server import ThreadedMotoServer

from embedded import moto_patches
from embedded.ports import free_port


@pytest.fixture
def ddb(monkeypatch):
    port = free_port()
    for name, value in (("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_ACCESS_KEY_ID", "testing"),
                        ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")):
        monkeypatch.setenv(name, value)
    moto_patches.apply()
    server = ThreadedMotoServer(port=port, verbose=False)
    server.start()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"))
    try:
        client = boto3.client("dynamodb")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}],
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        yield client
    finally:
        server.stop()


def put(ddb, pk, sk):
    ddb.put_item(TableName="t", Item={"pk": {"S": pk}, "sk": {"S": sk}, "v": {"N": "1"}})


def stream_of(ddb):
    streams = boto3.client("dynamodbstreams")
    arn = ddb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    return streams, arn, streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def test_a_query_answers_its_partition_only_in_order_and_by_pages(ddb):
    for p in range(20):
        for s in range(5):
            put(ddb, f"p{p}", f"s{s}")

    first = ddb.query(TableName="t", KeyConditionExpression="pk = :p AND sk > :s", Limit=2, ScanIndexForward=False,
                      ExpressionAttributeValues={":p": {"S": "p7"}, ":s": {"S": "s0"}})
    rest = ddb.query(TableName="t", KeyConditionExpression="pk = :p AND sk > :s", ScanIndexForward=False,
                     ExclusiveStartKey=first["LastEvaluatedKey"],
                     ExpressionAttributeValues={":p": {"S": "p7"}, ":s": {"S": "s0"}})
    missing = ddb.query(TableName="t", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "nowhere"}})

    assert [i["sk"]["S"] for i in first["Items"] + rest["Items"]] == ["s4", "s3", "s2", "s1"]
    assert all(i["pk"]["S"] == "p7" for i in first["Items"] + rest["Items"])
    assert missing["Items"] == [] and missing["Count"] == 0


def test_a_stream_keeps_its_newest_records_and_numbers_on(ddb, monkeypatch):
    monkeypatch.setattr(moto_patches, "STREAM_KEEP", 5)
    streams, arn, shard = stream_of(ddb)
    for s in range(12):
        put(ddb, "p", f"s{s:02d}")

    oldest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=oldest["ShardIterator"])["Records"]

    assert [r["dynamodb"]["NewImage"]["sk"]["S"] for r in records] == [f"s{s:02d}" for s in range(7, 12)]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    after = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                       SequenceNumber=str(numbers[2]))
    assert [r["dynamodb"]["SequenceNumber"] for r in streams.get_records(
        ShardIterator=after["ShardIterator"])["Records"]] == [str(n) for n in numbers[3:]]


def test_a_stream_lets_go_of_every_record_past_its_window(ddb, monkeypatch):
    monkeypatch.setattr(moto_patches, "STREAM_KEEP_S", 0.5)
    streams, arn, shard = stream_of(ddb)
    for s in range(6):
        put(ddb, "p", f"old{s}")
    time.sleep(0.6)
    put(ddb, "p", "new")

    oldest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=oldest["ShardIterator"])["Records"]

    assert [r["dynamodb"]["NewImage"]["sk"]["S"] for r in records] == ["new"]  # not one dropped per write


def test_iterators_are_forgotten_past_a_bound(ddb, monkeypatch):
    monkeypatch.setattr(moto_patches, "ITERATORS_KEPT", 3)
    streams, arn, shard = stream_of(ddb)
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    for _ in range(10):
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]

    from moto.dynamodbstreams.models import dynamodbstreams_backends
    assert 0 < len(dynamodbstreams_backends["123456789012"]["us-east-1"].shard_iterators) <= 3


@pytest.mark.parametrize("expression, names, values", [
    ("SET #e = :e ADD #a :one, #b :two", {"#e": "e", "#a": "a", "#b": "b"},
     {":e": {"N": "9"}, ":one": {"N": "1"}, ":two": {"N": "2.5"}}),
    ("ADD #a :one REMOVE #x", {"#a": "a", "#x": "x"}, {":one": {"N": "1"}}),
    ("SET #s = :s", {"#s": "s"}, {":s": {"L": [{"S": "x"}]}}),
])
def test_a_plain_update_gives_what_moto_gives(ddb, expression, names, values):
    from moto.dynamodb.models import DynamoDBBackend

    import embedded.moto_patches as patches

    def run(table):
        ddb.put_item(TableName="t", Item={"pk": {"S": table}, "sk": {"S": "1"}, "a": {"N": "2"}, "x": {"S": "gone"}})
        for _ in range(2):
            ddb.update_item(TableName="t", Key={"pk": {"S": table}, "sk": {"S": "1"}}, UpdateExpression=expression,
                            ExpressionAttributeNames=names, ExpressionAttributeValues=values)
            ddb.update_item(TableName="t", Key={"pk": {"S": table + "-new"}, "sk": {"S": "1"}},
                            UpdateExpression=expression, ExpressionAttributeNames=names,
                            ExpressionAttributeValues=values)
        return [ddb.get_item(TableName="t", Key={"pk": {"S": k}, "sk": {"S": "1"}})["Item"]
                for k in (table, table + "-new")]

    fast = run("fast")
    DynamoDBBackend.update_item = patches._original_update
    try:
        slow = run("slow")
    finally:
        DynamoDBBackend.update_item = patches._update_item
    strip = [{k: v for k, v in i.items() if k != "pk"} for i in fast], [{k: v for k, v in i.items() if k != "pk"}
                                                                          for i in slow]
    assert strip[0] == strip[1]


def test_an_update_moto_refuses_is_refused_as_moto_refuses_it(ddb):
    from botocore.exceptions import ClientError

    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "s": {"S": "text"}})
    for expression, names in (("ADD #s :one", {"#s": "s"}), ("SET #a = :one, #a = :one", {"#a": "a"}),
                              ("ADD #k :one", {"#k": "pk"})):
        with pytest.raises(ClientError) as refused:
            ddb.update_item(TableName="t", Key={"pk": {"S": "a"}, "sk": {"S": "1"}}, UpdateExpression=expression,
                            ExpressionAttributeNames=names, ExpressionAttributeValues={":one": {"N": "1"}})
        assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_deleted_items_and_trimmed_records_leave_memory(ddb, monkeypatch):
    monkeypatch.setattr(moto_patches, "STREAM_KEEP", 10)
    partition = uuid.uuid4().hex
    for n in range(500):
        put(ddb, partition, f"s{n}")
        ddb.delete_item(TableName="t", Key={"pk": {"S": partition}, "sk": {"S": f"s{n}"}})
    put(ddb, partition, "kept")
    gc.collect()

    live = [o for o in gc.get_objects() if isinstance(o, Item) and o.hash_key.value == partition]
    assert len(live) == 1  # the table's one item; moto alone would hold all 501 it ever made
    assert Item.instances_tracked == []  # type: ignore[attr-defined]


def test_a_partition_key_leaves_memory_with_its_last_item(ddb):
    table = dynamodb_backends["123456789012"]["us-east-1"].get_table("t")
    for n in range(200):
        put(ddb, f"gone{n}", "a")
        ddb.delete_item(TableName="t", Key={"pk": {"S": f"gone{n}"}, "sk": {"S": "a"}})
        ddb.get_item(TableName="t", Key={"pk": {"S": f"missed{n}"}, "sk": {"S": "a"}})
        ddb.delete_item(TableName="t", Key={"pk": {"S": f"missed{n}"}, "sk": {"S": "a"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "rolled back"}, "sk": {"S": "a"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "absent"}, "sk": {"S": "a"}},
                                "ConditionExpression": "attribute_exists(pk)"}}])
    put(ddb, "kept", "a")
    put(ddb, "kept", "b")
    ddb.delete_item(TableName="t", Key={"pk": {"S": "kept"}, "sk": {"S": "a"}})

    assert [k.value for k in table.items] == ["kept"]  # moto alone keeps an empty partition for all 403 keys
    assert list(table.items[next(iter(table.items))]) == [DynamoType({"S": "b"})]
