import hashlib
import zipfile

from embedded import package
from embedded.settings import ROOT


def test_zip_is_deterministic_and_holds_the_function_and_its_dependencies(tmp_path):
    first = package.build(ROOT / "lambda_src", tmp_path / "a.zip")
    second = package.build(ROOT / "lambda_src", tmp_path / "b.zip")

    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    names = zipfile.ZipFile(first).namelist()
    assert "ingest/handler.py" in names
    assert any(n.startswith("aws_lambda_powertools/") for n in names)
    assert not any(n.startswith(("boto3/", "botocore/")) or "__pycache__" in n for n in names)
