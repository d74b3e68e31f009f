"""Sign-in and password-reset limits: 10 failures in 5 minutes per account and per address.

The limits are checked against gunicorn with three worker processes sharing Redis, so a
limit reached through one worker holds in the others.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text
from support.factories import PASSWORD, create_user
from support.http import csrf_token, submit, text_of
from support.security import free_port, sqlite_app

from placement import passwords

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
KNOWN = "known.student@example.org"


@dataclass
class Answer:
    status: int
    body: str


def _redis():  # type: ignore[no-untyped-def]
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return connection


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn with 3 workers on a free loopback port, one confirmed user, limits in Redis."""
    store = _redis()
    store.flushdb()
    app = sqlite_app(tmp_path)
    with app.app_context():
        create_user("student", KNOWN)
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "rate limit test secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "REDIS_URL": REDIS_URL,
        "SESSION_COOKIE_SECURE": "0",
        "HSTS": "0",
        "MAIL_BACKEND": "locmem",
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "placement:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(port, process)
        yield port, tmp_path / "app.sqlite"
    finally:
        process.terminate()
        process.communicate(timeout=20)
        store.flushdb()
        store.close()


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
        finally:
            connection.close()
    raise AssertionError("gunicorn did not start")


def _request(port: int, source: str, method: str, path: str, **kwargs) -> http.client.HTTPResponse:
    # A fresh connection each time, so requests spread over the workers.
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    connection.request(method, path, **kwargs)
    response = connection.getresponse()
    response.body = response.read().decode()  # type: ignore[attr-defined]
    connection.close()
    return response


def attempt(port: int, source: str, path: str, form: dict[str, str]) -> Answer:
    """GET the form from `source`, then POST it with the page's CSRF token and cookie."""
    page = _request(port, source, "GET", path)
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    body = urlencode({**form, "csrf_token": csrf_token(page.body)})  # type: ignore[attr-defined]
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    answer = _request(port, source, "POST", path, body=body, headers=headers)
    return Answer(answer.status, answer.body)  # type: ignore[attr-defined]


def _audit_count(database: Path, action: str) -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM audit_events WHERE action = :action"), {"action": action}
        ).scalar_one()
    engine.dispose()
    return count


def test_ten_failed_sign_ins_for_one_account_then_it_is_refused_from_any_address(server):
    port, database = server
    wrong = {"email": KNOWN, "password": "not the password at all"}
    answers = [attempt(port, f"127.0.0.{n}", "/sign-in", wrong) for n in range(2, 12)]
    assert [answer.status for answer in answers] == [200] * 10
    refused = attempt(port, "127.0.0.12", "/sign-in", {"email": KNOWN, "password": PASSWORD})
    assert refused.status == 429
    assert "Too many attempts" in refused.body
    assert _audit_count(database, "rate_limited") == 1
    assert _redis().keys("LIMITS*") or _redis().keys("*limit*")


def test_ten_failed_sign_ins_from_one_address_then_it_is_refused_for_any_account(server):
    port, _database = server
    for n in range(10):
        form = {"email": f"nobody{n}@example.org", "password": "not the password at all"}
        assert attempt(port, "127.0.0.20", "/sign-in", form).status == 200
    form = {"email": KNOWN, "password": PASSWORD}
    assert attempt(port, "127.0.0.20", "/sign-in", form).status == 429
    assert attempt(port, "127.0.0.21", "/sign-in", form).status == 302


def test_password_reset_requests_are_limited_per_address(server):
    port, _database = server
    statuses = [
        attempt(port, "127.0.0.30", "/forgot-password", {"email": f"x{n}@example.org"}).status
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_password_reset_requests_for_one_account_are_limited_from_any_address(server):
    port, _database = server
    statuses = [
        attempt(port, f"127.0.0.{n}", "/forgot-password", {"email": KNOWN.upper()}).status
        for n in range(50, 61)
    ]
    assert statuses == [302] * 10 + [429]
    other = attempt(port, "127.0.0.61", "/forgot-password", {"email": "someone.else@example.org"})
    assert other.status == 302


def _normalised(body: str, email: str) -> str:
    body = body.replace(email, "EMAIL")
    body = re.sub(r'value="[^"]{20,}"', 'value="TOKEN"', body)
    return re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', body)


def test_known_and_unknown_accounts_get_the_same_answer(server):
    port, _database = server
    unknown = "unknown.person@example.org"
    wrong = "not the password at all"
    known_answer = attempt(port, "127.0.0.40", "/sign-in", {"email": KNOWN, "password": wrong})
    unknown_answer = attempt(port, "127.0.0.41", "/sign-in", {"email": unknown, "password": wrong})
    assert known_answer.status == unknown_answer.status == 200
    assert _normalised(known_answer.body, KNOWN) == _normalised(unknown_answer.body, unknown)


def test_an_unknown_account_costs_one_password_verification_like_a_known_one(client, monkeypatch):
    user = create_user("student")
    checked: list[str | None] = []
    original = passwords.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return original(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    known = submit(client, "/sign-in", {"email": user.email, "password": "wrong password here"})
    unknown = submit(client, "/sign-in", {"email": "no@example.org", "password": "wrong pass"})
    assert checked == [user.password_hash, passwords.DUMMY_HASH]
    assert "Enter a correct email address and password" in text_of(known)
    assert "Enter a correct email address and password" in text_of(unknown)
