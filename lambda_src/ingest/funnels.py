"""Funnels a site registers: named steps, each a page (a path, or a prefix ending in *)
or a goal. A session reaches step k when it reached step k-1 and later viewed the
step's page or converted on its goal.

Sessions keep the events that match any step of their site's funnels as marks,
[ts, "p:<path>" or "g:<goal>"], so progress is recomputed from the set of marks
after every merge and does not depend on the order events arrive in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_MARKS = 40  # the earliest marks of a session are kept; a funnel has at most 8 steps


def _matches(step: dict[str, str], mark: str) -> bool:
    if "goal" in step:
        return mark == f"g:{step['goal']}"
    page = step["page"]
    if page.endswith("*"):
        return mark.startswith(f"p:{page[:-1]}")
    return mark == f"p:{page}"


def mark(rec: dict[str, Any], funnels: list[dict[str, Any]]) -> str | None:
    """The mark of an event, if any step of the funnels wants it."""
    if rec["type"] == "page_view":
        candidate = f"p:{rec['path'][:200]}"
    elif rec["type"] == "conversion":
        candidate = f"g:{rec['goal']}"
    else:
        return None
    wanted = any(_matches(step, candidate) for funnel in funnels for step in funnel["steps"])
    return candidate if wanted else None


def merge_marks(a: list[list[Any]], b: list[list[Any]]) -> list[list[Any]]:
    unique = {(ts, m) for ts, m in a} | {(ts, m) for ts, m in b}
    return [list(x) for x in sorted(unique)[:MAX_MARKS]]


def reached(marks: list[list[Any]], steps: list[dict[str, str]]) -> int:
    done = 0
    for _, m in marks:
        if done < len(steps) and _matches(steps[done], m):
            done += 1
    return done


def progress(marks: list[list[Any]], funnels: list[dict[str, Any]]) -> dict[str, int]:
    return {f["name"]: n for f in funnels if (n := reached(marks, f["steps"]))}


def marker(funnels: list[dict[str, Any]]) -> Callable[[dict[str, Any]], str | None] | None:
    return (lambda rec: mark(rec, funnels)) if funnels else None


def progress_of(funnels: list[dict[str, Any]]) -> Callable[[Any], dict[str, int]]:
    """Progress of a session (anything with `marks`) through the funnels."""
    return lambda session: progress(session.marks, funnels)
