"""The table layout, defined once: key builders, item codecs and counter names, one module
per access pattern. Standard library only, so the Lambda functions, the dashboard,
`reconcile` and the tests all import it. Table names live in infra/template.yaml.

  events     Events: one item per event, under its visitor (events.py)
  visitors   Sessions: one item per visitor, their live sessions and days seen (visitors.py)
  recent     ActiveSessions: the sessions each stream batch changed, newest first (recent.py)
  counters   Stats: per-minute, live, per-day and per-dimension counters (counters.py)
  active     "active now": live counters plus the latest sessions (active.py)
  uniques    exact unique visitors from per-day counters (uniques.py)
  funnels    funnel steps matched by events (funnels.py)
"""
