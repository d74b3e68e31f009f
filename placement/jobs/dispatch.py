"""Committed work goes to the queue, or wakes the in-process worker when there is no queue."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from placement import work
from placement.jobs import embedded, queue


def _hand_on(noted: list[tuple[str, int]]) -> None:
    if not has_app_context():
        return
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        for kind, object_id in noted:
            if not queue.enqueue(app, kind, object_id):
                break  # Redis is down: the rest wait in the database for the sweep too
    else:
        embedded.wake(app)


def init_app(app: Flask) -> None:
    work.on_commit(_hand_on)
