"""Several hosts: two gunicorn app servers and an RQ worker, each in a network namespace of its own
(veth pairs to this one), sharing PostgreSQL and Redis through the host side. Through both servers
at once coordinators approve proposals (no student placed twice, no role over capacity) and
publish offers; an app server killed right after a publish commits loses no email, and a worker
killed mid-round leaves a failed round with nothing stored, which then runs again.

Where network namespaces are not available (not root, no iproute2 or socat) the same processes
run on loopback, and the test says so in its output (SEVERAL_HOSTS_LOOPBACK=1 asks for that).
Needs PostgreSQL (TEST_DATABASE_URL) and Redis (db 12); about a minute on two cores.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from sqlalchemy import create_engine, func, make_url, select, text
from support.factories import create_coordinator, create_role
from support.hosts import VENV_BIN, Browser, Network, kill, wait_until
from support.rounds import make_pool
from support.security import app_config, free_port

from placement import create_app
from placement.extensions import db
from placement.models import (
    MatchingRound,
    Offer,
    Organisation,
    OutboxMessage,
    PlacementRole,
    Proposal,
)
from placement.services import rounds, taxonomy

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
REDIS_DB = 12


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            contents = [envelope.content.decode() for envelope in self.envelopes]
        return [content.split("Message-ID: ")[1].split()[0] for content in contents]


@pytest.fixture
def database() -> Iterator[str]:
    """A PostgreSQL database of its own beside TEST_DATABASE_URL's, with the schema."""
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("several hosts share PostgreSQL: set TEST_DATABASE_URL")
    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{base.database}_hosts"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def network() -> Iterator[Network]:
    network = Network.create()
    mode = "network namespaces" if network.isolated else "loopback processes (no namespaces)"
    sys.stdout.write(f"\nseveral hosts: running on {mode}\n")
    try:
        yield network
    finally:
        network.teardown()


def _environment(network, host, database: str, smtp_port: int) -> dict[str, str]:
    url = make_url(database)
    return {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": url.set(
            host=host.gateway, port=network.forward(host, url.port or 5432)
        ).render_as_string(hide_password=False),
        "REDIS_URL": f"redis://{host.gateway}:{network.forward(host, 6379)}/{REDIS_DB}",
        "SECRET_KEY": "several hosts test, not for production",
        "MAIL_SERVER": "127.0.0.1" if not network.isolated else host.gateway,
        "MAIL_PORT": str(smtp_port),
        "SESSION_COOKIE_SECURE": "false",
        "HSTS": "false",
        "ROUND_HEARTBEAT_SECONDS": "1",
        "ROUND_STALE_SECONDS": "4",
        "SCHEDULE_SECONDS": "2",
        "SWEEP_GRACE_SECONDS": "2",
    }


def _app_server(network, host, env, logs: Path):  # type: ignore[no-untyped-def]
    port = 8000 if network.isolated else free_port()
    args = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"{host.address}:{port}"]
    process = network.start(host, [*args, "placement:create_app()"], env, logs / f"{host.name}.log")
    base = f"http://{host.address}:{port}"
    wait_until(lambda: _answers(base), 60, f"{host.name} to answer")
    return process, base


def _answers(base: str) -> bool:
    try:
        return Browser(base).get("/healthz")[0] == 200
    except OSError:
        return False


def _worker(network, host, env, logs: Path):  # type: ignore[no-untyped-def]
    args = [str(VENV_BIN / "placement"), "worker", "--with-scheduler"]
    return network.start(host, args, env, logs / f"{host.name}.log")


def _signed_in(base: str, email: str) -> Browser:
    browser = Browser(base)
    status, _ = browser.post("/sign-in", {"email": email, "password": PASSWORD})
    assert status == 302, f"could not sign in on {base}"
    return browser


def _approve_all(browser: Browser, round_id: int, proposal_ids: list[int]) -> None:
    page = f"/coordinator/rounds/{round_id}"
    for proposal_id in proposal_ids:
        status, _ = browser.post(f"{page}/proposals/{proposal_id}/approve", {}, page=page)
        assert status == 302


def _count(query) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.execute(query).scalar_one()


def test_two_app_servers_and_a_worker_on_their_own_hosts(database, network, tmp_path):
    app = create_app(app_config(database))
    inbox = Inbox()
    web_one, web_two, worker_host = (network.add(name) for name in ("web1", "web2", "work"))
    smtp = Controller(inbox, hostname=worker_host.gateway, port=free_port())
    smtp.start()
    Redis(db=REDIS_DB).flushdb()
    with app.app_context():
        db.create_all()
        taxonomy.load_skills(db.session)
        db.session.commit()
        pool = make_pool(students=8, roles=4, places=1)
        second_coordinator = create_coordinator()
        first = rounds.run_or_fail(db.session, rounds.create(db.session, "First").id)
        db.session.commit()
        second = rounds.run_or_fail(db.session, rounds.create(db.session, "Second").id)
        db.session.commit()
        emails = (pool["coordinator"].email, second_coordinator.email)
        organisation_id = pool["organisation"].id
        first_id, second_id = first.id, second.id
        first_ids = [p.id for p in first.proposals]
        second_ids = [p.id for p in reversed(second.proposals)]  # the other way round
    locker = create_engine(database)
    try:
        env = {
            name: _environment(network, host, database, smtp.port)
            for name, host in (("web1", web_one), ("web2", web_two), ("work", worker_host))
        }
        _, base_one = _app_server(network, web_one, env["web1"], tmp_path)
        server_two, base_two = _app_server(network, web_two, env["web2"], tmp_path)
        worker = _worker(network, worker_host, env["work"], tmp_path)
        one = _signed_in(base_one, emails[0])
        two = _signed_in(base_two, emails[1])

        # Both servers approve at once: each round proposes the same students for the roles.
        threads = [
            threading.Thread(target=_approve_all, args=(one, first_id, first_ids)),
            threading.Thread(target=_approve_all, args=(two, second_id, second_ids)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        with app.app_context():
            held = (
                select(Proposal.student_id, func.count())
                .where(Proposal.status.in_(("approved", "offered")))
                .group_by(Proposal.student_id)
            )
            assert all(count == 1 for _, count in db.session.execute(held)), "placed twice"
            roles = db.session.execute(select(PlacementRole)).scalars().all()
            assert all(0 <= role.places_taken <= role.places for role in roles), "over capacity"
            approved = {
                round_id: _count(
                    select(func.count(Proposal.id)).where(
                        Proposal.round_id == round_id, Proposal.status == "approved"
                    )
                )
                for round_id in (first_id, second_id)
            }
            assert sum(approved.values()) == sum(role.places_taken for role in roles) > 0

        # Publish through both; server two is killed as soon as its publish has committed.
        calm, killed = sorted(approved, key=approved.get)
        if approved[calm]:
            assert one.post(f"/coordinator/rounds/{calm}/publish", {})[0] == 302
        assert two.post(f"/coordinator/rounds/{killed}/publish", {})[0] == 302
        kill(server_two, signal.SIGKILL)
        Redis(db=REDIS_DB).delete("rq:queue:mail")  # and the queued jobs are lost as well
        with app.app_context():
            offers = _count(select(func.count(Offer.id)))
            assert offers == sum(approved.values())
            messages = _count(select(func.count(OutboxMessage.id)))
            assert messages == 2 * offers  # the student and the organisation's one member
            wait_until(
                lambda: (
                    _count(
                        select(func.count(OutboxMessage.id)).where(OutboxMessage.state == "sent")
                    )
                    == messages
                ),
                60,
                "every offer email to be sent",
            )
        ids = inbox.message_ids()
        assert len(ids) == len(set(ids)) == messages  # every one delivered, once

        # A worker killed mid-round: the round fails with nothing stored and runs again.
        with app.app_context():
            organisation = db.session.get(Organisation, organisation_id)
            for number in range(2):
                create_role(organisation, title=f"Late role {number}", places=1)
            late = rounds.create(db.session, "Interrupted")
            db.session.commit()
            late_id = late.id
        # The round's snapshot waits on this lock: the worker is mid-round when it is killed.
        blocker = locker.connect()
        blocker.execute(text("LOCK TABLE student_profiles IN ACCESS EXCLUSIVE MODE"))
        page = f"/coordinator/rounds/{late_id}"
        assert one.post(page + "/run", {}, page=page)[0] == 302
        with app.app_context():
            wait_until(lambda: _status(late_id) == "running", 30, "the worker to start the round")
        kill(worker, signal.SIGKILL)
        blocker.rollback()
        blocker.close()
        _worker(network, worker_host, env["work"], tmp_path)
        with app.app_context():
            wait_until(lambda: _status(late_id) == "failed", 60, "the dead round to fail")
            assert _count(select(func.count(Proposal.id)).where(Proposal.round_id == late_id)) == 0
            assert db.session.get(MatchingRound, late_id).result is None
        _, html = one.get(page)
        assert "Run this round again" in html and "stopped before it finished" in html
        assert one.post(page + "/run", {}, page=page)[0] == 302
        with app.app_context():
            wait_until(lambda: _status(late_id) == "completed", 60, "the re-run to complete")
            assert _count(select(func.count(Proposal.id)).where(Proposal.round_id == late_id)) > 0
    finally:
        locker.dispose()
        smtp.stop()
        Redis(db=REDIS_DB).flushdb()
        with app.app_context():
            db.engine.dispose()


def _status(round_id: int) -> str:
    db.session.expire_all()
    return db.session.execute(
        select(MatchingRound.status).where(MatchingRound.id == round_id)
    ).scalar_one()
