"""Browser tests: the service on a loopback port, driven by Playwright in Debian's Chromium.

The server runs in a thread of the test process on a fresh SQLite database; emails are written
as files (flask-mailman's file backend) so a test can open the links they carry.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from werkzeug.serving import make_server

from placement import create_app
from placement.extensions import db
from placement.jobs import embedded
from placement.services import taxonomy

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-gpu",
        ],
    }


def buffered(app: Flask):  # type: ignore[no-untyped-def]
    """Read each response whole before sending it.

    Werkzeug's development server skips closing a response (and so its open static file) when the
    browser drops the connection mid-transfer; buffering closes it first, in every case.
    """

    def wsgi(environ, start_response):  # type: ignore[no-untyped-def]
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


class LiveServer:
    """The service running in a background thread; `url` is its address."""

    def __init__(self, app: Flask, mail_dir: Path) -> None:
        self.app = app
        self.mail_dir = mail_dir
        self._server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def emails(self) -> list[str]:
        embedded.drain(self.app)  # what the worker would have sent by now, sent now
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]

    def last_link(self, to: str, wait_seconds: float = 10.0) -> str:
        """The last link emailed to an address, as a path on this server.

        The server's own worker thread may be sending the message at that moment (the test's
        drain then finds nothing due, and the file is not written yet), so this looks again
        for a few seconds before giving up.
        """
        deadline = time.monotonic() + wait_seconds
        while True:
            for message in reversed(self.emails()):
                if re.search(rf"^To: {re.escape(to)}$", message, re.MULTILINE | re.IGNORECASE):
                    links = re.findall(r"https?://[^/\s]+(/\S+)", message)
                    if links:
                        return self.url + links[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no email with a link was sent to {to}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    mail_dir = folder / "mail"
    mail_dir.mkdir()
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "browser tests only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(mail_dir),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "HSTS": False,
        }
    )
    with app.app_context():
        db.create_all()
        taxonomy.load_skills(db.session)
        db.session.commit()
    server = LiveServer(app, mail_dir)
    server.start()
    worker = embedded.start(app)  # background work in the server's process, as in the demo
    yield server
    worker.stop()
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()
