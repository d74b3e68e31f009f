"""The equity report is built once per data version, and every change it reads makes a new one."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select
from support.factories import PASSWORD, create_coordinator
from support.http import sign_in, text_of
from support.reports import TAKEN, build_programme, completed_round

from placement.extensions import db
from placement.models import EqualityMonitoring, Placement, StudentProfile
from placement.services import equity, equity_cache


@pytest.fixture(autouse=True)
def empty_cache():
    equity_cache.clear()
    yield
    equity_cache.clear()


def _fresh(matching_round=None) -> equity.EquityReport:
    population = (
        equity.round_population(db.session, matching_round)
        if matching_round
        else equity.programme_population(db.session)
    )
    return equity.equity_report(population)


def test_looking_at_the_report_again_reuses_it_while_nothing_changes(app, client):
    programme = build_programme()
    first = equity_cache.report(db.session)
    assert equity_cache.report(db.session) is first and first == _fresh()
    in_round = equity_cache.report(db.session, programme.round)
    assert in_round == _fresh(programme.round) and in_round != first
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    page = text_of(client.get("/coordinator/reports/equity"))
    assert "Placement rate by gender" in page
    assert equity_cache._reports.builds == 2  # the page used the programme's report


def _answer_changes(programme) -> None:
    answers = db.session.scalars(
        select(EqualityMonitoring).where(
            EqualityMonitoring.user_id == programme.students[1].user_id
        )
    ).one()
    answers.gender = "man"


def _answers_withdrawn(programme) -> None:
    for number in (1, 2, 3, 4, 5):
        user_id = programme.students[number].user_id
        db.session.execute(delete(EqualityMonitoring).where(EqualityMonitoring.user_id == user_id))


def _level_changes(programme) -> None:
    for number in (1, 2, 3, 4, 5):
        programme.students[number].rqf_level = 8


def _drafts_submitted(programme) -> None:
    for draft in db.session.scalars(select(StudentProfile).where(StudentProfile.status == "draft")):
        draft.status = "submitted"


def _placement_withdrawn(programme) -> None:
    placement = db.session.scalars(select(Placement).order_by(Placement.id)).first()
    placement.status = "withdrawn"


def _round_completes(programme) -> None:
    completed_round("Autumn round", assignments=[], unmatched=[(programme.students[20], TAKEN)])


@pytest.mark.parametrize(
    "change",
    [
        _answer_changes,
        _answers_withdrawn,
        _level_changes,
        _drafts_submitted,
        _placement_withdrawn,
        _round_completes,
    ],
)
def test_each_change_the_report_reads_gives_the_report_a_fresh_build_gives(app, change):
    programme = build_programme()
    before = equity_cache.report(db.session)
    change(programme)
    db.session.commit()
    after = equity_cache.report(db.session)
    assert after == _fresh() and after != before
