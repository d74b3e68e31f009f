"""The round job: run one queued round, with its stage and a heartbeat the round page reads."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from placement.extensions import db
from placement.jobs import job_session
from placement.services import round_gaps, rounds

log = logging.getLogger(__name__)


def run(round_id: int) -> str:
    """Claim the round (committed, so the page shows it running), then snapshot, solve, check
    and store it in one transaction; returns its status afterwards."""
    with job_session("run round") as session:
        token = uuid.uuid4().hex
        if not rounds.claim(session, round_id, token, statuses=("queued",)):
            session.rollback()
            return "not runnable"
        session.commit()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with _heartbeat(app, round_id, token):
            try:
                rounds.execute(
                    session,
                    round_id,
                    token,
                    progress=lambda stage: _stage(app, round_id, token, stage),
                )
            except rounds.RoundFailed as failure:
                session.rollback()
                rounds.record_failure(session, round_id, str(failure))
                session.commit()
                return "failed"
            session.commit()
        keep_gaps(session, round_id)
        return "completed"


def keep_gaps(session: Session, round_id: int) -> None:
    """Work out and keep what stands between the unmatched and the empty places, after the
    round is committed (here and in ``placement round run``): a failure leaves the round
    completed, and its page says the analysis is not ready (small rounds work it out on the
    page instead)."""
    try:
        round_gaps.store(session, round_id)
        session.commit()
    except Exception as error:  # the round stands whatever goes wrong here
        session.rollback()
        log.warning("round gaps not kept for round %s: %s", round_id, type(error).__name__)


def _on_own_connection(app: Flask, write) -> bool:  # type: ignore[no-untyped-def]
    """Commit ``write`` on a session of its own, beside the round's open transaction."""
    with app.app_context():
        session: Session = db.session
        try:
            done = write(session)
            session.commit()
            return bool(done)
        except SQLAlchemyError as error:  # SQLite busy while the round stores: beat again later
            session.rollback()
            log.warning("round progress not recorded: %s", type(error).__name__)
            return True


def _stage(app: Flask, round_id: int, token: str, stage: str) -> None:
    _on_own_connection(app, lambda session: rounds.record_stage(session, round_id, token, stage))


@contextmanager
def _heartbeat(app: Flask, round_id: int, token: str) -> Iterator[None]:
    """Beat every ROUND_HEARTBEAT_SECONDS while the round runs (the solver holds no lock we
    need: the beat is its own short transaction)."""
    stop = threading.Event()
    interval = app.config["ROUND_HEARTBEAT_SECONDS"]

    def beat() -> None:
        while not stop.wait(interval):
            alive = _on_own_connection(app, lambda session: rounds.beat(session, round_id, token))
            if not alive:
                return

    thread = threading.Thread(target=beat, name=f"round-{round_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 10)
