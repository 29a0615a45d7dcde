"""Plain Python values as DynamoDB attribute values (the low-level client's JSON), and back."""

from __future__ import annotations

from typing import Any


def to_av(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": str(int(value)) if value.is_integer() else repr(value)}
    if isinstance(value, dict):
        return {"M": {k: to_av(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [to_av(v) for v in value]}
    return {"NULL": True}


def number(value: dict[str, Any]) -> float:
    """An N attribute as a number (int when whole)."""
    text = value["N"]
    return int(text) if text.lstrip("-").isdigit() else float(text)


def numbers(item: dict[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, float]:
    """Every N attribute of an item, but those in `skip`."""
    return {k: number(v) for k, v in item.items() if "N" in v and k not in skip}
