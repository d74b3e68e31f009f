"""Rounds run as jobs: Run queues the round (once, however many press it), the worker records each
stage and a heartbeat, a round whose worker died is failed with nothing stored and runs again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from support.factories import create_coordinator
from support.http import csrf_token, sign_in, text_of
from support.rounds import make_pool

from placement.errors import Conflict
from placement.extensions import db
from placement.jobs import embedded, schedule
from placement.jobs import rounds as round_jobs
from placement.models import MatchingRound, Proposal
from placement.models._types import utcnow
from placement.services import mail, rounds

PASSWORD = "correct horse battery staple"


def _draft(name: str = "Round") -> MatchingRound:
    draft = rounds.create(db.session, name)
    db.session.commit()
    return draft


def _proposals(round_id: int) -> int:
    query = select(func.count(Proposal.id)).where(Proposal.round_id == round_id)
    return db.session.execute(query).scalar_one()


def _reloaded(round_id: int) -> MatchingRound:
    db.session.expire_all()
    return db.session.get(MatchingRound, round_id)


def test_two_coordinators_pressing_run_at_once_get_one_run(app, client):
    pool = make_pool()
    other = app.test_client()
    draft = _draft()
    url = f"/coordinator/rounds/{draft.id}"
    sign_in(client, pool["coordinator"].email, PASSWORD)
    sign_in(other, create_coordinator().email, PASSWORD)
    tokens = [csrf_token(text_of(each.get(url))) for each in (client, other)]

    answers = [
        each.post(url + "/run", data={"csrf_token": token}, follow_redirects=True)
        for each, token in zip((client, other), tokens, strict=True)
    ]

    assert "The round is queued to run" in text_of(answers[0])
    assert "already queued, running or done" in text_of(answers[1])
    assert embedded.drain(app) == 1
    assert _reloaded(draft.id).status == "completed"
    assert _proposals(draft.id) == 2


def test_the_worker_records_each_stage_in_order(app, monkeypatch):
    make_pool()
    draft = _draft()
    rounds.queue(db.session, draft.id)
    db.session.commit()
    seen: list[str] = []
    record = rounds.record_stage

    def spy(session, round_id, token, stage):
        seen.append(stage)
        return record(session, round_id, token, stage)

    monkeypatch.setattr(rounds, "record_stage", spy)

    assert round_jobs.run(draft.id) == "completed"

    assert seen == ["scoring", "solving", "certifying", "storing"]
    done = _reloaded(draft.id)
    assert (done.status, done.stage, done.run_token is not None) == ("completed", None, True)


def test_the_round_page_shows_the_stage_and_a_refresh_link_while_it_runs(app, client):
    pool = make_pool()
    draft = _draft()
    assert rounds.claim(db.session, draft.id, "a-token")
    assert rounds.record_stage(db.session, draft.id, "a-token", "solving")
    db.session.commit()
    sign_in(client, pool["coordinator"].email, PASSWORD)

    page = text_of(client.get(f"/coordinator/rounds/{draft.id}"))
    status = client.get(f"/coordinator/rounds/{draft.id}/status.json").get_json()

    assert 'Stage: <strong data-round-stage aria-live="polite">Solving</strong>' in page
    assert f'href="/coordinator/rounds/{draft.id}">Refresh this page' in page
    assert status == {"status": "running", "stage": "Solving"}


def test_a_round_whose_worker_died_is_failed_with_nothing_stored_and_runs_again(app, client):
    pool = make_pool()
    draft = _draft()
    assert rounds.claim(db.session, draft.id, "dead-worker")
    db.session.commit()
    stale = utcnow() - timedelta(seconds=app.config["ROUND_STALE_SECONDS"] + 1)
    db.session.execute(update(MatchingRound).values(heartbeat_at=stale))
    db.session.commit()

    done = schedule.maintain(app, db.session)

    assert done["rounds_failed"] == 1
    failed = _reloaded(draft.id)
    assert failed.status == "failed" and "stopped before it finished" in failed.error
    assert _proposals(draft.id) == 0 and failed.result is None
    sign_in(client, pool["coordinator"].email, PASSWORD)
    url = f"/coordinator/rounds/{draft.id}"
    page = text_of(client.get(url))
    assert "Run this round again" in page
    client.post(url + "/run", data={"csrf_token": csrf_token(page)})
    embedded.drain(app)
    assert _reloaded(draft.id).status == "completed"
    assert _proposals(draft.id) == 2


def test_a_worker_declared_dead_cannot_store_its_late_result(app):
    make_pool()
    draft = _draft()
    assert rounds.claim(db.session, draft.id, "slow-worker")
    db.session.commit()
    db.session.execute(update(MatchingRound).values(heartbeat_at=utcnow() - timedelta(hours=1)))
    assert rounds.fail_stale(db.session, 60) == [draft.id]
    db.session.commit()

    with pytest.raises(rounds.RoundFailed, match="stopped before it finished"):
        rounds.execute(db.session, draft.id, "slow-worker")
    db.session.rollback()

    assert _proposals(draft.id) == 0
    assert _reloaded(draft.id).status == "failed"


def test_a_round_already_queued_is_not_queued_again(app):
    make_pool()
    draft = _draft()
    rounds.queue(db.session, draft.id)
    db.session.commit()
    with pytest.raises(Conflict, match="already queued"):
        rounds.queue(db.session, draft.id)
    db.session.rollback()
    assert round_jobs.run(draft.id) == "completed"
    assert round_jobs.run(draft.id) == "not runnable"  # a duplicate job does nothing
    assert _proposals(draft.id) == 2


def test_the_command_line_queues_a_round_when_asked_and_runs_it_in_process_by_default(app):
    make_pool()
    runner = app.test_cli_runner()

    queued = runner.invoke(args=["round", "run", "--name", "Queued", "--queue"])
    in_process = runner.invoke(args=["round", "run", "--name", "Here"])

    assert queued.exit_code == 0 and "queued: a worker" in queued.output, queued.output
    assert in_process.exit_code == 0 and "2 placed" in in_process.output, in_process.output
    waiting = db.session.execute(
        select(MatchingRound).where(MatchingRound.name == "Queued")
    ).scalar_one()
    assert waiting.status == "queued"
    embedded.drain(app)
    assert _reloaded(waiting.id).status == "completed"


def test_the_demo_worker_thread_runs_a_queued_round_and_sends_its_email_without_redis(app, outbox):
    make_pool()
    draft = _draft()
    worker = embedded.start(app)
    try:
        rounds.queue(db.session, draft.id)
        mail.send(db.session, "someone@example.org", "Hello", "confirm", link="http://x/y")
        db.session.commit()  # wakes the thread: no drain here
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            _reloaded(draft.id).status == "completed" and outbox.sent
        ):
            time.sleep(0.1)
    finally:
        worker.stop()
        worker.join(timeout=10)
    assert _reloaded(draft.id).status == "completed"
    assert [message.to for message in outbox.sent] == [["someone@example.org"]]


@pytest.mark.parametrize("status", ["draft", "failed", "completed"])
def test_a_worker_runs_only_a_queued_round(app, status):
    make_pool()
    draft = _draft()
    db.session.execute(update(MatchingRound).values(status=status))
    db.session.commit()

    assert round_jobs.run(draft.id) == "not runnable"

    assert _reloaded(draft.id).status == status
    assert _proposals(draft.id) == 0
