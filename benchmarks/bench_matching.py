"""Matching engine benchmark: a thin wrapper over ``python -m matching bench``.

Run from the repository root: ``python benchmarks/bench_matching.py [--sizes 100,500,1000]``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
