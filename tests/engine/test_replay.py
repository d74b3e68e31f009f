"""Programme-size rounds replay exactly: results saved with engine 1.1 before the national path.

Each folder of ``replay/`` holds a round and the result engine 1.1 gave for it (generated with
``matching.synthetic`` on the commit before the national-size work; gzipped above 100 students).
Below the national size the engine must give the same assignments and the same ``result_sha256``.
"""

import gzip
import json
from pathlib import Path

import pytest

from matching import check_result, solve_round

REPLAY = Path(__file__).parent / "replay"
CASES = sorted(folder.name for folder in REPLAY.iterdir() if folder.is_dir())


def read(folder: Path, stem: str) -> dict:
    plain = folder / f"{stem}.json"
    if plain.exists():
        return json.loads(plain.read_text(encoding="utf-8"))
    return json.loads(gzip.decompress((folder / f"{stem}.json.gz").read_bytes()))


def test_the_replay_set_covers_several_sizes_both_solvers_and_both_algorithms():
    saved = [read(REPLAY / name, "result") for name in CASES]
    assert len({len(r["assignments"]) + len(r["unmatched"]) for r in saved}) >= 4
    assert {r["solver"]["name"].split(".")[-1] for r in saved} >= {
        "linear_sum_assignment",
        "min_weight_full_bipartite_matching",
        "student-proposing deferred acceptance",
    }


@pytest.mark.parametrize("name", CASES)
def test_a_saved_programme_size_round_gives_the_same_result_as_engine_1_1(name):
    folder = REPLAY / name
    snapshot, saved = read(folder, "round"), read(folder, "result")
    algorithm = json.loads((folder / "case.json").read_text())["algorithm"]
    result = solve_round(snapshot, algorithm=algorithm)
    assert result["assignments"] == saved["assignments"]
    assert result["unmatched"] == saved["unmatched"]
    assert result["stability"] == saved["stability"]
    assert result["solver"]["name"] == saved["solver"]["name"]
    assert result["result_sha256"] == saved["result_sha256"]
    assert check_result(snapshot, saved) == []
