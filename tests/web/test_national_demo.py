"""`placement demo --size national`: the national generator, at a small scale to stay quick."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from support.security import app_config

from placement import create_app, demo_national, passwords
from placement.cli import main
from placement.extensions import db
from placement.models import (
    Organisation,
    OrganisationMember,
    PlacementRole,
    StudentPreference,
    StudentProfile,
    User,
)
from placement.services.demo import DEMO_ACCOUNTS

SCALE = 0.004  # 200 students, 32 organisations, 84 roles


def _scalar(url: str, query) -> object:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(query).scalar_one()
    engine.dispose()
    return value


def _count(url: str, model: type) -> int:
    return int(_scalar(url, select(func.count()).select_from(model)))


@pytest.fixture
def configured_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'configured.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return url


def test_the_national_demo_fills_the_configured_database_at_the_national_proportions(
    configured_database,
):
    result = CliRunner().invoke(
        main, ["demo", "--size", "national", "--scale", str(SCALE), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    expected = demo_national.sizes(SCALE)
    assert expected == {"students": 200, "organisations": 32, "roles": 84}
    assert _count(configured_database, StudentProfile) == expected["students"]
    assert _count(configured_database, Organisation) == expected["organisations"]
    assert _count(configured_database, PlacementRole) == expected["roles"]
    assert _count(configured_database, OrganisationMember) == expected["organisations"]
    assert _count(configured_database, StudentPreference) > 0
    for part in ("generating records", "students", "roles", "preferences", "total"):
        assert f"  {part}: " in result.output
    for account in DEMO_ACCOUNTS:
        assert f"{account.email} / {account.password}" in result.output
        stored = _scalar(
            configured_database, select(User.password_hash).where(User.email == account.email)
        )
        assert passwords.verify_password(stored, account.password)
    without_password = _count_users_without_password(configured_database)
    assert without_password == expected["students"] + expected["organisations"] - 2


def _count_users_without_password(url: str) -> int:
    return int(
        _scalar(url, select(func.count()).select_from(User).where(User.password_hash.is_(None)))
    )


def test_regions_load_with_unique_accounts_and_progress_for_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(demo_national, "ORGANISATIONS_PER_REGION", 5)
    app = create_app(app_config(f"sqlite:///{tmp_path / 'progress.sqlite'}"))
    regions = demo_national.generate(0.002, seed=7)
    assert len(regions) == 3  # 16 organisations in regions of about 5
    ticks: list[int] = []
    with app.app_context():
        db.create_all()
        counts = demo_national.load(db.session, regions, progress=ticks.append)
        db.session.commit()
        students = db.session.execute(select(func.count()).select_from(StudentProfile)).scalar()
        roles = db.session.execute(select(func.count()).select_from(PlacementRole)).scalar()
        db.engine.dispose()
    assert sum(ticks) == demo_national.row_count(regions)
    assert counts["students"] == students == 100
    assert counts["roles"] == roles == 42
    assert demo_national.generate(0.002, seed=7) == regions
