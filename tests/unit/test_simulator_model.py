"""The visitor model: reproducible from its seed, valid protocol, and its ground truth agrees
with the ingest's own session logic."""

import json
import random

import fastjsonschema
from ingest import enrich
from sessionize import sessions

from embedded.settings import ROOT
from simulator import journey, personas, truth
from simulator.personas import People
from simulator.scenarios import SCENARIOS
from simulator.sitemap import PAGES

CHECK = fastjsonschema.compile(json.loads((ROOT / "protocol" / "v1" / "event.schema.json").read_text()))


def visits(seed, count=300, rates=None):
    """Visits one after another: each visitor has left before the next arrives."""
    rng = random.Random(seed)
    people, out = People(rng), []
    for _ in range(count):
        person, returning = people.next()
        out.append(journey.plan(rng, person, returning, "demo", rates or journey.Rates()))
        people.left(person)
    return out


def test_a_visitor_comes_back_only_after_leaving():
    people = People(random.Random(2), returning_share=0.9)
    present = [people.next()[0] for _ in range(50)]  # nobody has left yet: all new
    assert len({p.visitor_id for p in present}) == 50
    people.left(present[0])
    back = [people.next() for _ in range(20)]
    assert [p.visitor_id for p, returning in back if returning] == [present[0].visitor_id]


def test_an_endless_run_remembers_a_bounded_crowd(monkeypatch):
    monkeypatch.setattr(personas, "AWAY_KEEP", 50)
    people = People(random.Random(3))
    for _ in range(500):
        person, _ = people.next()
        people.left(person)
    assert len(people.away) == 50


def test_the_same_seed_gives_the_same_visits():
    first, again = visits(5), visits(5)
    assert [v.events for v in first] == [v.events for v in again]
    assert [v.events for v in first] != [v.events for v in visits(6)]


def test_every_event_is_valid_protocol_and_pages_follow_the_site_map():
    for visit in visits(1):
        for event in visit.events:
            CHECK({k: v for k, v in event.items() if k != "at"} | {"ts": 1_795_694_400_000 + event["at"]})
        for here, there in zip(visit.pages, visit.pages[1:], strict=False):
            assert there in PAGES[here].next


def test_truth_agrees_with_the_ingest_on_bounces_sources_and_goals():
    for visit in visits(2):
        agent = enrich.agent(visit.persona.user_agent)
        records = [enrich.record({k: v for k, v in e.items() if k != "at"} | {"ts": 1_795_694_400_000 + e["at"]},
                                 agent, 1_795_694_400_000 + e["at"], 300_000) for e in visit.events]
        counted, = sessions.apply([], records, 1_800_000)
        told = truth.session(visit)
        assert counted.bot == told["bot"] == visit.persona.bot
        if not counted.bot:
            assert counted.bounce == told["bounce"] and counted.src == told["source"]
            assert counted.converted == bool(told["conversions"]) and counted.pageviews == len(told["pages"])


def test_the_mix_has_bots_returning_visitors_bounces_and_conversions():
    totals = truth.totals([truth.session(v) for v in visits(3, 1000)])
    assert 0 < totals["bot_sessions"] < 100
    assert totals["visitors"] < totals["sessions"]
    assert 0.2 < totals["bounce_rate"] < 0.5
    assert totals["goals"].get("purchase", 0) > 0


def test_scenarios_shape_the_rate():
    assert SCENARIOS["spike"].rate(0.5) == 10 * SCENARIOS["spike"].rate(0.1)
    assert SCENARIOS["diurnal"].rate(0.1) < SCENARIOS["diurnal"].rate(0.6)
    assert max(SCENARIOS["campaign"].sources, key=SCENARIOS["campaign"].sources.get) == "campaign"
