"""Real SMTP: registering queues the confirmation link in the outbox, and its delivery job sends
it through an SMTP server on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from support.http import submit
from support.security import free_port

from placement.extensions import mail
from placement.jobs import embedded


class Collector:
    """An aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_registering_delivers_the_confirmation_link_by_smtp(app, client, smtp_server):
    controller, handler = smtp_server
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5
    )
    app.extensions["mailman"] = mail.init_mail(app.config, app.testing)
    response = submit(
        client,
        "/register/student",
        {"email": "smtp.student@example.org", "password": "purple elephants dance quietly"},
    )
    assert response.status_code == 302
    assert handler.envelopes == []  # written to the outbox; the job has not run yet
    assert embedded.drain(app) == 1
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.rcpt_tos == ["smtp.student@example.org"]
    message = envelope.content.decode()
    assert "Confirm your email address" in message
    link = re.search(r"http://localhost(/confirm/\S+)", message)
    assert link, message
    assert client.get(link.group(1)).status_code == 200
