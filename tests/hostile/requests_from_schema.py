"""Hypothesis strategies for hostile ingest requests: events built from the protocol's JSON
Schema, then mutated, in bodies, content types and headers a hostile client might send.

The schema is turned into strategies here rather than by hypothesis-jsonschema, whose last
release (2024) fails on the Hypothesis this project pins; the protocol uses only a small part
of JSON Schema (types, patterns, lengths, ranges, enums, and if/then for required fields).
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import strategies as st

from embedded.settings import ROOT

SCHEMA = json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text())
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid under one node of the event schema."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of(*(from_schema({**schema, "type": k}) for k in kind))
    if kind == "string":
        if schema.get("pattern") == "^https?://":  # a page's address, sometimes with campaign tags
            return st.from_regex(r"https://shop\.example/[a-z0-9/]{0,40}(\?utm_source=[a-z]{1,8})?", fullmatch=True)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 300), 300))
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**53)), schema.get("maximum", 2**53))
    if kind == "number":
        low, high = schema.get("minimum", -1e15), schema.get("maximum", 1e15)
        return st.one_of(st.integers(math.ceil(low), math.floor(high)), st.floats(low, high, allow_nan=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "object":
        return _object(schema)
    raise ValueError(f"the generator does not know {schema}")


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    if not properties:  # props: free names, bounded values
        names = st.text(min_size=1, max_size=schema.get("propertyNames", {}).get("maxLength", 64))
        return st.dictionaries(names, from_schema(schema["additionalProperties"]),
                               max_size=schema.get("maxProperties", 20))
    required = schema.get("required", [])
    optional = [name for name in properties if name not in required]
    return st.fixed_dictionaries(
        {name: from_schema(properties[name]) for name in required},
        optional={name: from_schema(properties[name]) for name in optional},
    )


def _conditionally_required(event: dict[str, Any], draw: Any) -> dict[str, Any]:
    """The schema's if/then rules: a click needs a target, a conversion a goal, and so on."""
    for rule in SCHEMA.get("allOf", []):
        wanted = rule["if"]["properties"]["type"]["const"]
        if event.get("type") == wanted:
            for name in rule["then"]["required"]:
                event.setdefault(name, draw(from_schema(SCHEMA["properties"][name])))
    return event


@st.composite
def valid_events(draw: Any, site_id: str, now_ms: int) -> dict[str, Any]:
    event = draw(from_schema(SCHEMA))
    event["site_id"] = site_id
    event["ts"] = now_ms + draw(st.integers(-600_000, 600_000))  # some beyond the clock skew allowed
    return _conditionally_required(event, draw)


NOT_A_NUMBER = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]
HOSTILE_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False),
    st.text(max_size=50), st.text(min_size=3000, max_size=3000, alphabet="x<>\"'\\\u202e\U0001f600"),
    st.lists(st.integers(), max_size=5), st.dictionaries(st.text(max_size=8), st.integers(), max_size=5),
    st.just({"$gt": ""}), st.just("<script>alert(1)</script>"),
)
FIELDS = sorted(SCHEMA["properties"])


@st.composite
def mutated_events(draw: Any, site_id: str, now_ms: int, other_sites: list[str]) -> Any:
    """A valid event, then none, one or several mutations a hostile or broken client makes."""
    event = draw(valid_events(site_id, now_ms))
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["drop", "replace", "extra", "props", "site", "target"]))
        if how == "drop":
            event.pop(draw(st.sampled_from(sorted(event))), None)
        elif how == "replace":
            event[draw(st.sampled_from(FIELDS))] = draw(HOSTILE_VALUES)
        elif how == "extra":
            event[draw(st.text(min_size=1, max_size=40))] = draw(HOSTILE_VALUES)
        elif how == "props":  # many names of the client's choosing, to grow a metric or an item
            event["props"] = draw(st.dictionaries(st.text(min_size=1, max_size=80), HOSTILE_VALUES,
                                                  min_size=1, max_size=60))
        elif how == "site":
            event["site_id"] = draw(st.sampled_from(other_sites))
        else:
            event["target"] = draw(HOSTILE_VALUES)
    return event


def _with_not_a_number(body: str, token: str) -> str:
    """A number field spelled as JSON's non-standard NaN or Infinity, or as 1e999."""
    for field in ("value", "engaged_ms", "ts"):
        marker = f'"{field}": '
        if marker in body:
            start = body.index(marker) + len(marker)
            end = start + len(body[start:].split(",")[0].split("}")[0])
            return body[:start] + token + body[end:]
    return body.replace("{", '{"value": ' + token + ", ", 1)


@st.composite
def bodies(draw: Any, site_id: str, now_ms: int, other_sites: list[str]) -> str | bytes:
    """A request body: usually events, sometimes broken on purpose at the level of the body."""
    events = draw(st.lists(mutated_events(site_id, now_ms, other_sites), min_size=1, max_size=8))
    body = json.dumps({"events": events} if draw(st.booleans()) or len(events) > 1 else events[0])
    how = draw(st.sampled_from(["plain"] * 6 + ["nan", "truncate", "nest", "bytes", "many", "bom", "second_site_key"]))
    if how == "nan":
        return _with_not_a_number(body, draw(st.sampled_from(NOT_A_NUMBER)))
    if how == "truncate":
        return body[: draw(st.integers(0, max(0, len(body) - 1)))]
    if how == "nest":
        depth = draw(st.sampled_from([100, 1000, 65_000]))
        return "[" * depth + "]" * draw(st.sampled_from([0, depth]))
    if how == "bytes":
        return draw(st.binary(max_size=300))
    if how == "many":
        return json.dumps({"events": [events[0]] * draw(st.sampled_from([51, 500]))})
    if how == "bom":
        return "\ufeff" + body
    if how == "second_site_key":
        return body.replace("{", '{"site_id": "' + draw(st.sampled_from(other_sites)) + '", ', 1)
    return body


CONTENT_TYPES = st.sampled_from([
    None, "text/plain", "text/plain;charset=UTF-8", "application/json", "application/json; charset=utf-16",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "*/*",
    "text/html\r\nX-Injected: 1".replace("\r\n", " "),
])


@st.composite
def headers(draw: Any, allowed_origin: str) -> dict[str, str]:
    out = {}
    content_type = draw(CONTENT_TYPES)
    if content_type:
        out["content-type"] = content_type
    origin = draw(st.sampled_from([None, allowed_origin, "https://evil.example", "null", "http://localhost"]))
    if origin:
        out["origin"] = origin
    out["user-agent"] = draw(st.sampled_from([BROWSER, "", "curl/8.0", "Googlebot/2.1", "x" * 8000]))
    if draw(st.booleans()):
        out["x-forwarded-for"] = draw(st.sampled_from(["203.0.113.9", "1.1.1.1, 2.2.2.2", "not an address"]))
    if draw(st.integers(0, 9)) == 0:
        out["content-encoding"] = "gzip"  # a lie: the body is not compressed
    return out
