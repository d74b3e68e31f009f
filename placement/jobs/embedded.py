"""The in-process worker of the demo (no Redis): a thread that finds due work in the database
and runs the same job functions an RQ worker runs.

It differs from production in that one thread does everything, in the web process: a round
being solved delays the emails behind it, and the work stops when the process stops (it resumes,
from the database, when the process starts again).
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress

from flask import Flask

from placement.extensions import db
from placement.jobs import JobFailed, mail, rounds, schedule
from placement.services import mail as mail_service
from placement.services import rounds as round_service

log = logging.getLogger(__name__)


def run_due(app: Flask) -> int:
    """Run every job due now, once each; returns how many ran."""
    with app.app_context():
        message_ids = mail_service.due_ids(db.session)
        round_ids = round_service.queued_ids(db.session)
        db.session.remove()
        ran = 0
        for job, ids in ((rounds.run, round_ids), (mail.deliver, message_ids)):
            for object_id in ids:
                with suppress(JobFailed):  # logged by the job, by name and error type
                    job(object_id)
                ran += 1
    return ran


def drain(app: Flask, rounds_limit: int = 50) -> int:
    """Run due work until none is left (what a test calls instead of a worker)."""
    total = 0
    for _ in range(rounds_limit):
        ran = run_due(app)
        if not ran:
            return total
        total += ran
    return total


def tick(app: Flask) -> None:
    """The scheduled maintenance, in-process."""
    with app.app_context():
        try:
            schedule.maintain(app, db.session)
        finally:
            db.session.remove()


class Worker(threading.Thread):
    """Polls the database every ``poll_seconds`` (at once when woken) and runs what is due;
    the scheduled maintenance runs every SCHEDULE_SECONDS."""

    def __init__(self, app: Flask, poll_seconds: float = 2.0) -> None:
        super().__init__(name="placement-embedded-worker", daemon=True)
        self.app = app
        self.poll_seconds = poll_seconds
        self.woken = threading.Event()
        self.stopped = threading.Event()

    def run(self) -> None:
        since_tick = float("inf")
        schedule_seconds = self.app.config["SCHEDULE_SECONDS"]
        while not self.stopped.is_set():
            if since_tick >= schedule_seconds:
                self._guarded(tick, "scheduled tick")
                since_tick = 0.0
            self._guarded(drain, "due work")
            self.woken.wait(self.poll_seconds)
            self.woken.clear()
            since_tick += self.poll_seconds

    def _guarded(self, step, name: str) -> None:  # type: ignore[no-untyped-def]
        try:
            step(self.app)
        except Exception as error:  # the loop must outlive any one failure; logged by kind only
            log.error("in-process worker: %s failed: %s", name, type(error).__name__)

    def stop(self) -> None:
        self.stopped.set()
        self.woken.set()


def start(app: Flask) -> Worker:
    worker = Worker(app)
    app.extensions["placement_embedded_worker"] = worker
    worker.start()
    return worker


def wake(app: Flask) -> None:
    """Tell the in-process worker, if this app runs one, that work is due."""
    worker = app.extensions.get("placement_embedded_worker")
    if worker is not None:
        worker.woken.set()
