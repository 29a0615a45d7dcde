from .common import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
