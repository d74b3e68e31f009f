"""The worked example in docs/round-format.md, asserted exactly."""

import json
import re
from pathlib import Path

import scipy

from matching import check_result, solve_round
from matching.formats import result_digest

DOC = Path(__file__).resolve().parents[2] / "docs" / "round-format.md"
BLOCK = re.compile(r"<!-- example: (\w+) -->\s*```json\n(.*?)```", re.DOTALL)


def examples():
    return {name: json.loads(body) for name, body in BLOCK.findall(DOC.read_text(encoding="utf-8"))}


def without_timing(result):
    result = json.loads(json.dumps(result))
    del result["solver"]["seconds"]
    return result


def test_the_document_holds_a_round_and_its_result():
    assert set(examples()) == {"round", "result"}


def test_solving_the_documented_round_gives_the_documented_result():
    documented = examples()
    result = solve_round(documented["round"])
    expected = documented["result"]
    if expected["solver"]["version"].endswith(f"scipy {scipy.__version__}"):
        assert without_timing(result) == without_timing(expected)
    else:  # the hash covers solver.version; everything else must still match exactly
        for name in ("result_sha256",):
            result.pop(name), expected.pop(name)
        result["solver"].pop("version"), expected["solver"].pop("version")
        assert without_timing(result) == without_timing(expected)


def test_the_documented_result_passes_the_checker_and_its_hash_is_right():
    documented = examples()
    assert documented["result"]["result_sha256"] == result_digest(documented["result"])
    assert check_result(documented["round"], documented["result"]) == []


def test_the_documented_comparison_with_the_stable_algorithm_holds():
    documented = examples()
    stable = solve_round(documented["round"], algorithm="stable")
    assert stable["objective"] == {"placed": 3, "total_score": 2.174072}
    assert stable["stability"]["blocking_pairs"] == 0
    assert documented["result"]["stability"]["blocking_pairs"] == 1
