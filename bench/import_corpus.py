"""Time `helpgen import-sxs` for one locale of the shared corpus, as a whole process.

    .venv/bin/python bench/import_corpus.py [--locale zh-CN] [--runs 3]

Prints the wall time of each run (each into a new project, after `sync`), the median and the
target (30 s on the 2-core reference machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("HELPGEN_CORPUS") or REPO.parent / "shared" / "corpus" / "alchemy-insights")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locale", default="zh-CN")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(["sync"], check=True)
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "import-sxs",
                    str(CORPUS / args.locale),
                    "--locale",
                    args.locale,
                    "--project",
                    str(Path(folder) / "project"),
                ],
                capture_output=True,
                text=True,
                cwd=REPO,
            )
            seconds = time.perf_counter() - started
            summary = done.stderr.strip().splitlines()[-1]
            print(f"run {run + 1}: {seconds:.2f} s  ({summary})")
            times.append(seconds)
    median = statistics.median(times)
    print(
        f"import-sxs {args.locale}: median {median:.2f} s over {args.runs} runs; target 30 s "
        f"({median / 30:.2f} of the target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
