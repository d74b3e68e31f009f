"""Scheduled work, run by the worker's tick and not only when someone opens a page: offers past
their deadline expire, and a reminder goes two days before an offer's deadline, once per offer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.jobs import schedule
from placement.models import Offer, OutboxMessage
from placement.models._types import utcnow
from placement.services import offers


def _offer(pool: dict) -> Offer:
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    db.session.commit()
    [made] = offers.publish(db.session, matching_round, 7)
    db.session.commit()
    return made


def _deadline_in(offer: Offer, delta: timedelta) -> None:
    db.session.execute(update(Offer).where(Offer.id == offer.id).values(deadline=utcnow() + delta))
    db.session.commit()


def _reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.template == "offer_reminder")
    return list(db.session.execute(query).scalars())


def test_a_reminder_goes_two_days_before_the_deadline_once_per_offer(app, outbox):
    pool = make_pool(students=1, roles=1)
    offer = _offer(pool)
    assert schedule.maintain(app, db.session)["offers_reminded"] == 0  # a week to go

    _deadline_in(offer, timedelta(days=1, hours=20))
    first = schedule.maintain(app, db.session)
    second = schedule.maintain(app, db.session)

    assert (first["offers_reminded"], second["offers_reminded"]) == (1, 0)
    reminded = sorted(message.recipient for message in _reminders())
    assert reminded == sorted([pool["students"][0].user.email, pool["member"].email])
    delivered = [m for m in outbox if "needs an answer" in m.subject]
    assert len(delivered) == 2
    assert "http://127.0.0.1:5000/student/offers" in "".join(m.body for m in delivered)


def test_only_the_side_that_has_not_answered_is_reminded(app):
    pool = make_pool(students=1, roles=1)
    offer = _offer(pool)
    db.session.execute(
        update(Offer).where(Offer.id == offer.id).values(student_response="accepted")
    )
    _deadline_in(offer, timedelta(days=1))

    schedule.maintain(app, db.session)

    assert [message.recipient for message in _reminders()] == [pool["member"].email]


def test_the_tick_expires_offers_past_their_deadline(app):
    pool = make_pool(students=1, roles=1)
    offer = _offer(pool)
    _deadline_in(offer, timedelta(minutes=-1))

    assert schedule.maintain(app, db.session)["offers_expired"] == 1

    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "expired"
    assert _reminders() == []
