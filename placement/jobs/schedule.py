"""Scheduled work, every SCHEDULE_SECONDS: keep the database's work moving.

One tick fails rounds whose worker died, gives up messages stuck mid-send, expires offers past
their deadline, queues deadline reminders, and hands on work whose job was lost (Redis restarted,
a worker killed): messages and rounds still due in the database go on the queue again. Running
a job twice is harmless (each claims its row with a conditional update).
"""

from __future__ import annotations

from flask import Flask, current_app, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from placement.jobs import job_session, queue
from placement.services import mail, offers, reminders, rounds


def tick() -> dict[str, int]:
    """The scheduled job: maintenance, then the sweep onto the queue."""
    with job_session("scheduled tick") as session:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        done = maintain(app, session)
        done.update(sweep(app, session))
        return done


def maintain(app: Flask, session: Session) -> dict[str, int]:
    """Everything a tick does in the database, each part in its own transaction."""
    config = app.config
    done = {"rounds_failed": len(rounds.fail_stale(session, config["ROUND_STALE_SECONDS"]))}
    session.commit()
    done["messages_given_up"] = mail.give_up_stuck(session, config["MAIL_SENDING_STALE_SECONDS"])
    session.commit()
    done["offers_expired"] = offers.expire_overdue(session)
    session.commit()
    with app.test_request_context(base_url=config["PUBLIC_URL"]):  # links outside a request
        links = {
            "student": url_for("student.offers", _external=True),
            "organisation": url_for("organisation.offers", _external=True),
        }
    try:
        done["offers_reminded"] = reminders.send_due(session, config["REMINDER_DAYS"], links)
        session.commit()
    except IntegrityError:  # another scheduler reminded the same offer first
        session.rollback()
        done["offers_reminded"] = 0
    return done


def sweep(app: Flask, session: Session, overdue_seconds: float | None = None) -> dict[str, int]:
    """Queue again the messages and rounds due for longer than ``overdue_seconds`` (default
    SWEEP_GRACE_SECONDS: younger work was handed on when it was committed)."""
    grace = app.config["SWEEP_GRACE_SECONDS"] if overdue_seconds is None else overdue_seconds
    message_ids = mail.due_ids(session, overdue_seconds=grace)
    round_ids = rounds.queued_ids(session, waiting_seconds=grace)
    session.rollback()
    handed = sum(queue.enqueue(app, "mail", message_id) for message_id in message_ids)
    handed += sum(queue.enqueue(app, "round", round_id) for round_id in round_ids)
    return {"requeued": handed}
