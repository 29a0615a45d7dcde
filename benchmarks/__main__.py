"""`make bench`: run every benchmark and print its figures."""

from __future__ import annotations

import argparse
import importlib

BENCHES = ["bench_stack", "bench_ingest", "bench_capacity", "bench_dashboard", "bench_viewers", "bench_simulator",
           "bench_soak"]


def main() -> None:
    parser = argparse.ArgumentParser(description="LiveInsight benchmarks")
    parser.add_argument("names", nargs="*", default=BENCHES, help=f"which to run (default: {' '.join(BENCHES)})")
    args = parser.parse_args()
    for name in args.names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        for key, value in module.run().items():
            shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
            print(f"  {key:<45} {shown}", flush=True)


if __name__ == "__main__":
    main()
