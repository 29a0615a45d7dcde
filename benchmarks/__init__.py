"""Benchmarks for `make bench`. The ingest's own code is imported from lambda_src, as the tests do."""

import sys

from embedded.settings import ROOT

if str(ROOT / "lambda_src") not in sys.path:
    sys.path.insert(0, str(ROOT / "lambda_src"))
