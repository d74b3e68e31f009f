"""What stands between a round's unmatched students and its empty places is worked out once, by
the round's job after the round is committed, and kept on the round: the round page reads it, and
never works it out itself for a large round (a minute's work at national size)."""

from __future__ import annotations

import html
import logging
from datetime import date

from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, text_of
from support.rounds import run_round

from placement.extensions import db
from placement.jobs import rounds as round_jobs
from placement.models import MatchingRound
from placement.services import round_gaps, rounds

MOVE_DATES = "Data analyst at Riverside Analytics: move its dates a week later"


def _unmatched_beside_empty_places():
    """A role with 3 places: one student fits, one is available a week late, one lacks Python."""
    organisation, _ = create_organisation(name="Riverside Analytics")
    create_role(organisation, title="Data analyst", places=3)
    create_student()
    create_student(available_from=date(2027, 7, 8), available_until=date(2027, 9, 30))
    create_student(skills={"sql": 3})
    return create_coordinator()


def _run_as_job() -> int:
    draft = rounds.create(db.session, "Round")
    rounds.queue(db.session, draft.id)
    db.session.commit()
    assert round_jobs.run(draft.id) == "completed"
    db.session.expire_all()
    return draft.id


def _gaps_section(client, round_id: int) -> str:
    page = html.unescape(text_of(client.get(f"/coordinator/rounds/{round_id}")))
    return page.split('id="gaps"', 1)[1]


def _never_worked_out(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the page worked the gaps out itself")

    monkeypatch.setattr(round_gaps, "gaps", refuse)


def test_the_round_job_keeps_the_gaps_and_the_page_reads_them_without_working_them_out(
    app, client, monkeypatch
):
    coordinator = _unmatched_beside_empty_places()
    round_id = _run_as_job()
    kept = db.session.get(MatchingRound, round_id).gaps
    assert kept["unmatched"] == 2 and kept["empty_places"] == 2
    _never_worked_out(monkeypatch)
    sign_in(client, coordinator.email, PASSWORD)

    section = _gaps_section(client, round_id)

    assert "2 student(s) have no proposal while 2 place(s) stay empty" in section
    assert MOVE_DATES in section


def test_the_command_line_run_keeps_the_gaps_as_the_job_does(app):
    _unmatched_beside_empty_places()

    ran = app.test_cli_runner().invoke(args=["round", "run", "--name", "Here"])

    assert ran.exit_code == 0, ran.output
    kept = db.session.execute(db.select(MatchingRound.gaps)).scalar_one()
    assert round_gaps.from_document(kept).unmatched == 2


def test_a_large_round_without_kept_gaps_says_they_are_not_ready_rather_than_working_them_out(
    app, client, monkeypatch
):
    coordinator = _unmatched_beside_empty_places()
    matching_round = run_round()  # the test helper's in-process run keeps no gaps
    assert matching_round.gaps is None
    monkeypatch.setattr(round_gaps, "IN_REQUEST_PAIRS", 1)
    _never_worked_out(monkeypatch)
    sign_in(client, coordinator.email, PASSWORD)

    section = _gaps_section(client, matching_round.id)

    assert "Not ready yet" in section
    assert f"placement round gaps {matching_round.id}" in section
    assert MOVE_DATES not in section


def test_a_small_round_without_kept_gaps_is_worked_out_on_its_page(app, client):
    coordinator = _unmatched_beside_empty_places()
    matching_round = run_round()
    sign_in(client, coordinator.email, PASSWORD)

    section = _gaps_section(client, matching_round.id)

    assert MOVE_DATES in section and "Not ready yet" not in section


def test_a_failure_working_out_the_gaps_leaves_the_round_completed_and_is_logged_by_kind(
    app, monkeypatch, caplog
):
    _unmatched_beside_empty_places()

    def broken(*args, **kwargs):
        raise RuntimeError("student s00001 details")

    monkeypatch.setattr(round_gaps, "gaps", broken)
    with caplog.at_level(logging.WARNING, logger="placement.jobs.rounds"):
        round_id = _run_as_job()

    done = db.session.get(MatchingRound, round_id)
    assert (done.status, done.gaps) == ("completed", None)
    assert "RuntimeError" in caplog.text and "s00001" not in caplog.text


def test_kept_gaps_read_back_equal_to_those_worked_out_and_nothing_to_explain_stays_nothing(app):
    _unmatched_beside_empty_places()
    matching_round = run_round()
    found = round_gaps.gaps(
        matching_round.snapshot, matching_round.result, round_gaps.skill_labels(db.session)
    )

    assert found is not None and found.changes
    assert round_gaps.from_document(round_gaps.as_document(found)) == found
    assert round_gaps.as_document(None) == {}
    assert round_gaps.from_document({}) is None


def test_the_gaps_command_works_out_and_keeps_the_gaps_of_a_round_stored_without_them(app):
    _unmatched_beside_empty_places()
    matching_round = run_round()
    assert matching_round.gaps is None

    ran = app.test_cli_runner().invoke(args=["round", "gaps", str(matching_round.id)])

    assert ran.exit_code == 0, ran.output
    assert "2 student(s) without a proposal, 2 place(s) empty" in ran.output
    db.session.expire_all()
    kept = db.session.get(MatchingRound, matching_round.id).gaps
    assert round_gaps.from_document(kept).unmatched == 2


def test_the_gaps_command_refuses_a_round_that_is_not_completed(app):
    draft = rounds.create(db.session, "Draft")
    db.session.commit()

    ran = app.test_cli_runner().invoke(args=["round", "gaps", str(draft.id)])

    assert ran.exit_code == 1
    assert f"No completed round {draft.id}" in ran.output
