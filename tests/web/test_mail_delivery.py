"""Email goes through the outbox: no page waits for the mail server; a failed request sends none.

A password reset for a known account must not take longer to answer than one for an unknown
address, or the delay would tell anyone which addresses have accounts: the request writes one
row either way and the job does the rest. The mail server here holds each message until the test
lets it go, so "answered before the email was accepted" is an ordering, not a race against a clock.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import click
import pytest
from aiosmtpd.controller import Controller
from flask import Flask, send_file
from sqlalchemy.exc import DataError, OperationalError
from support.factories import create_user
from support.http import csrf_token, submit
from support.security import free_port
from werkzeug.serving import make_server

from placement import jobs
from placement.extensions import db
from placement.extensions import mail as mailman
from placement.jobs import embedded
from placement.services import mail

KNOWN = "known.student@example.org"
UNKNOWN = "nobody.here@example.org"
HOLD_SECONDS = 10  # the longest the mail server holds a message if a test never lets it go


class HoldingInbox:
    """An aiosmtpd handler that holds each message until `release` is set, then accepts it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.holding = threading.Event()
        self.accepted = threading.Event()
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.holding.set()
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.release.wait, HOLD_SECONDS):
            return "451 Held too long, try again later"
        self.envelopes.append(envelope)
        self.accepted.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[tuple[Controller, HoldingInbox]]:
    handler = HoldingInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    handler.release.set()
    controller.stop()


def _use_smtp(app: Flask, port: int) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=15)
    app.extensions["mailman"] = mailman.init_mail(app.config, app.testing)


@pytest.fixture
def served(app: Flask, inbox: tuple[Controller, HoldingInbox]) -> Iterator[int]:
    """The service behind werkzeug's HTTP server on a loopback port, mailing the holding inbox."""
    controller, handler = inbox
    _use_smtp(app, controller.port)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    handler.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@dataclass
class Answer:
    status: int
    location: str | None
    body: bytes


def _request(port: int, method: str, path: str, **kwargs: object) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, **kwargs)  # type: ignore[arg-type]
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
    except TimeoutError:
        pytest.fail(f"{method} {path} got no answer: it waited for the mail server")
    finally:
        connection.close()
    return response


def post_form(port: int, path: str, form: dict[str, str]) -> Answer:
    """GET the form page, then POST the form with its CSRF token and cookie; the whole answer."""
    page = _request(port, "GET", path)
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = csrf_token(page.body.decode())  # type: ignore[attr-defined]
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({**form, "csrf_token": token})
    answer = _request(port, "POST", path, body=body, headers=headers)
    return Answer(answer.status, answer.getheader("Location"), answer.body)  # type: ignore[attr-defined]


def _deliver_in_background(app: Flask) -> threading.Thread:
    """Run the outbox's delivery jobs in another thread, as a worker would."""
    thread = threading.Thread(target=embedded.drain, args=(app,), daemon=True)
    thread.start()
    return thread


def test_a_reset_for_a_known_account_is_answered_before_the_mail_server_accepts_its_email(
    app, served, inbox
):
    _controller, handler = inbox
    create_user("student", KNOWN)

    answer = post_form(served, "/forgot-password", {"email": KNOWN})

    assert answer.status == 302
    assert not handler.holding.is_set()  # answered with nothing handed to the mail server
    worker = _deliver_in_background(app)
    assert handler.holding.wait(timeout=HOLD_SECONDS), "the email was never handed to the server"
    assert not handler.accepted.is_set()
    handler.release.set()
    assert handler.accepted.wait(timeout=HOLD_SECONDS)
    worker.join(timeout=HOLD_SECONDS)
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == [KNOWN]
    assert "/reset-password/" in envelope.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer_to_a_reset_request(app, served, inbox):
    _controller, handler = inbox
    handler.release.set()
    create_user("student", KNOWN)

    unknown = post_form(served, "/forgot-password", {"email": UNKNOWN})
    known = post_form(served, "/forgot-password", {"email": KNOWN})

    assert known == unknown
    assert known.location == "/forgot-password/sent"
    embedded.drain(app)
    assert handler.accepted.wait(timeout=HOLD_SECONDS)
    assert [envelope.rcpt_tos for envelope in handler.envelopes] == [[KNOWN]]


def _database_lost() -> None:
    raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))


def _value_refused() -> None:
    raise DataError("INSERT", {}, ValueError("a NUL character"))


def _bug() -> None:
    raise RuntimeError("a bug after the email was queued")


# How a request ends: what raises (if anything), the status it answers, whether its email goes.
ENDINGS: dict[str, tuple[Callable[[], None] | None, int, bool]] = {
    "succeeds": (None, 200, True),
    "raises an unexpected error": (_bug, 500, False),
    "loses the database": (_database_lost, 503, False),
    "sends a value the database refuses": (_value_refused, 400, False),
    "answers 503 itself": (None, 503, False),
}


def _email_someone() -> None:
    mail.send(
        db.session,
        "someone@example.org",
        "You already have an account",
        "already_registered",
        sign_in="http://localhost/sign-in",
        reset="http://localhost/forgot-password",
    )


@pytest.fixture
def email_then(app: Flask) -> Flask:
    """A page (for these tests only) that emails someone, then ends as its name says."""

    def page(ending: str) -> tuple[str, int]:
        _email_someone()
        failure, status, _sent = ENDINGS[ending]
        if failure is not None:
            failure()
        if status < 500:  # a page that answers 503 itself has not saved its work
            db.session.commit()
        return "done", status

    app.add_url_rule("/test/email-then/<ending>", view_func=page)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # error pages as in production, not a traceback
    return app


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_request_delivers_what_it_queued_only_if_it_succeeds(email_then, client, outbox, ending):
    _failure, status, sent = ENDINGS[ending]

    response = client.get(f"/test/email-then/{ending}")

    assert response.status_code == status
    assert [message.to for message in outbox] == ([["someone@example.org"]] if sent else [])


def test_an_email_queued_before_answering_with_a_file_is_still_sent(app, client, outbox):
    # A file is handed to the server as it is and the response is never closed: the email does
    # not depend on the response, only on the commit.
    def download() -> object:
        _email_someone()
        db.session.commit()
        return send_file(io.BytesIO(b"a,b\n"), mimetype="text/csv")

    app.add_url_rule("/test/email-then-file", view_func=download)

    response = client.get("/test/email-then-file")

    assert response.data == b"a,b\n"
    assert [message.to for message in outbox] == [["someone@example.org"]]


def test_an_email_queued_by_a_command_goes_once_the_command_commits(app, outbox):
    @app.cli.command("email-someone")
    def email_someone() -> None:
        _email_someone()
        db.session.commit()
        click.echo(f"{len(mail.due_ids(db.session))} waiting in the outbox")

    result = app.test_cli_runner().invoke(args=["email-someone"])

    assert result.exit_code == 0, result.output
    assert result.output == "1 waiting in the outbox\n"
    assert [message.to for message in outbox] == [["someone@example.org"]]


def test_an_email_the_mail_server_cannot_take_is_logged_without_its_address(app, client, caplog):
    _use_smtp(app, free_port())  # nothing listens there
    create_user("student", KNOWN)
    caplog.set_level(logging.INFO)

    known = submit(client, "/forgot-password", {"email": KNOWN})
    unknown = submit(client, "/forgot-password", {"email": UNKNOWN})
    embedded.drain(app)

    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/forgot-password/sent"
    failures = [r.getMessage() for r in caplog.records if r.name == jobs.mail.__name__]
    assert failures == [
        "email 'reset_password' attempt 1 not sent: ConnectionRefusedError (now waiting)"
    ]
    assert KNOWN not in caplog.text
