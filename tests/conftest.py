"""Fixtures for the service's tests: one app per test on each configured database.

Every database test runs on SQLite and, when TEST_DATABASE_URL is set, also on that database.
The schema is created once per database; after each test every table but the taxonomy is emptied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import create_engine, text
from support.security import IsolatedClient, app_config

from placement import create_app, passwords
from placement.extensions import db
from placement.jobs import embedded
from placement.services import taxonomy

# Tests hash many passwords: use the cheapest argon2id settings there (never in the service).
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

KEPT_TABLES = {"skills"}


def _database_urls(tmp_root: Path) -> list[pytest.param]:
    urls = [pytest.param(f"sqlite:///{tmp_root / 'test.sqlite'}", id="sqlite")]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(pytest.param(os.environ["TEST_DATABASE_URL"], id="postgresql"))
    return urls


# The SQLite database of one run lives here and goes when the run ends.
DATABASE_DIR = Path(os.environ.get("PYTEST_DB_DIR", tempfile.gettempdir())) / (
    f"placement-tests-{os.getpid()}"
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        DATABASE_DIR.mkdir(parents=True, exist_ok=True)
        urls = _database_urls(DATABASE_DIR)
        metafunc.parametrize("database_url", urls, indirect=True, scope="session")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(DATABASE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with the service's schema and taxonomy, created once per session."""
    url = request.param
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        taxonomy.load_skills(db.session)
        db.session.commit()
    yield url
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(app_config(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    _empty_tables(database_url)


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    return app.test_client()


class Delivered(Sequence):
    """The emails delivered during a test (flask-mailman's locmem backend).

    Reading it first runs, in this process, the delivery jobs of every message the service left
    waiting in the database outbox (the same job functions a worker runs).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.sent: list = []
        app.extensions["mailman"].outbox = self.sent

    def _drained(self) -> list:
        embedded.drain(self.app)
        return self.sent

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._drained()[index]

    def __len__(self) -> int:
        return len(self._drained())

    def __eq__(self, other: object) -> bool:
        return self._drained() == other

    def clear(self) -> None:
        self._drained().clear()


@pytest.fixture
def outbox(app: Flask) -> Delivered:
    """The emails the service delivered during the test, its outbox drained first."""
    return Delivered(app)
