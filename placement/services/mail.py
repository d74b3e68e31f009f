"""Email: one function to send a message built from a text template.

A message sent while answering a request is built in the request (templates and `url_for` work
there) and delivered after the response has been sent (:mod:`placement.after_response`), so no
answer waits for the mail server. Outside a request (a CLI command, or work already running after
a response) a message goes at once.
"""

from __future__ import annotations

import logging

from flask import current_app, has_request_context, render_template
from flask_mailman import EmailMessage

from placement import after_response

log = logging.getLogger(__name__)


def send(to: str, subject: str, template: str, **context: object) -> None:
    """Send a plain-text email rendered from templates/email/<template>.txt."""
    body = render_template(f"email/{template}.txt", **context)
    message = EmailMessage(
        subject=f"{subject} - {current_app.config['SERVICE_NAME']}",
        body=body,
        to=[to],
    )
    if has_request_context():
        after_response.defer(lambda: _deliver(template, message), f"email {template!r}")
    else:
        _deliver(template, message)


def _deliver(template: str, message: EmailMessage) -> None:
    """Send one message; a failure is logged (never an address or the body), not raised."""
    try:
        message.send()
    except (OSError, ValueError) as error:  # SMTP and socket errors; a refused address
        log.error("email %r not sent: %s", template, type(error).__name__)
