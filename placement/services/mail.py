"""Email: one function to send a message built from a text template."""

from __future__ import annotations

from flask import current_app, render_template
from flask_mailman import EmailMessage


def send(to: str, subject: str, template: str, **context: object) -> None:
    """Send a plain-text email rendered from templates/email/<template>.txt."""
    body = render_template(f"email/{template}.txt", **context)
    message = EmailMessage(
        subject=f"{subject} - {current_app.config['SERVICE_NAME']}",
        body=body,
        to=[to],
    )
    message.send()
