"""The engine stays free of the web stack."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import matching, sys; "
    "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask','sqlalchemy','wtforms'}))"
)


def test_importing_matching_loads_no_flask_sqlalchemy_or_wtforms():
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_the_public_api_is_listed_in_dunder_all():
    import matching

    missing = [name for name in matching.__all__ if not hasattr(matching, name)]
    assert missing == []
    assert {"solve_round", "check_result", "explain_student", "pool_size"} <= set(matching.__all__)


def test_importing_matching_leaves_numba_until_a_national_round_is_solved():
    probe = (
        "import sys, matching; before = 'numba' in sys.modules; "
        "from matching.synthetic import synthetic_round; "
        "matching.solve_round(synthetic_round(30, 12, seed=1), path='national'); "
        "print(before, 'numba' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["False", "True"]
