from loadtests.shapes import Stages


class Soak(Stages):
    """Soak: 0-120 s ramp to 60 users, 120-3,720 s hold 60 users for an hour; then stop."""

    stages = [(120, 60, 1), (3720, 60, 1)]
