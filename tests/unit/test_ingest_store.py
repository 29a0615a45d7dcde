"""The DynamoDB store's requests, checked on a recording client."""

from ingest.config import Config
from ingest.process import Plan
from ingest.store import DynamoStore

CONFIG = Config(events_table="e", sessions_table="s", active_table="a", stats_table="st", sites_table="si")


class Recorder:
    def __init__(self):
        self.transactions = []

    def transact_write_items(self, TransactItems):  # noqa: N803 (boto3's name)
        self.transactions.append(TransactItems)
        return {}


def stats_plan():
    plan = Plan()
    update = plan.updates[("stats", "demo#m#1", None)]
    update.adds["pv"] += 1
    update.sets["expires_at"] = 123
    return plan


def test_a_counter_item_gets_its_ttl_once_per_instance():
    client = Recorder()
    store = DynamoStore(client, CONFIG)

    store.commit(stats_plan())
    store.commit(stats_plan())

    first, second = (t[0]["Update"] for t in client.transactions)
    assert "expires_at" in first["ExpressionAttributeNames"].values()
    assert first["UpdateExpression"].startswith("SET ")
    assert "expires_at" not in second["ExpressionAttributeNames"].values()
    assert second["UpdateExpression"] == "ADD #n0 :v0" and second["Key"] == {"pk": {"S": "demo#m#1"}}


def test_a_session_put_is_conditional_on_its_version():
    client = Recorder()
    plan = Plan()
    plan.puts.append({"site_id": "demo", "session_key": "v#s", "visitor_id": "v", "last": 1, "version": 3,
                      "expected": 2, "expires_at": 9, "state": {"sessions": []}})

    DynamoStore(client, CONFIG).commit(plan)

    put = client.transactions[0][0]["Put"]
    assert put["ConditionExpression"] == "version = :v"
    assert put["ExpressionAttributeValues"] == {":v": {"N": "2"}}
    assert put["Item"]["version"] == {"N": "3"}
