"""Work done once the response has been sent.

Email goes this way, so no answer waits for the mail server; so does the whole of a password reset
request, so the answer is the same work, and takes the same time, whether or not the account
exists. A task runs in an application context of its own, outside the request. A request that
fails (an error page, or a handler that rolled back) runs none of the tasks it deferred: what they
would announce was not saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app, g
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)
Task = Callable[[], None]


def defer(task: Task, name: str) -> None:
    """Run ``task`` after this request's response has been sent (the request must succeed).

    ``name`` says what the task is in the log if it fails; it must hold no personal data.
    """
    g.setdefault("after_response", []).append((name, task))


def discard() -> None:
    """Forget the tasks this request deferred: it failed."""
    tasks = g.pop("after_response", [])
    if tasks:
        log.warning("%d task(s) dropped: the request failed", len(tasks))


def _run(app: Flask, tasks: list[tuple[str, Task]]) -> None:
    """Each task in turn, each in its own application context; a failure is logged by its name and
    the kind of error only (an error's text can hold the data it was about), and the rest run."""
    for name, task in tasks:
        with app.app_context():
            try:
                task()
            except Exception as error:
                log.error("%s failed after the response: %s", name, type(error).__name__)


def _hand_over(response: Response) -> Response:
    """Give this request's tasks to the response, to run when the server closes it."""
    if response.status_code >= 500:
        discard()
        return response
    tasks = g.pop("after_response", [])
    if not tasks:
        return response
    app = current_app._get_current_object()
    if response.direct_passthrough:
        # A file handed to the server as it is: the server never closes this response.
        _run(app, tasks)
    else:
        response.call_on_close(partial(_run, app, tasks))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_hand_over)
