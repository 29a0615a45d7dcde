"""Property: any body and any headers give 2xx, 4xx or 503, and nothing invalid is stored."""

import json

import fastjsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedded.settings import ROOT
from layout import events as event_items
from tests.ingest_support import event

from .conftest import FakeContext, canned

SCHEMA = fastjsonschema.compile(json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text()))
CLIENT_FIELDS = set(json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text())["properties"])

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
MUTATED_EVENT = st.builds(
    lambda base, drop, extra: {**{k: v for k, v in base.items() if k not in drop}, **extra},
    st.builds(lambda kind: event(kind), st.sampled_from(["page_view", "click", "conversion", "heartbeat"])),
    st.sets(st.sampled_from(["event_id", "visitor_id", "ts", "url", "type"]), max_size=2),
    st.dictionaries(st.sampled_from(["ts", "url", "goal", "value", "screen", "target", "ip"]), JSONISH, max_size=2),
)
BODIES = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    JSONISH.map(json.dumps),
    MUTATED_EVENT.map(json.dumps),
    st.lists(MUTATED_EVENT, min_size=1, max_size=5).map(lambda es: json.dumps({"events": es})),
)
HEADERS = st.dictionaries(
    st.sampled_from(["origin", "content-type", "user-agent", "x-forwarded-for", "cookie"]),
    st.text(max_size=40), max_size=4,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, headers=HEADERS, base64_flag=st.booleans())
def test_any_request_is_answered_without_5xx_and_stores_only_valid_events(handler, body, headers, base64_flag):
    request = canned("post_event", body=body, isBase64Encoded=base64_flag)
    request["headers"] = headers
    request["requestContext"]["http"]["userAgent"] = headers.get("user-agent", "")

    response = handler.lambda_handler(request, FakeContext())

    assert 200 <= response["statusCode"] < 500 or response["statusCode"] == 503
    for item in handler.ddb.scan(TableName=handler.tables["EventsTable"])["Items"]:
        stored = event_items.from_item(item)
        SCHEMA({k: v for k, v in stored.items() if k in CLIENT_FIELDS})
