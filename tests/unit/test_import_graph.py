"""The layering, read from the import graph: the emulator knows nothing of the product, and
the simulator and Locust reach the system only over HTTP (and the stack's description)."""

import ast
from pathlib import Path

import pytest

from embedded.settings import ROOT

PRODUCT = ("simulator", "django_app", "loadtests", "liveinsight", "api", "dashboard", "sites_app", "config", "demo")
FORBIDDEN = {
    "embedded": PRODUCT,
    "simulator": ("embedded", "django_app", "loadtests", "liveinsight", "lambda_src"),
    "loadtests": ("embedded", "django_app", "liveinsight", "lambda_src"),
    "stackstate": ("embedded", "simulator", "django_app", "loadtests", "liveinsight", "layout"),
}


def imports(path: Path, package: tuple[str, ...]) -> set[str]:
    """Every module a file of `package` imports, at any depth (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}  # a name may be a module
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_it_must_not(package):
    offenders = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = {m for m in imports(path, path.relative_to(ROOT).parent.parts) if m.split(".")[0] in FORBIDDEN[package]}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)

    assert offenders == {}


def test_the_check_sees_every_kind_of_import(tmp_path):
    planted = tmp_path / "module.py"
    planted.write_text("import simulator.journey\nfrom .runtime import pool\nfrom .. import layout\n"
                       "def later():\n    from django_app import x\n")

    assert imports(planted, ("embedded", "ops")) == {
        "simulator.journey", "embedded.ops.runtime", "embedded.ops.runtime.pool", "embedded", "embedded.layout",
        "django_app", "django_app.x"}
