"""The `placement` commands a newcomer and an operator use: demo, create-coordinator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from placement.cli import main
from placement.models import Organisation, PlacementRole, StudentProfile, User
from placement.services.demo import DEMO_ACCOUNTS


@pytest.fixture
def demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return url


def _count(url: str, model: type) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return count


def test_demo_prepares_an_empty_database_with_the_programme_and_one_account_per_role(
    demo_database,
):
    result = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    for account in DEMO_ACCOUNTS:
        assert f"{account.email} / {account.password}" in result.output
    assert _count(demo_database, StudentProfile) >= 600
    assert _count(demo_database, Organisation) == 250
    assert _count(demo_database, PlacementRole) == 400
    assert _count(demo_database, User) >= 600 + 250 + 1


def test_the_demo_accounts_sign_in_and_the_start_page_shows_them(demo_database):
    from support.http import sign_in, text_of

    from placement import create_app

    assert CliRunner().invoke(main, ["demo", "--no-serve"]).exit_code == 0
    app = create_app({"DEMO": True, "SQLALCHEMY_DATABASE_URI": demo_database})
    start = text_of(app.test_client().get("/"))
    assert "This is a demonstration service" in start
    for account in DEMO_ACCOUNTS:
        assert account.email in start
        sign_in(app.test_client(), account.email, account.password)


def test_demo_refuses_a_database_that_already_holds_data(demo_database):
    assert CliRunner().invoke(main, ["demo", "--no-serve"]).exit_code == 0
    again = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert again.exit_code != 0
    assert "already holds data" in again.output


def test_create_coordinator_asks_for_a_password_and_refuses_a_weak_one(demo_database, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "command tests only")
    assert CliRunner().invoke(main, ["demo", "--no-serve"]).exit_code == 0
    weak = CliRunner().invoke(
        main, ["create-coordinator", "new@example.org"], input="password1234\npassword1234\n"
    )
    assert weak.exit_code != 0
    assert "too easy to guess" in weak.output
    made = CliRunner().invoke(
        main,
        ["create-coordinator", "New@Example.org"],
        input="a long and quiet river\na long and quiet river\n",
    )
    assert made.exit_code == 0, made.output
    engine = create_engine(demo_database)
    with engine.connect() as connection:
        role = connection.execute(
            select(User.role).where(User.email == "new@example.org")
        ).scalar_one()
    engine.dispose()
    assert role == "coordinator"


def test_the_service_refuses_to_start_without_a_secret_key_outside_demo(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["load-reference-data"])
    assert result.exit_code != 0
    assert "SECRET_KEY is not set" in result.output


def test_the_demo_organisation_starts_with_a_published_role_that_students_ranked(demo_database):
    from support.http import sign_in, text_of

    from placement import create_app

    assert CliRunner().invoke(main, ["demo", "--no-serve"]).exit_code == 0
    app = create_app({"DEMO": True, "SQLALCHEMY_DATABASE_URI": demo_database})
    client = app.test_client()
    account = next(account for account in DEMO_ACCOUNTS if account.role == "organisation")
    sign_in(client, account.email, account.password)
    roles = text_of(client.get("/organisation/roles"))
    assert "Published" in roles
    role_ids = re.findall(r'href="/organisation/roles/(\d+)"', roles)
    pages = [
        text_of(client.get(f"/organisation/roles/{role_id}/candidates")) for role_id in role_ids
    ]
    assert any("These students ranked your role" in page and "Candidate " in page for page in pages)
    assert not all("No students have ranked this role yet" in page for page in pages)
