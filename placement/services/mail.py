"""Email: one function to send a message built from a text template.

A message sent while answering a request is built in the request (templates and `url_for` work
there) and delivered after the response has been sent, so no answer waits for the mail server:
a password reset for a known account comes back as fast as one for an unknown address. A request
that fails sends nothing it queued. Outside a request (a CLI command) a message goes at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from flask import Flask, current_app, g, has_request_context, render_template
from flask_mailman import EmailMessage
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queued:
    """A message waiting for the end of the request, with the template it came from (for logs)."""

    template: str
    message: EmailMessage


def send(to: str, subject: str, template: str, **context: object) -> None:
    """Send a plain-text email rendered from templates/email/<template>.txt."""
    body = render_template(f"email/{template}.txt", **context)
    message = EmailMessage(
        subject=f"{subject} - {current_app.config['SERVICE_NAME']}",
        body=body,
        to=[to],
    )
    if has_request_context():
        g.setdefault("queued_mail", []).append(Queued(template, message))
    else:
        message.send()


def discard_queued() -> None:
    """Forget what this request queued: it failed, so what the emails announce was not saved."""
    queued = g.pop("queued_mail", [])
    if queued:
        log.warning("%d email(s) not sent: the request failed", len(queued))


def _deliver(queued: list[Queued]) -> None:
    """Send each message; a failure is logged (never an address or the body) and the rest go."""
    for item in queued:
        try:
            item.message.send()
        except (OSError, ValueError) as error:  # SMTP and socket errors; a refused address
            log.error("email %r not sent: %s", item.template, type(error).__name__)


def _deliver_later(app: Flask, queued: list[Queued]) -> None:
    """Called when the server closes the response, after it has been sent, outside the request."""
    with app.app_context():
        _deliver(queued)


def _send_after_response(response: Response) -> Response:
    """Hand this request's emails to the response, to be sent once the response has gone."""
    if response.status_code >= 500:
        discard_queued()
        return response
    queued = g.pop("queued_mail", [])
    if not queued:
        return response
    if response.direct_passthrough:
        # A file handed to the server as it is: the server never closes this response.
        _deliver(queued)
    else:
        app = current_app._get_current_object()
        response.call_on_close(partial(_deliver_later, app, queued))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_send_after_response)
