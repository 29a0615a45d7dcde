from loadtests.shapes import Stages


class Spike(Stages):
    """Spike (a launch): 0-60 s 20 users, 60-90 s 300 users spawned at 100/s, 90-180 s back to 20; then stop."""

    stages = [(60, 20, 5), (90, 300, 100), (180, 20, 50)]
