from loadtests.shapes import Stages


class Ramp(Stages):
    """Ramp: 0-60 s 20 users, 60-120 s 50, 120-180 s 100, 180-240 s 200; then stop."""

    stages = [(60, 20, 5), (120, 50, 5), (180, 100, 10), (240, 200, 20)]
