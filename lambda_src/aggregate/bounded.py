"""Keep every dimension within its limit (layout/counters.py): a name an item already holds
keeps its counter; a new name takes a free place while there is one; anything else, and
any decrease of a name the item does not hold, counts under OTHER. So no item grows past
its bound whatever clients send, and a dimension's totals still add up.

An item's `n#<dim>` counts the names it holds. A write that adds names is conditional on
the count it was planned against, so two writers never both take the last place."""

from __future__ import annotations

from dataclasses import dataclass, field

from layout import counters


@dataclass
class Planned:
    """One item's write: counters to add, and for each dimension that gains names, the
    count read (None: never counted) and the names gained."""

    adds: dict[str, float]
    read: dict[str, float | None] = field(default_factory=dict)
    gained: dict[str, int] = field(default_factory=dict)


def plan(suffix: str, deltas: dict[str, float], current: dict[str, float]) -> Planned:
    dims = counters.bounds(suffix)
    if not dims:
        return Planned(dict(deltas))
    adds = {k: v for k, v in deltas.items() if k.split("#", 1)[0] not in dims}
    out = Planned(adds)
    for prefix, dim in dims.items():
        mine = {k: v for k, v in deltas.items() if k.split("#", 1)[0] == prefix and "#" in k}
        if not mine:
            continue
        count = current.get(f"n#{prefix}")
        room = dim.limit - int(count or 0)
        other = f"{prefix}#{counters.OTHER}"
        for name, amount in sorted(mine.items(), key=lambda kv: (-kv[1], kv[0])):
            if name in current or name == other:
                target = name
            elif amount > 0 and room > 0:
                room -= 1
                out.gained[prefix] = out.gained.get(prefix, 0) + 1
                target = name
            else:
                target = other
            adds[target] = adds.get(target, 0) + amount
        if prefix in out.gained:
            out.read[prefix] = count
            adds[f"n#{prefix}"] = adds.get(f"n#{prefix}", 0) + out.gained[prefix]
    out.adds = {k: v for k, v in adds.items() if v}
    return out
