"""The queue path on a real Redis (db 12 unless TEST_JOBS_REDIS_URL says otherwise): jobs run on
RQ's SimpleWorker, and with Redis down the pages still work, the work waits in the database, and
it resumes when Redis is back and the sweep runs."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select
from support.factories import create_user
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round
from support.security import free_port

from placement import jobs
from placement.extensions import db
from placement.jobs import schedule
from placement.models import MatchingRound, OutboxMessage
from placement.services import accounts, offers, rounds

PASSWORD = "correct horse battery staple"
REDIS_URL = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def redis_url(app) -> Iterator[str]:
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    _point_at(app, REDIS_URL)
    yield REDIS_URL
    connection.flushdb()
    connection.close()


def _point_at(app, url: str) -> None:
    app.config["REDIS_URL"] = url
    app.extensions.pop("placement_redis", None)


def _work(url: str) -> None:
    """One SimpleWorker over every queue, until they are empty (it runs jobs in this process)."""
    connection = Redis.from_url(url)
    queues = [Queue(name, connection=connection) for name in jobs.QUEUES]
    SimpleWorker(queues, connection=connection).work(burst=True)


def _queued_jobs(url: str) -> dict[str, int]:
    connection = Redis.from_url(url)
    return {name: Queue(name, connection=connection).count for name in jobs.QUEUES}


def _round_status(round_id: int) -> str:
    db.session.expire_all()
    return db.session.get(MatchingRound, round_id).status


def test_a_round_queued_from_its_page_runs_on_an_rq_worker(app, client, redis_url):
    pool = make_pool()
    draft = rounds.create(db.session, "Queued round")
    db.session.commit()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    url = f"/coordinator/rounds/{draft.id}"

    submit(client, url + "/run", page=url)

    assert _queued_jobs(redis_url) == {"rounds": 1, "mail": 0, "default": 0}
    assert "Background work is delayed" not in text_of(client.get(url))
    _work(redis_url)
    assert _round_status(draft.id) == "completed"
    assert "Students proposed a role" in text_of(client.get(url))


def test_with_redis_down_pages_work_and_the_work_resumes_when_it_is_back(
    app, client, redis_url, outbox, caplog
):
    pool = make_pool(students=2, roles=2)
    published = run_round("Published")
    offers.approve(db.session, published.proposals[0].id)
    draft = rounds.create(db.session, "Waiting round")
    db.session.commit()
    _point_at(app, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    sign_in(client, pool["coordinator"].email, PASSWORD)
    url = f"/coordinator/rounds/{draft.id}"
    caplog.set_level(logging.WARNING)

    ran = submit(client, url + "/run", page=url)
    publish = submit(client, f"/coordinator/rounds/{published.id}/publish")
    page = text_of(client.get(url))

    assert (ran.status_code, publish.status_code) == (302, 302)
    assert "Background work is delayed" in page
    assert _round_status(draft.id) == "queued"
    waiting = db.session.execute(select(OutboxMessage.state)).scalars().all()
    assert waiting == ["waiting", "waiting"]
    assert "job not queued, it waits in the database: ConnectionError" in caplog.text

    _point_at(app, redis_url)
    assert schedule.sweep(app, db.session, overdue_seconds=0) == {"requeued": 3}
    _work(redis_url)

    assert _round_status(draft.id) == "completed"
    assert len(outbox.sent) == 2  # delivered by the RQ worker, not by reading the outbox
    assert "Background work is delayed" not in text_of(client.get(url))


def test_a_job_that_raises_on_the_worker_is_logged_by_name_and_error_type(
    app, client, redis_url, caplog, monkeypatch
):
    address = "known.student@example.org"
    create_user("student", address)

    def broken(*args, **kwargs):
        raise RuntimeError(f"could not reset {address}")

    monkeypatch.setattr(accounts, "start_password_reset", broken)
    submit(client, "/forgot-password", {"email": address})
    caplog.set_level(logging.INFO)

    _work(redis_url)

    failures = [r.getMessage() for r in caplog.records if r.name == jobs.__name__]
    assert failures == ["job deliver email failed: RuntimeError"]
    assert address not in caplog.text
    assert address.encode() not in b"".join(
        Redis.from_url(redis_url).hget(key, "exc_info") or b""
        for key in Redis.from_url(redis_url).keys("rq:job:*")
    )


def test_the_worker_command_says_what_to_set_without_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_the_worker_command_runs_queued_work_until_the_queues_are_empty(app, redis_url):
    make_pool()
    draft = rounds.create(db.session, "Command round")
    rounds.queue(db.session, draft.id)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["worker", "--burst", "--queues", "rounds"])

    assert result.exit_code == 0, result.output
    assert _round_status(draft.id) == "completed"
