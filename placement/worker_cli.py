"""`placement worker`: an RQ worker over Redis for the service's queues, and the schedule."""

from __future__ import annotations

import logging
import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError
from rq import Worker

from placement import jobs
from placement.jobs import queue

log = logging.getLogger(__name__)
TICK_LOCK = "placement:schedule:tick"


@click.command("worker")
@click.option(
    "--queues",
    default=",".join(jobs.QUEUES),
    show_default=True,
    help="Comma-separated queues to take work from, in order of priority.",
)
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also queue the scheduled tick (expiry, reminders, the sweep) every SCHEDULE_SECONDS.",
)
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@with_appcontext
def worker(queues: str, with_scheduler: bool, burst: bool) -> None:
    """Run background jobs from Redis (REDIS_URL) until stopped."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    connection = queue.redis_for(app)
    if connection is None:
        raise click.ClickException(
            "REDIS_URL is not set. Set it to the Redis the web servers use, "
            "for example redis://127.0.0.1:6379/0."
        )
    names = [name.strip() for name in queues.split(",") if name.strip()]
    unknown = set(names) - set(jobs.QUEUES)
    if unknown:
        raise click.ClickException(
            f"Unknown queue {sorted(unknown)[0]}: choose from {', '.join(jobs.QUEUES)}."
        )
    jobs.set_app(app)
    if with_scheduler:
        _start_schedule(app)
    rq_worker = Worker(
        [queue.queue(app, name) for name in names],
        connection=connection,
        log_job_description=False,
    )
    try:
        rq_worker.work(burst=burst, with_scheduler=with_scheduler)
    finally:
        jobs.set_app(None)


def _start_schedule(app: Flask) -> threading.Thread:
    """Queue one tick every SCHEDULE_SECONDS across all workers: a Redis lock lets only the
    first scheduler of each interval queue it, so several hosts may run --with-scheduler."""
    seconds = app.config["SCHEDULE_SECONDS"]
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                if queue.redis_for(app).set(TICK_LOCK, "1", nx=True, ex=max(1, seconds - 1)):
                    queue.enqueue(app, "tick")
            except RedisError as error:
                log.warning("schedule: Redis unavailable: %s", type(error).__name__)
            if stop.wait(seconds):
                return

    thread = threading.Thread(target=loop, name="placement-schedule", daemon=True)
    thread.start()
    return thread
