"""Protocol v1: the request body's shape and each event's fields, from protocol/v1/*.schema.json."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import fastjsonschema

from .errors import BodyTooLarge, InvalidBody


def _schema_dir() -> Path:
    here = Path(__file__).resolve().parent
    for base in (here.parent, here.parent.parent):  # the zip's root, or the repository's
        if (base / "protocol" / "v1").is_dir():
            return base / "protocol" / "v1"
    raise FileNotFoundError("protocol/v1 schemas are missing from the package")


def _load(name: str) -> Any:
    return json.loads((_schema_dir() / name).read_text())


EVENT_SCHEMA = _load("event.schema.json")
_request = fastjsonschema.compile(_load("request.schema.json"))
_event = fastjsonschema.compile(EVENT_SCHEMA)


def parse(body: str | bytes, max_bytes: int) -> list[Any]:
    """The events of a request body, or InvalidBody / BodyTooLarge."""
    size = len(body.encode() if isinstance(body, str) else body)
    if size > max_bytes:
        raise BodyTooLarge(f"body is {size} bytes; the limit is {max_bytes}")
    try:
        data = json.loads(body, parse_constant=_NotANumber, parse_float=_finite)
    except ValueError:
        raise InvalidBody("body is not valid JSON") from None
    except RecursionError:
        raise InvalidBody("body is nested too deeply") from None
    try:
        _request(data)
    except fastjsonschema.JsonSchemaException:
        raise InvalidBody("body must be one event object or {\"events\": [...]} with 1 to 50 objects") from None
    return data["events"] if "events" in data else [data]


class _NotANumber:
    """NaN, Infinity and -Infinity as JSON may carry them (and 1e999, which is infinite as a
    float): neither a number nor a string, so the schema refuses the event that holds one in
    any field it knows, and nothing stores or counts it."""

    def __init__(self, text: str) -> None:
        self.text = text


def _finite(text: str) -> float | _NotANumber:
    value = float(text)
    return value if math.isfinite(value) else _NotANumber(text)


def check(events: list[Any]) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """Split events into (index, event) pairs that are valid and the reasons of those that are not."""
    valid, rejected = [], []
    for index, event in enumerate(events):
        try:
            _event(event)
        except fastjsonschema.JsonSchemaValueException as error:
            rejected.append({"index": index, "reason": _reason(error)})
        else:
            valid.append((index, event))
    return valid, rejected


def _reason(error: fastjsonschema.JsonSchemaValueException) -> str:
    """Why an event was refused, from a fixed set: the field's place in the schema and the
    rule it broke, never a name the client chose ("props.*: maxLength", not "props.myKey")."""
    node, place = EVENT_SCHEMA, []
    for part in error.path[1:]:
        if isinstance(part, str) and part in node.get("properties", {}):
            node, name = node["properties"][part], part
        elif isinstance(node.get("additionalProperties"), dict):
            node, name = node["additionalProperties"], "*"
        else:
            break
        place.append(name)
    reason = f"{'.'.join(place) or 'event'}: {error.rule}"
    if error.rule == "required" and isinstance(error.rule_definition, list) and isinstance(error.value, dict):
        reason += f" ({', '.join(str(r) for r in error.rule_definition if r not in error.value)})"
    return reason
