"""Protocol v1: the request body's shape and each event's fields, from protocol/v1/*.schema.json."""

from __future__ import annotations

import json
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


def _compile(name: str) -> Any:
    return fastjsonschema.compile(json.loads((_schema_dir() / name).read_text()))


_request = _compile("request.schema.json")
_event = _compile("event.schema.json")


def parse(body: str | bytes, max_bytes: int) -> list[Any]:
    """The events of a request body, or InvalidBody / BodyTooLarge."""
    size = len(body.encode() if isinstance(body, str) else body)
    if size > max_bytes:
        raise BodyTooLarge(f"body is {size} bytes; the limit is {max_bytes}")
    try:
        data = json.loads(body, parse_constant=_NotANumber)
    except ValueError:
        raise InvalidBody("body is not valid JSON") from None
    except RecursionError:
        raise InvalidBody("body is nested too deeply") from None
    try:
        _request(data)
    except fastjsonschema.JsonSchemaException:
        raise InvalidBody("body must be one event object or {\"events\": [...]} with 1 to 50 objects") from None
    return data["events"] if "events" in data else [data]


class _NotANumber(str):
    """NaN, Infinity and -Infinity as JSON may carry them: not a number, so the schema
    refuses the event that holds one, and nothing stores or counts it."""


def check(events: list[Any]) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """Split events into (index, event) pairs that are valid and the reasons of those that are not."""
    valid, rejected = [], []
    for index, event in enumerate(events):
        try:
            _event(event)
        except fastjsonschema.JsonSchemaException as error:
            rejected.append({"index": index, "reason": _reason(error)})
        else:
            valid.append((index, event))
    return valid, rejected


def _reason(error: fastjsonschema.JsonSchemaException) -> str:
    message = str(error)
    return message.replace("data.", "", 1).replace("data ", "event ", 1)
