"""Background work: one module per concern, each job a small function over one service call.

A job opens its own application context and session, calls a service, and commits. Jobs run on
RQ workers over Redis (``placement worker``), or, with no Redis, on the in-process worker of
:mod:`placement.jobs.embedded`. Either way the database holds the work: an outbox row, a queued
round. A job that fails is logged by its name and the kind of error, never its data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from placement.extensions import db

log = logging.getLogger(__name__)
QUEUES = ("rounds", "mail", "default")
_worker_app: Flask | None = None


class JobFailed(Exception):
    """A job raised; the message names the job and the kind of error only."""


def set_app(app: Flask | None) -> None:
    """The app a worker process runs its jobs in (``placement worker`` sets it)."""
    global _worker_app
    _worker_app = app


def job_app() -> Flask:
    """The app of the context the job runs in, else the worker's, else a new one."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is not None:
        return _worker_app
    from placement import create_app

    set_app(create_app())
    return _worker_app  # type: ignore[return-value]


@contextmanager
def job_session(name: str) -> Iterator[Session]:
    """An application context and a session of the job's own; a failure is logged by ``name``
    and error type, rolled back, and raised again without its text (which may hold data)."""
    app = job_app()
    with app.app_context():
        _forget_parent_connections(app)
        try:
            yield db.session
        except Exception as error:  # every failure of a job is logged the same way
            db.session.rollback()
            kind = type(error).__name__
            log.error("job %s failed: %s", name, kind)
            raise JobFailed(f"{name} failed: {kind}") from None
        finally:
            db.session.remove()


def _forget_parent_connections(app: Flask) -> None:
    """In a process forked to run one job (RQ's work horse), never reuse the parent's pooled
    database connections: open new ones."""
    pid = os.getpid()
    if app.extensions.setdefault("placement_jobs_pid", pid) != pid:
        for engine in db.engines.values():
            engine.dispose(close=False)
        app.extensions["placement_jobs_pid"] = pid
