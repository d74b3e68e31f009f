"""Work a transaction makes due (an email to send, a round to run), handed on once it commits.

A service notes the work on its session with `due`; nothing here knows about queues. Whatever
listens (:mod:`placement.jobs.dispatch`) is told with `on_commit` after the transaction commits,
and nothing is told if it rolls back. The rows themselves are the record: work that is never
handed on (no queue, a queue that is down) is found again by the periodic sweep.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

Listener = Callable[[list[tuple[str, int]]], None]
_KEY = "placement_due_work"
_listeners: list[Listener] = []


def due(session: Session, kind: str, object_id: int) -> None:
    """``kind`` work on row ``object_id`` is due once this session's transaction commits."""
    session.info.setdefault(_KEY, []).append((kind, object_id))


def on_commit(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    noted = session.info.pop(_KEY, [])
    if noted:
        for listener in _listeners:
            listener(noted)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_KEY, None)
