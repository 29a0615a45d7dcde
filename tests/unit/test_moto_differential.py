"""embedded/moto_patches.py changes moto's costs, never its answers: the same DynamoDB
operations (tests/moto/scenario.py) run on patched and plain moto, each in a fresh
interpreter, and their results must be equal. Run this first when upgrading moto."""

import json
import subprocess
import sys

import moto
import pytest

from embedded import moto_patches
from embedded.settings import ROOT


def results(mode: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "moto" / "scenario.py"), mode], cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def both():
    return results("plain"), results("patched")


def test_every_operation_answers_the_same_patched_or_not(both):
    plain, patched = both
    assert sorted(plain) == sorted(patched)
    for name in plain:
        assert patched[name] == plain[name], name


def test_the_scenario_meets_the_cases_it_is_for(both):
    plain, _ = both
    assert "error" not in plain["update every clause"]
    refused = plain["update refused by its condition"]
    assert refused["error"] == "ConditionalCheckFailedException" and refused["item"]["n"] == {"N": "7"}
    assert plain["cancelled transaction"]["error"] == "TransactionCanceledException"
    assert plain["a cancelled transaction restores every item"] is True
    assert "error" not in plain["an item at the limit"]
    assert plain["an item one byte past it"]["error"] == "ValidationException"
    assert plain["an update growing an item past the limit"]["error"] == "ValidationException"


def test_apply_refuses_a_moto_it_was_not_written_for(monkeypatch):
    monkeypatch.setattr(moto, "__version__", "9.9.9")
    with pytest.raises(moto_patches.UnsupportedMoto, match="moto 9.9.9 is installed"):
        moto_patches.apply()
