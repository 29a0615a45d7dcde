"""Production's static files, collected as the image build collects them: named by their
hash and compressed, named so by the pages, and served by whitenoise to be cached for good."""

import json
import os
import re
import subprocess
import sys

from embedded.settings import ROOT

MANAGE = str(ROOT / "django_app" / "manage.py")
PAGE = """
from django.test import Client
client = Client()
page = client.get("/demo/").content.decode()
asset = client.get("/static/" + sys.argv[1])
print(json.dumps({"page": page, "status": asset.status_code, "cache": asset.headers.get("Cache-Control", "")}))
"""


def test_production_serves_hashed_compressed_static_files(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "DJANGO_SECRET_KEY": "test-only",
           "DJANGO_STATIC_ROOT": str(tmp_path), "DJANGO_ALLOWED_HOSTS": "testserver",
           "LIVEINSIGHT_STATE_DIR": str(tmp_path / "state")}
    subprocess.run([sys.executable, MANAGE, "collectstatic", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=300)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css = paths["demo/shop.css"]
    assert re.fullmatch(r"demo/shop\.[0-9a-f]{12}\.css", css)
    assert (tmp_path / f"{css}.gz").exists()

    script = f"import django, json, sys\ndjango.setup()\n{PAGE}"
    done = subprocess.run([sys.executable, "-c", script, css], env={**env, "PYTHONPATH": str(ROOT / "django_app")},
                          check=True, capture_output=True, text=True, timeout=120)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert f"/static/{css}" in seen["page"] and f"/static/{paths['liveinsight-tracker.js']}" in seen["page"]
    assert seen["status"] == 200 and "immutable" in seen["cache"]
