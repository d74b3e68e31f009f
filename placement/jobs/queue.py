"""Handing work to RQ: the Redis connection, the named queues, and what goes on which."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

log = logging.getLogger(__name__)

# What each kind of work runs, on which queue, and how long one run may take (seconds).
JOBS: dict[str, tuple[str, str, int]] = {
    "mail": ("mail", "placement.jobs.mail.deliver", 60),
    "round": ("rounds", "placement.jobs.rounds.run", 1800),
    "tick": ("default", "placement.jobs.schedule.tick", 300),
}


def redis_for(app: Flask) -> Redis | None:
    """The app's Redis connection, or None when REDIS_URL is not set."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    connection = app.extensions.get("placement_redis")
    if connection is None:
        # Short timeouts: a page that hands work on must not hang while Redis is down.
        connection = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
        app.extensions["placement_redis"] = connection
    return connection


def queue(app: Flask, name: str) -> Queue:
    return Queue(name, connection=redis_for(app))


def enqueue(app: Flask, kind: str, *args: Any) -> bool:
    """Put one job on its queue; False (logged, nothing raised) when Redis cannot take it.

    The work stays due in the database either way, and the sweep hands it on again later.
    """
    if redis_for(app) is None:
        return False
    name, function, timeout = JOBS[kind]
    try:
        queue(app, name).enqueue_call(
            function, args=args, timeout=timeout, result_ttl=0, failure_ttl=3600
        )
    except RedisError as error:
        log.warning("%s job not queued, it waits in the database: %s", kind, type(error).__name__)
        return False
    return True


def reachable(app: Flask) -> bool:
    """Whether the queue answers (always False without REDIS_URL)."""
    connection = redis_for(app)
    if connection is None:
        return False
    try:
        return bool(connection.ping())
    except RedisError:
        return False
