"""Funnels a site registers: named steps, each a page (a path, or a prefix ending in *)
or a goal. A session reaches step k when it reached step k-1 and later viewed the
step's page or converted on its goal.

Sessions keep the events that match some step as marks, [ts, code]: the code names the
step's own pattern (a short hash of "p:<page>" or "g:<goal>"), never the path sent, so a
mark is a few bytes whatever the pattern. Progress is recomputed from the set of marks
after every merge, so it does not depend on the order events arrive in.
"""

from __future__ import annotations

import zlib
from typing import Any

MAX_MARKS = 40  # the earliest marks of a session are kept; a funnel has at most 8 steps


def _matches(step: dict[str, str], path: str) -> bool:
    page = step["page"]
    return path.startswith(page[:-1]) if page.endswith("*") else path == page


def marks(kind: str, path: str, goal: str | None, funnels: list[dict[str, Any]]) -> list[str]:
    """The marks an event makes: one per distinct step it matches."""
    found: set[str] = set()
    for funnel in funnels:
        for step in funnel["steps"]:
            if ("goal" in step and kind == "conversion" and goal == step["goal"]) or \
                    ("page" in step and kind == "page_view" and _matches(step, path)):
                found.add(_code(step))
    return sorted(found)


def merge_marks(a: list[list[Any]], b: list[list[Any]]) -> list[list[Any]]:
    unique = {(ts, m) for ts, m in a} | {(ts, m) for ts, m in b}
    return [list(x) for x in sorted(unique)[:MAX_MARKS]]


def _code(step: dict[str, str]) -> str:
    pattern = f"g:{step['goal']}" if "goal" in step else f"p:{step['page']}"
    return format(zlib.crc32(pattern.encode()), "08x")


def reached(session_marks: list[list[Any]], steps: list[dict[str, str]]) -> int:
    """Steps reached in order; one event (one time) takes at most one step."""
    done, used = 0, None
    for ts, mark in session_marks:
        if done < len(steps) and ts != used and mark == _code(steps[done]):
            done, used = done + 1, ts
    return done


def progress(session_marks: list[list[Any]], funnels: list[dict[str, Any]]) -> dict[str, int]:
    """Funnel name -> steps reached."""
    return {f["name"]: n for f in funnels if (n := reached(session_marks, f["steps"]))}
