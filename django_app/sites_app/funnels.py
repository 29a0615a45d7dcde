"""Funnel definitions: checked here, counted by the ingest (lambda_src/ingest/funnels.py)."""

import re
from typing import Any

NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_FUNNELS, MAX_STEPS = 5, 8


class Invalid(ValueError):
    pass


def check(funnels: Any) -> list[dict[str, Any]]:
    """The funnels in their stored form, or Invalid naming what is wrong."""
    if not isinstance(funnels, list) or len(funnels) > MAX_FUNNELS:
        raise Invalid(f"a list of at most {MAX_FUNNELS} funnels")
    out, names = [], set()
    for funnel in funnels:
        name = funnel.get("name") if isinstance(funnel, dict) else None
        if not isinstance(name, str) or not NAME.match(name) or name in names:
            raise Invalid("each funnel needs a unique name of letters, digits, - and _")
        names.add(name)
        steps = funnel.get("steps")
        if not isinstance(steps, list) or not 2 <= len(steps) <= MAX_STEPS:
            raise Invalid(f"funnel {name!r} needs 2 to {MAX_STEPS} steps")
        out.append({"name": name, "steps": [_step(name, s) for s in steps]})
    return out


def _step(funnel: str, step: Any) -> dict[str, str]:
    if not isinstance(step, dict) or len({"page", "goal"} & set(step)) != 1:
        raise Invalid(f"each step of funnel {funnel!r} needs either a page or a goal")
    kind = "page" if "page" in step else "goal"
    value = step[kind]
    if not isinstance(value, str) or not value or len(value) > 200 or (kind == "page" and not value.startswith("/")):
        where = ", starting with /" if kind == "page" else ""
        raise Invalid(f"funnel {funnel!r}: a {kind} is text up to 200 characters{where}")
    label = step.get("name", value)
    return {"name": str(label)[:60], kind: value}


def parse(spec: str) -> dict[str, Any]:
    """One funnel from "name=page:/a,page:/b*,goal:purchase"."""
    name, _, steps = spec.partition("=")
    parsed = []
    for part in steps.split(","):
        kind, _, value = part.partition(":")
        if kind not in ("page", "goal"):
            raise Invalid(f"step {part!r} is neither page:... nor goal:...")
        parsed.append({kind: value})
    return check([{"name": name, "steps": parsed}])[0]
