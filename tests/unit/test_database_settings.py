"""The dashboard's database settings: SQLite unless DATABASE_URL names another; PostgreSQL
through a checked pool, with its password kept apart; and no connection to spare is a 503
to retry, from the API and the pages alike. Django runs in a child process, as it does
in the stack."""

import json
import os
import subprocess
import sys

from embedded.settings import ROOT

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory
from psycopg_pool import PoolTimeout
from api.errors import handle
from dashboard.health import BusyMiddleware

try:
    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except PoolTimeout as cause:
        raise OperationalError(str(cause)) from cause
except OperationalError as error:
    busy = error
api = handle(busy, {})  # None: DRF passes it on to the middleware
page = BusyMiddleware(lambda request: None).process_exception(RequestFactory().get("/sites/x/"), busy)
other = handle(OperationalError("no such table"), {})

# an API view's error, through DRF and the whole middleware chain, as a request meets it
import sys, types
from django.test import Client, override_settings
from django.urls import path
from rest_framework.views import APIView

class Busy(APIView):
    authentication_classes, permission_classes = [], []
    def get(self, request):
        raise busy

urls = types.ModuleType("busy_urls")
urls.urlpatterns = [path("busy/", Busy.as_view())]
sys.modules["busy_urls"] = urls
with override_settings(ROOT_URLCONF="busy_urls"):
    through = Client().get("/busy/")
print(json.dumps({"db": {k: v for k, v in settings.DATABASES["default"].items() if k != "TEST"},
                  "middleware": settings.MIDDLEWARE[-1], "api": api is None,
                  "page": [page.status_code, page["Retry-After"]], "other": other is None,
                  "through": [through.status_code, through["Retry-After"], through.json()["detail"]]}, default=str))
"""


def settings_seen(**env: str) -> dict:
    plain = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True,
                          env={**plain, "DJANGO_SETTINGS_MODULE": "config.settings.test",
                               "DJANGO_ALLOWED_HOSTS": "testserver",
                               "PYTHONPATH": str(ROOT / "django_app"), **env})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sqlite_is_the_default(tmp_path):
    seen = settings_seen(LIVEINSIGHT_STATE_DIR=str(tmp_path))
    assert seen["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert seen["db"]["NAME"] == str(tmp_path / "dashboard.sqlite3")


def test_postgres_gets_a_checked_pool_and_a_password_from_apart():
    seen = settings_seen(DATABASE_URL="postgres://liveinsight@db.example:5432/liveinsight?sslmode=require",
                         DATABASE_PASSWORD="from-a-secret", DATABASE_POOL_SIZE="5")
    db = seen["db"]
    assert (db["ENGINE"], db["HOST"], db["NAME"], db["USER"]) == (
        "django.db.backends.postgresql", "db.example", "liveinsight", "liveinsight")
    assert db["PASSWORD"] == "from-a-secret"
    assert db["CONN_MAX_AGE"] == 0 and db["CONN_HEALTH_CHECKS"] is True  # the pool keeps them, checked
    assert db["OPTIONS"]["sslmode"] == "require"
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 5, "timeout": 10}


def test_no_connection_to_spare_is_a_503_to_retry():
    seen = settings_seen(DATABASE_URL="postgres://u:p@127.0.0.1:1/x")
    assert seen["api"] and seen["page"] == [503, "5"]  # DRF passes it on; the middleware answers
    assert seen["through"] == [503, "5", "the dashboard's database is busy; retry"]
    assert seen["middleware"] == "dashboard.health.BusyMiddleware"
    assert seen["other"]  # any other database error is not dressed up as busy
