"""CSV exports read back to the same figures, with formula cells neutralised."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from support.factories import PASSWORD, create_coordinator
from support.http import sign_in
from support.reports import build_programme

from placement.extensions import db
from placement.models import Feedback, Placement


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def _signed_in_with_programme(client):
    programme = build_programme()
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    return programme


def test_the_programme_figures_read_back_as_the_dashboard_shows_them(client):
    _signed_in_with_programme(client)
    rows = _csv(client, "/coordinator/reports/programme.csv")
    assert rows[0] == ["section", "measure", "value", "target_or_benchmark"]
    assert ["Targets", "Students placed", "14", "500"] in rows
    assert ["Targets", "Start-ups and SMEs hosting a placement", "3", "400"] in rows
    assert ["Shares of placed students", "Young women (aged 16 to 24)", "withheld", "17%"] in rows
    assert ["Shares of the cohort", "Black, Asian and minority ethnic", "withheld", ""] in rows
    assert ["Funnel", "Registered", "22", ""] in rows
    assert ["Funnel", "Completed", "4", ""] in rows
    assert ["Drop-outs", "Offer: Declined by the student", "1", ""] in rows
    assert ["Rounds", "Summer round: mean score", "0.70", ""] in rows
    assert ["Rounds", "Summer round: unfilled places", "3", ""] in rows


def test_the_proposals_of_a_round_are_exported_with_formulas_neutralised(client):
    programme = _signed_in_with_programme(client)
    programme.students[1].given_name = '=HYPERLINK("http://evil.example")'
    programme.students[2].family_name = "+44 20 7946 0000"
    db.session.commit()
    rows = _csv(client, f"/coordinator/reports/rounds/{programme.round.id}/proposals.csv")
    assert rows[0][:4] == ["proposal_id", "student_id", "student_name", "role_id"]
    assert len(rows) == 16
    names = {row[2] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example") ' + programme.students[1].family_name in names
    assert "Ada +44 20 7946 0000" in names
    assert {row[7] for row in rows[1:]} == {"offered"}
    assert sorted(row[6] for row in rows[1:]).count("0.800000") == 8


def test_the_placements_export_lists_every_placement_without_equality_data(client):
    _signed_in_with_programme(client)
    rows = _csv(client, "/coordinator/reports/placements.csv")
    assert len(rows) == 15
    statuses = [row[10] for row in rows[1:]]
    assert statuses.count("confirmed") == 6
    assert statuses.count("started") == 4
    assert statuses.count("completed") == 4
    header = " ".join(rows[0])
    for word in ("gender", "ethnicity", "disability", "meals", "family", "age"):
        assert word not in header


def test_a_round_that_does_not_exist_has_no_proposals_export(client):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    assert client.get("/coordinator/reports/rounds/12345/proposals.csv").status_code == 404


def test_the_placements_export_carries_each_sides_feedback(client):
    _signed_in_with_programme(client)
    placement = db.session.execute(select(Placement).order_by(Placement.id)).scalars().first()
    db.session.add(Feedback(placement=placement, given_by="student", rating=4, comment="Kind team"))
    db.session.add(
        Feedback(placement=placement, given_by="organisation", rating=5, comment="=1+1 great")
    )
    db.session.commit()
    rows = _csv(client, "/coordinator/reports/placements.csv")
    header = rows[0]
    assert header[-4:] == [
        "student_feedback_rating",
        "student_feedback",
        "organisation_feedback_rating",
        "organisation_feedback",
    ]
    row = next(r for r in rows[1:] if r[0] == str(placement.id))
    assert row[-4:] == ["4", "Kind team", "5", "'=1+1 great"]
    others = [r for r in rows[1:] if r[0] != str(placement.id)]
    assert all(r[-4:] == ["", "", "", ""] for r in others)
