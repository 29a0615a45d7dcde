"""Load shapes, one per file so that Locust runs the one named with -f:

    locust -f loadtests/locustfile.py,loadtests/shapes/spike.py ...
"""

from __future__ import annotations

from locust import LoadTestShape


class Stages(LoadTestShape):
    """Users and spawn rate per stage: (seconds from the start, users, spawn rate per second)."""

    abstract = True
    stages: list[tuple[float, int, float]] = []

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        for until, users, rate in self.stages:
            if elapsed < until:
                return users, rate
        return None
