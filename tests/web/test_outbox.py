"""The outbox: every email is a row saved with the change it announces, delivered by a job that
claims it first, retried with backoff while the mail server is down, failed after the documented
number of attempts, and sent again by a coordinator on request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round
from support.security import free_port

from placement.extensions import db
from placement.extensions import mail as mailman
from placement.jobs import embedded
from placement.jobs import mail as mail_jobs
from placement.models import AuditEvent, Offer, OutboxMessage
from placement.models._types import utcnow
from placement.services import mail, offers

PASSWORD = "correct horse battery staple"


class Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _use_smtp(app, port: int) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    app.extensions["mailman"] = mailman.init_mail(app.config, app.testing)


def _published(client) -> tuple[dict, Offer]:
    """A pool, a round with one approved proposal, published by the coordinator's page."""
    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    db.session.commit()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    submit(client, f"/coordinator/rounds/{matching_round.id}/publish")
    return pool, db.session.execute(select(Offer)).scalar_one()


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _make_due() -> None:
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def test_publishing_saves_each_offer_email_with_the_offer_and_the_page_shows_its_state(
    app, client, outbox
):
    pool, offer = _published(client)

    waiting = _messages()
    assert sorted(m.recipient for m in waiting) == sorted(
        [pool["students"][0].user.email, pool["member"].email]
    )
    assert {(m.state, m.offer_id) for m in waiting} == {("waiting", offer.id)}
    assert "0 sent, 2 waiting, 0 failed" in text_of(client.get("/coordinator/offers"))

    assert len(outbox) == 2  # the delivery jobs ran

    assert {m.state for m in _messages()} == {"sent"}
    assert "2 sent, 0 waiting, 0 failed" in text_of(client.get("/coordinator/offers"))
    page = text_of(client.get(f"/coordinator/offers/{offer.id}/emails"))
    assert page.count("Sent") >= 2 and pool["member"].email in page


def test_a_delivery_job_run_again_after_sending_sends_nothing(app, client, outbox):
    _published(client)
    first = _messages()[0]

    assert mail_jobs.deliver(first.id) == "sent"
    assert mail_jobs.deliver(first.id) == "not due"

    assert [message.to for message in outbox].count([first.recipient]) == 1
    assert len(outbox) == 2


def test_mail_server_down_the_messages_wait_and_retry_then_arrive_once(app, client):
    _use_smtp(app, free_port())  # nothing listens there yet
    _published(client)

    embedded.drain(app)

    after_failure = _messages()
    assert {(m.state, m.attempts, m.last_error_kind) for m in after_failure} == {
        ("waiting", 1, "ConnectionRefusedError")
    }
    assert all(m.next_attempt_at > utcnow() + timedelta(seconds=50) for m in after_failure)
    assert embedded.drain(app) == 0  # not due again before the backoff

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        _use_smtp(app, controller.port)
        _make_due()
        embedded.drain(app)
        embedded.drain(app)
    finally:
        controller.stop()

    assert {(m.state, m.attempts) for m in _messages()} == {("sent", 2)}
    assert len(handler.envelopes) == 2
    ids = [
        envelope.content.decode().split("Message-ID: ")[1].split()[0]
        for envelope in handler.envelopes
    ]
    assert len(set(ids)) == 2


def test_a_message_fails_after_the_last_attempt_and_a_coordinator_sends_it_again(
    app, client, outbox
):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    _use_smtp(app, free_port())
    _pool, offer = _published(client)
    for _ in range(3):
        _make_due()
        embedded.drain(app)
    failed = _messages()
    assert {(m.state, m.attempts) for m in failed} == {("failed", 3)}
    page = text_of(client.get(f"/coordinator/offers/{offer.id}/emails"))
    assert "Failed" in page and "ConnectionRefusedError" in page
    assert "0 sent, 0 waiting, 2 failed" in text_of(client.get("/coordinator/offers"))

    app.config["MAIL_BACKEND"] = "locmem"
    app.extensions["mailman"] = mailman.init_mail(app.config, app.testing)
    app.extensions["mailman"].outbox = outbox.sent
    page_url = f"/coordinator/offers/{offer.id}/emails"
    resent = submit(client, f"{page_url}/{failed[0].id}/resend", page=page_url, follow=True)

    assert "queued to be sent again" in text_of(resent)
    assert [message.to for message in outbox] == [[failed[0].recipient]]
    assert [m.state for m in _messages()] == ["sent", "failed"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "email_resent")
    ).scalar_one()
    assert event.object_id == str(failed[0].id)


def test_sending_again_without_the_form_token_is_refused(app, client):
    _use_smtp(app, free_port())
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    _pool, offer = _published(client)
    embedded.drain(app)
    message = _messages()[0]

    refused = client.post(f"/coordinator/offers/{offer.id}/emails/{message.id}/resend")

    assert refused.status_code == 400
    assert _messages()[0].state == "failed"


@pytest.mark.parametrize("state", ["sent", "waiting"])
def test_only_a_failed_message_can_be_sent_again(app, client, state):
    _pool, offer = _published(client)
    message = _messages()[0]
    db.session.execute(update(OutboxMessage).values(state=state))
    db.session.commit()
    page_url = f"/coordinator/offers/{offer.id}/emails"
    form_page = "/coordinator/rounds/new"  # any page with a form: this one shows no button
    answer = submit(client, f"{page_url}/{message.id}/resend", page=form_page, follow=True)
    assert "This message is not failed" in text_of(answer)


def test_a_message_whose_worker_died_mid_send_is_failed_not_sent_twice(app, client, outbox):
    _published(client)
    first = _messages()[0]
    assert mail.claim(db.session, first.id) is not None  # a worker took it, then died
    db.session.commit()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == first.id)
        .values(claimed_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()

    assert mail.give_up_stuck(db.session, app.config["MAIL_SENDING_STALE_SECONDS"]) == 1
    db.session.commit()

    assert len(outbox) == 1  # the other message; the stuck one is never sent again on its own
    stuck = db.session.get(OutboxMessage, first.id)
    assert (stuck.state, stuck.last_error_kind) == ("failed", "DeliveryUnknown")
