"""`liveinsight package`: build each function's deployment zip, as `sam build` would.

The zip is deterministic (sorted entries, fixed timestamps), so an unchanged
function keeps its CodeSha256 and a second deploy changes nothing.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from .runtime.worker import RUNTIME_PROVIDED
from .settings import ROOT

BUILD_DIR = ROOT / "build"
# The Lambda Python runtime ships these; like `sam build`, leave them out.
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_SKIP = ("__pycache__", ".pyc", ".dist-info/RECORD", "/bin/", "/.complete")


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: r
        for name, r in template.get("Resources", {}).items()
        if r["Type"] == "AWS::Serverless::Function" and isinstance(r["Properties"].get("CodeUri"), str)
    }


def build_all(template: dict[str, Any], template_dir: Path) -> dict[str, Path]:
    """Build every local CodeUri of the template; answers logical id -> zip path.

    `Metadata: {LiveInsight: {Include: [dir, ...]}}` on a function adds those
    directories (relative to the template) to the zip's root under their own names.
    """
    built = {}
    for name, resource in functions(template).items():
        code_uri = resource["Properties"]["CodeUri"]
        if code_uri.startswith("s3://"):
            continue
        include = resource.get("Metadata", {}).get("LiveInsight", {}).get("Include", [])
        built[name] = build(template_dir / code_uri, BUILD_DIR / f"{name}.zip",
                            [template_dir / path for path in include])
    return built


def build(source: Path, target: Path, include: list[Path] | None = None) -> Path:
    source = source.resolve()
    files = _files(source, source)
    for extra in include or []:
        extra = extra.resolve()
        files += _files(extra, extra.parent)
    requirements = source / "requirements.txt"
    if requirements.exists():
        deps = _dependencies(requirements)
        files += _files(deps, deps)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, path in sorted(files):
            info = zipfile.ZipInfo(arcname, _FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    tmp.replace(target)
    return target


def _files(base: Path, root: Path) -> list[tuple[str, Path]]:
    return [
        (path.relative_to(root).as_posix(), path)
        for path in base.rglob("*")
        if path.is_file()
        and path.name != "requirements.txt"
        and not any(part in path.as_posix() for part in _SKIP)
        and _top_name(path.relative_to(root).parts[0]) not in RUNTIME_PROVIDED
    ]


def _top_name(part: str) -> str:
    """`boto3`, `boto3-1.2.dist-info` and `six.py` all name the distribution."""
    return part.split("-")[0].removesuffix(".py").removeprefix("python_")


def _dependencies(requirements: Path) -> Path:
    """Install the function's requirements once per distinct requirements file."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    deps = BUILD_DIR / f"deps-{digest}"
    if not (deps / ".complete").exists():
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--target", str(deps), "--platform", "manylinux2014_x86_64",
                "--python-version", "3.12", "--implementation", "cp", "--only-binary=:all:",
                "--upgrade", "-r", str(requirements),
            ],
            check=True,
        )
        (deps / ".complete").write_text(digest)
    return deps
