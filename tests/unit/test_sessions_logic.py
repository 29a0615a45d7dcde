"""Session logic, table-driven over its cases, plus order independence as a property."""

from hypothesis import given, settings
from hypothesis import strategies as st
from sessionize import sessions

from tests.ingest_support import MIN, T0, record

TIMEOUT = 30 * MIN


def run(*records):
    return sessions.apply([], list(records), TIMEOUT)


CASES = [
    # (name, events as (type, minute offset, path), expected sessions as dicts of fields)
    ("one page view is a bounce", [("page_view", 0, "/")],
     [{"pageviews": 1, "bounce": True, "entry": "/", "exit": "/"}]),
    ("two page views are not", [("page_view", 0, "/"), ("page_view", 1, "/products")],
     [{"pageviews": 2, "bounce": False, "entry": "/", "exit": "/products"}]),
    ("heartbeats keep a bounce a bounce, and the session going",
     [("page_view", 0, "/"), ("heartbeat", 1, "/"), ("heartbeat", 2, "/")],
     [{"pageviews": 1, "bounce": True, "last": T0 + 2 * MIN}]),
    ("a click is an interaction", [("page_view", 0, "/"), ("click", 1, "/")],
     [{"bounce": False, "interacted": True}]),
    ("a conversion converts the session", [("page_view", 0, "/"), ("conversion", 2, "/checkout")],
     [{"converted": True, "bounce": False}]),
    ("a gap of 30 minutes keeps one session", [("page_view", 0, "/"), ("page_view", 30, "/b")],
     [{"pageviews": 2}]),
    ("a gap over 30 minutes starts another, even with the same client session id",
     [("page_view", 0, "/"), ("page_view", 31, "/b")],
     [{"pageviews": 1, "entry": "/"}, {"pageviews": 1, "entry": "/b"}]),
    ("a late event bridging two sessions merges them",
     [("page_view", 0, "/"), ("page_view", 50, "/c"), ("page_view", 25, "/b")],
     [{"pageviews": 3, "entry": "/", "exit": "/c"}]),
    ("an earlier page view becomes the entry", [("page_view", 5, "/b"), ("page_view", 1, "/a")],
     [{"entry": "/a", "exit": "/b", "start": T0 + MIN}]),
    ("minutes with events are listed once", [("page_view", 0, "/"), ("heartbeat", 0, "/"), ("click", 2, "/")],
     [{"minutes": [T0 // MIN, T0 // MIN + 2]}]),
]


def build(kind, offset, path):
    extra = {"value": 49.5} if kind == "conversion" else {}
    return record(kind, T0 + offset * MIN, path, **extra)


def test_cases():
    for name, events, expected in CASES:
        result = run(*(build(*e) for e in events))
        assert len(result) == len(expected), name
        for session, wanted in zip(result, expected, strict=True):
            for field, value in wanted.items():
                assert getattr(session, field) == value, f"{name}: {field}"


def test_source_and_device_come_from_the_entry():
    first = record("page_view", T0 + MIN, "/", referrer="https://www.google.com/search")
    second = record("page_view", T0, "/x", url="http://127.0.0.1:8000/x?utm_source=news&utm_medium=email")

    session, = run(first, second)

    assert session.src == "news"
    assert session.utm == {"utm_source": "news", "utm_medium": "email"}
    assert session.device == "desktop" and session.browser == "Chrome"


def test_session_id_changes_with_a_new_session_for_a_reused_client_id():
    a, b = run(build("page_view", 0, "/"), build("page_view", 45, "/"))

    assert a.sid == b.sid and a.id != b.id


def test_a_session_keeps_only_its_latest_minutes():
    session, = run(*(build("heartbeat", m, "/") for m in range(0, 40, 1)))

    assert session.minutes == list(range(T0 // MIN + 24, T0 // MIN + 40))


SHAPES = st.lists(
    st.tuples(st.sampled_from(["page_view", "click", "heartbeat", "conversion"]),
              st.integers(0, 150), st.sampled_from(["/", "/a", "/b"])),
    min_size=1, max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(shapes=SHAPES, data=st.data())
def test_any_order_and_any_split_into_batches_gives_the_same_sessions(shapes, data):
    records = [build(*s) for s in shapes]
    in_order = run(*records)

    shuffled = data.draw(st.permutations(records))
    cut = data.draw(st.integers(0, len(shuffled)))
    state = sessions.apply([], shuffled[:cut], TIMEOUT)
    state = sessions.apply(state, shuffled[cut:], TIMEOUT)

    assert [s.to_dict() for s in state] == [s.to_dict() for s in in_order]
