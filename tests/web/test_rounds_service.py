"""The round services: running, storing, failing cleanly, and every decision and refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from support.factories import create_student
from support.rounds import make_pool, run_round

import matching
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import AuditEvent, MatchingRound, PlacementRole, Proposal
from placement.services import offers, rounds


def _audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_a_round_stores_its_snapshot_result_and_one_proposal_per_assignment(app):
    make_pool(students=3, roles=2)
    matching_round = run_round("First")
    assert matching_round.status == "completed"
    assert matching_round.snapshot["format"] == "placement-round/1"
    assert matching_round.snapshot_sha256 == matching_round.result["input_sha256"]
    assert matching.check_result(matching_round.snapshot, matching_round.result) == []
    assert len(matching_round.proposals) == matching_round.result["objective"]["placed"] == 2
    assert {p.status for p in matching_round.proposals} == {"proposed"}
    assert "round_run" in _audit_actions()


def test_a_solver_failure_stores_no_proposal_and_the_round_says_it_failed(app, monkeypatch):
    make_pool()

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(matching, "solve_round", broken)
    matching_round = run_round("Broken")
    assert matching_round.status == "failed"
    assert "solver exploded" in matching_round.error
    assert db.session.execute(select(func.count(Proposal.id))).scalar_one() == 0
    assert matching_round.result is None and matching_round.snapshot is None
    assert "round_failed" in _audit_actions()


def test_a_round_with_nobody_ready_fails_with_a_reason(app):
    matching_round = run_round("Empty")
    assert matching_round.status == "failed"
    assert "No students are ready" in matching_round.error


def test_running_the_same_round_twice_is_refused(app):
    make_pool()
    matching_round = run_round()
    with pytest.raises(Conflict, match="already been run"):
        rounds.run(db.session, matching_round.id)


def test_approving_takes_a_place_and_approving_twice_is_refused(app):
    pool = make_pool(students=2, roles=1, places=2)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    offers.approve(db.session, proposal.id, pool["coordinator"].id)
    db.session.commit()
    assert db.session.get(PlacementRole, proposal.role_id).places_taken == 1
    with pytest.raises(Conflict, match="already been approved"):
        offers.approve(db.session, proposal.id)


def test_approving_when_no_place_is_left_is_refused_and_changes_nothing(app):
    pool = make_pool(students=2, roles=1, places=2)
    matching_round = run_round()
    role = pool["roles"][0]
    role.places_taken = 2
    db.session.commit()
    with pytest.raises(Conflict, match="no places left"):
        offers.approve(db.session, matching_round.proposals[0].id)
    db.session.rollback()
    assert db.session.get(Proposal, matching_round.proposals[0].id).status == "proposed"


def test_a_student_approved_in_one_round_cannot_be_approved_in_another(app):
    make_pool(students=1, roles=2)
    first = run_round("A")
    second = run_round("B")
    offers.approve(db.session, first.proposals[0].id)
    db.session.commit()
    with pytest.raises(Conflict, match="another round"):
        offers.approve(db.session, second.proposals[0].id)


def test_approving_after_the_students_profile_changed_is_refused_with_a_clear_message(app):
    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    student = pool["students"][0]
    student.hours_per_week = 40
    db.session.commit()
    with pytest.raises(Conflict, match="profile has changed since this round ran"):
        offers.approve(db.session, matching_round.proposals[0].id)


def test_approving_after_the_role_changed_is_refused(app):
    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    pool["roles"][0].hours_per_week = 10
    db.session.commit()
    with pytest.raises(Conflict, match="has changed since this round ran"):
        offers.approve(db.session, matching_round.proposals[0].id)


def test_a_rejection_needs_a_reason_and_rejecting_an_approval_gives_the_place_back(app):
    make_pool(students=1, roles=1)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    with pytest.raises(ValidationFailed):
        offers.reject(db.session, proposal.id, "  ")
    offers.approve(db.session, proposal.id)
    db.session.commit()
    offers.reject(db.session, proposal.id, "Changed our mind")
    db.session.commit()
    assert db.session.get(PlacementRole, proposal.role_id).places_taken == 0
    assert db.session.get(Proposal, proposal.id).rejection_reason == "Changed our mind"
    with pytest.raises(Conflict, match="already been rejected"):
        offers.reject(db.session, proposal.id, "Again")


def test_a_rerun_locks_approved_pairs_forbids_rejected_ones_and_supersedes_the_rest(app):
    make_pool(students=3, roles=3)
    first = run_round()
    approved, rejected, *rest = sorted(first.proposals, key=lambda p: p.id)
    offers.approve(db.session, approved.id)
    offers.reject(db.session, rejected.id, "Not suitable")
    db.session.commit()
    second = run_round(previous=first)
    assert second.status == "completed"
    pairs = {(p.student_id, p.role_id): p for p in second.proposals}
    kept = pairs[(approved.student_id, approved.role_id)]
    assert kept.locked and kept.status == "approved"
    assert (rejected.student_id, rejected.role_id) not in pairs
    assert db.session.get(Proposal, approved.id).status == "superseded"
    assert all(db.session.get(Proposal, p.id).status == "superseded" for p in rest)
    assert db.session.get(PlacementRole, approved.role_id).places_taken == 1
    assert second.snapshot["locked"] and second.snapshot["forbidden"]


def test_round_parameters_are_checked(app):
    with pytest.raises(ValidationFailed):
        rounds.parameters_from(weights={"skills": -1})
    with pytest.raises(ValidationFailed):
        rounds.parameters_from(min_score=2)
    assert rounds.parameters_from(seed=3, objective="score") == {"seed": 3, "objective": "score"}


def test_readiness_says_why_students_are_not_ready(app):
    create_student(submitted=False, skills={})
    create_student(rqf_level=5)
    ready = rounds.readiness(db.session)
    reasons = [why for _, why in ready.students_not_ready]
    assert any("not submitted" in why for why in reasons)
    assert any("below Level 6" in why for why in reasons)


def test_the_command_line_runs_a_round_and_exports_what_python_m_matching_reproduces(app, tmp_path):
    make_pool(students=4, roles=2)
    runner = CliRunner()
    ran = runner.invoke(
        app.cli,
        [
            "round",
            "run",
            "--name",
            "From the CLI",
            "--min-score",
            "0.1",
            "--seed",
            "4",
            "--weights",
            "skills=2,travel=1",
        ],
    )
    assert ran.exit_code == 0, ran.output
    round_id = int(ran.output.split()[1].rstrip(":"))
    stored = db.session.get(MatchingRound, round_id)
    assert "placed" in ran.output and stored.parameters["seed"] == 4
    exported = runner.invoke(app.cli, ["round", "export", str(round_id), str(tmp_path)])
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "result.json").read_text()) == stored.result
    subprocess.run(
        [
            sys.executable,
            "-m",
            "matching",
            "solve",
            str(tmp_path / "round.json"),
            "-o",
            str(tmp_path / "out.json"),
        ],
        check=True,
        cwd=Path(matching.__file__).resolve().parents[1],
    )
    reproduced = json.loads((tmp_path / "out.json").read_text())
    assert reproduced["result_sha256"] == stored.result_sha256
