"""A national round (50,000 students, about 50,000 places) solves within 2 GiB of address space.

``resource.setrlimit(RLIMIT_AS)`` caps everything the solving process maps, so an array of
students x roles (50,000 x 21,500 int64 is 8 GiB) fails loudly instead of passing unnoticed.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from matching.synthetic import synthetic_round

LIMIT_BYTES = 2 * 1024**3
REPO = Path(__file__).resolve().parents[2]


def solve_under_limit(round_file: Path, result_file: Path) -> subprocess.CompletedProcess:
    code = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
        from matching.__main__ import main
        sys.exit(main(["solve", {str(round_file)!r}, "-o", {str(result_file)!r}]))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_a_50000_student_round_is_solved_under_a_2_gib_address_space_limit(tmp_path):
    round_file, result_file = tmp_path / "round.json", tmp_path / "result.json"
    round_file.write_text(json.dumps(synthetic_round(50_000, 21_500, seed=0)), encoding="utf-8")
    completed = solve_under_limit(round_file, result_file)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["solver"]["path"] == "national"
    assert len(result["assignments"]) + len(result["unmatched"]) == 50_000
    assert result["objective"]["placed"] > 40_000


def test_the_limit_is_real_a_dense_array_of_that_size_fails_under_it(tmp_path):
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
        import numpy as np
        try:
            np.ones((50_000, 21_500), dtype=np.int64)
        except MemoryError:
            print("refused")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "refused"
