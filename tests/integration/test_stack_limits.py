"""DynamoDB's limits on the embedded stack: a hostile client cannot grow an item past 64 KB or
stop a site's counting, and one partition key past 1,000 write units a second is throttled."""

import concurrent.futures
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from benchmarks.dynamo import item_size
from layout import counters
from tests.ingest_support import event
from tests.stack_support import control, eventually, today

pytestmark = pytest.mark.integration
LIMIT = 64 * 1024


def post_until_accepted(stack, body):
    for _ in range(60):
        response = stack.post(body)
        if response.status_code != 429:
            return response
        time.sleep(0.5)
    return response


def largest_items(stack):
    """Each table's largest item, by DynamoDB's size rules."""
    ddb = stack.client("dynamodb")
    out = {}
    for output in ("EventsTableName", "SessionsTableName", "ActiveSessionsTableName", "StatsTableName"):
        biggest, kwargs = 0, {"TableName": stack.outputs[output]}
        while True:
            page = ddb.scan(**kwargs)
            biggest = max([biggest] + [item_size(i) for i in page["Items"]])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        out[output] = biggest
    return out


def test_thousands_of_huge_distinct_values_grow_no_item_and_stop_no_counting(stack):
    site = f"hostile-{uuid.uuid4().hex[:6]}"
    owner = stack.user(f"owner-{site}", site=site)
    now = int(time.time() * 1000)
    sent = 2000

    def one(i):
        huge = f"{i}-" + "x" * 60_000  # a new 60 KB path, UTM value or referrer every time
        url, referrer = "http://127.0.0.1:8000/", f"https://{i}.example/"
        if i % 3 == 0:
            url += huge
        elif i % 3 == 1:
            url += f"?utm_source={huge[:30_000]}&utm_campaign={huge[:30_000]}"
        else:
            referrer += huge
        body = event("page_view", now, "/", site_id=site, url=url, referrer=referrer,
                     visitor_id=f"hostile-{i:06d}", session_id=f"session-{i:06d}")
        return post_until_accepted(stack, body).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(one, range(sent)))
    assert statuses.count(200) == sent, {s: statuses.count(s) for s in set(statuses)}
    assert eventually(lambda: today(stack, site).get("pv") == sent, 180), today(stack, site)

    normal = [post_until_accepted(stack, {"events": [event("page_view", int(time.time() * 1000), "/normal",
                                                           site_id=site, visitor_id=f"normal-{i:04d}",
                                                           session_id=f"session-n{i:04d}")]}).status_code
              for i in range(20)]
    assert normal == [200] * 20
    assert eventually(lambda: today(stack, site).get("pv") == sent + 20, 60)
    pages = today(stack, site, "p")
    assert sum(v for k, v in pages.items() if k.startswith("p#")) == sent + 20
    assert len([k for k in pages if k.startswith("p#")]) <= counters.DAY_DIMS["p"].limit + 1
    sizes = largest_items(stack)
    assert max(sizes.values()) < LIMIT, sizes

    # the active sessions' answer stays small (its speed is bench_dashboard's to measure)
    answer = stack.query("sessions/active", owner["token"], site=site, limit=100)
    assert answer.status_code == 200 and len(answer.json()["sessions"]) == 100
    assert len(answer.content) < 256 * 1024, len(answer.content)
    print(f"largest items {sizes}; /api/sessions/active?limit=100 answers {len(answer.content):,} bytes")


def test_a_partition_key_past_1000_write_units_a_second_is_throttled_and_reported(stack):
    ddb = boto3.client("dynamodb", endpoint_url=stack.settings.endpoint_url, region_name=stack.settings.region,
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(retries={"max_attempts": 1}))  # see the throttling, not the SDK's retries
    table = stack.outputs["ActiveSessionsTableName"]
    hot = f"hot#{uuid.uuid4().hex[:8]}"
    blob = "x" * 40_000  # forty write units an item: a call of 25 is a partition's second

    def batch(n):
        return {table: [{"PutRequest": {"Item": {"pk": {"S": hot}, "sk": {"S": f"{n}-{i}"},
                                                 "s": {"S": blob}}}} for i in range(25)]}

    throttled = None
    started = time.monotonic()
    for n in range(40):  # the second call within a second is past the partition's 1,000
        try:
            ddb.batch_write_item(RequestItems=batch(n))
        except ClientError as error:
            throttled = error.response["Error"]["Code"]
            break
    assert throttled == "ThrottlingException" and time.monotonic() - started < 5
    ddb.put_item(TableName=table, Item={"pk": {"S": "cold#" + hot}, "sk": {"S": "1"}})  # other keys go on

    report = control(stack, "partitions")
    mine = [k for k in report["hot"] if k["key"] == hot]
    assert mine and mine[0]["write_units_per_s"] >= 1000 and mine[0]["largest_item_bytes"] > 40_000
