"""Every example in protocol/v1/examples is valid, and the schema refuses what it should."""

import json

import pytest
from ingest import protocol

from embedded.settings import ROOT
from tests.ingest_support import event

EXAMPLES = sorted((ROOT / "protocol" / "v1" / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(path):
    events = protocol.parse(path.read_text(), 65536)
    valid, rejected = protocol.check(events)
    assert rejected == [] and len(valid) == len(events)


def test_there_is_an_example_for_every_event_type_and_a_batch():
    schema = json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text())
    names = {p.stem for p in EXAMPLES}
    assert set(schema["properties"]["type"]["enum"]) | {"batch"} <= names


@pytest.mark.parametrize("change, field", [
    ({"event_id": "not-a-uuid"}, "event_id"),
    ({"type": "purchase"}, "type"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"ts": "yesterday"}, "ts"),
    ({"screen": "big"}, "screen"),
    ({"type": "conversion", "goal": ""}, "goal"),
    ({"type": "click", "target": {"tag": "a", "onclick": "x"}}, "target"),
])
def test_invalid_fields_are_named_in_the_reason(change, field):
    _, rejected = protocol.check([{**event(), **change}])
    assert field in rejected[0]["reason"]
