"""The command line, run as a subprocess from the repository root."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.synthetic import role_profile, round_of, student_profile, synthetic_round

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=REPO_ROOT):
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "matching", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_solve_writes_a_result_that_check_accepts(tmp_path):
    round_file = write(tmp_path / "round.json", synthetic_round(30, 12, seed=3))
    result_file = tmp_path / "result.json"
    solved = run("solve", round_file, "-o", result_file, "--scores")
    assert solved.returncode == 0, solved.stderr
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert result["format"] == "placement-result/1" and "scores" in result
    checked = run("check", round_file, result_file)
    assert (checked.returncode, checked.stdout.strip()) == (0, "valid")


def test_solve_with_the_stable_algorithm_and_stdout_output(tmp_path):
    round_file = write(tmp_path / "round.json", synthetic_round(20, 8, seed=1))
    solved = run("solve", round_file, "-o", "-", "--algorithm", "stable")
    assert solved.returncode == 0
    assert json.loads(solved.stdout)["stability"]["blocking_pairs"] == 0


def test_check_lists_the_problems_and_exits_one_for_a_tampered_result(tmp_path):
    round_file = write(tmp_path / "round.json", synthetic_round(20, 8, seed=1))
    result_file = tmp_path / "result.json"
    assert run("solve", round_file, "-o", result_file).returncode == 0
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["objective"]["placed"] += 1
    write(result_file, result)
    checked = run("check", round_file, result_file)
    assert checked.returncode == 1
    assert "result_sha256 does not match the result's content." in checked.stdout


def test_explain_prints_the_assignment_and_reasons_or_why_unmatched(tmp_path):
    students = [student_profile("s1"), student_profile("s2", rqf_level=6)]
    data = round_of(
        students, [role_profile("r1", min_rqf_level=7), role_profile("r2", min_rqf_level=7)]
    )
    round_file = write(tmp_path / "round.json", data)
    placed = run("explain", round_file, "s1")
    assert placed.returncode == 0
    assert "Assigned to r" in placed.stdout and "Skills matched: python" in placed.stdout
    assert "Alternatives" in placed.stdout
    unmatched = run("explain", round_file, "s2")
    assert "Not matched: no role meets every rule: 2 roles need a level above" in unmatched.stdout
    unknown = run("explain", round_file, "nobody")
    assert unknown.returncode == 2 and "unknown student id 'nobody'" in unknown.stderr


def bad_rounds():
    good = round_of(
        [
            student_profile("s1"),
            student_profile("s2"),
            student_profile("s3"),
            student_profile("s4"),
        ],
        [role_profile("r1"), role_profile("r2")],
    )

    def variant(change):
        data = json.loads(json.dumps(good))
        change(data)
        return json.dumps(data)

    return [
        (
            "level out of range",
            variant(lambda d: d["students"][3].update(rqf_level=5)),
            "students[3].rqf_level: must be 6, 7 or 8",
        ),
        (
            "unknown id in locked",
            variant(lambda d: d.update(locked=[{"student": "x", "role": "r1"}])),
            "locked[0].student",
        ),
        (
            "unknown id in forbidden",
            variant(lambda d: d.update(forbidden=[{"student": "s1", "role": "x"}])),
            "forbidden[0].role",
        ),
        ("duplicate ids", variant(lambda d: d["students"][1].update(id="s1")), "students[1].id"),
        (
            "student locked twice",
            variant(
                lambda d: d.update(
                    locked=[{"student": "s1", "role": "r1"}, {"student": "s1", "role": "r2"}]
                )
            ),
            "locked[1].student",
        ),
        (
            "locks beyond places",
            variant(
                lambda d: d.update(
                    locked=[{"student": "s1", "role": "r1"}, {"student": "s2", "role": "r1"}]
                )
            ),
            "locked[1].role",
        ),
        (
            "locked pair breaking a rule",
            variant(
                lambda d: (
                    d["students"][0].update(right_to_work=False),
                    d.update(locked=[{"student": "s1", "role": "r1"}]),
                )
            ),
            "locked[0]: 's1' cannot take 'r1': it needs the right to work in the UK",
        ),
        (
            "unparseable date",
            variant(lambda d: d["roles"][0].update(start="next week")),
            "roles[0].start",
        ),
        (
            "end before start",
            variant(lambda d: d["roles"][1].update(end="2026-06-01")),
            "roles[1].end",
        ),
        (
            "until before from",
            variant(lambda d: d["students"][2].update(available_until="2026-01-01")),
            "students[2].available_until",
        ),
        (
            "skill level out of range",
            variant(lambda d: d["students"][0]["skills"].update(python=8)),
            "students[0].skills.python",
        ),
        ("unknown format", variant(lambda d: d.update(format="placement-round/9")), "format"),
        (
            "equality data",
            variant(lambda d: d["students"][0].update(gender="x")),
            "students[0].gender",
        ),
        ("invalid JSON", '{"format": "placement-round/1", ', "invalid JSON"),
    ]


@pytest.mark.parametrize(("case", "text", "named"), bad_rounds(), ids=[c[0] for c in bad_rounds()])
def test_bad_input_exits_two_names_the_field_and_writes_no_file(tmp_path, case, text, named):
    round_file = tmp_path / "round.json"
    round_file.write_text(text, encoding="utf-8")
    result_file = tmp_path / "result.json"
    solved = run("solve", round_file, "-o", result_file)
    assert solved.returncode == 2
    assert named in solved.stderr
    assert "Traceback" not in solved.stderr
    assert not result_file.exists()
    assert list(tmp_path.iterdir()) == [round_file]  # no temporary file left behind either


def test_a_missing_round_file_exits_two_without_a_traceback(tmp_path):
    solved = run("solve", tmp_path / "missing.json", "-o", tmp_path / "result.json")
    assert solved.returncode == 2
    assert "missing.json: file not found" in solved.stderr and "Traceback" not in solved.stderr
    assert not (tmp_path / "result.json").exists()


def test_a_failed_solve_leaves_an_existing_output_file_untouched(tmp_path):
    result_file = tmp_path / "result.json"
    result_file.write_text("previous", encoding="utf-8")
    round_file = tmp_path / "round.json"
    round_file.write_text("[]", encoding="utf-8")
    assert run("solve", round_file, "-o", result_file).returncode == 2
    assert result_file.read_text(encoding="utf-8") == "previous"


def test_bench_runs_on_a_small_size():
    benched = run("bench", "--sizes", "40")
    assert benched.returncode == 0, benched.stderr
    assert "40 students" in benched.stdout and "bare LSA" in benched.stdout


def test_an_unwritable_output_path_exits_two_without_a_traceback(tmp_path):
    round_file = write(tmp_path / "round.json", synthetic_round(5, 2, seed=1))
    solved = run("solve", round_file, "-o", tmp_path / "missing-dir" / "result.json")
    assert solved.returncode == 2
    assert "cannot be written" in solved.stderr and "Traceback" not in solved.stderr
