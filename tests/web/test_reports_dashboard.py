"""The coordinator dashboard against the hand-counted programme of tests/support/reports.py."""

from __future__ import annotations

import pytest
from support.factories import PASSWORD, create_coordinator, create_organisation, create_user
from support.http import sign_in, text_of
from support.reports import build_programme, tables

REPORT_URLS = [
    "/coordinator/",
    "/coordinator/reports",
    "/coordinator/reports/equity",
    "/coordinator/reports/skills",
    "/coordinator/reports/skills.csv",
    "/coordinator/reports/programme.csv",
    "/coordinator/reports/placements.csv",
    "/coordinator/imports/students",
    "/coordinator/imports/roles",
]


@pytest.fixture
def dashboard(client):
    build_programme()
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    response = client.get("/coordinator/")
    assert response.status_code == 200
    return tables(text_of(response))


def test_the_targets_show_students_placed_and_organisations_hosting(dashboard):
    assert dashboard["Progress against the targets"][1:] == [
        ["Students placed", "14", "500", "3%"],
        ["Start-ups and SMEs hosting a placement", "3", "400", "1%"],
    ]


def test_the_shares_of_placed_students_hide_what_the_equity_report_hides(dashboard):
    """Young women: 5 of 14 placed, but 3 young women and 3 others were not placed, so the
    equity report withholds them and the shares made from them; every answer is known. White
    students are withheld in the equity report, so the cohort share that needs them is withheld
    too, and with it the benchmark."""
    rows = dashboard["Shares of placed students and of the cohort"][1:]
    assert rows == [
        [
            "Young women (aged 16 to 24)",
            "withheld",
            "withheld",
            "withheld",
            "17% (17% digital workforce baseline)",
            "Not enough data",
            "0 placed, 0 in the cohort",
        ],
        [
            "Black, Asian and minority ethnic",
            "withheld",
            "withheld",
            "withheld",
            "- (share of the cohort that applied)",
            "Not enough data",
            "withheld placed, withheld in the cohort",
        ],
        [
            "From a disadvantaged background",
            "withheld",
            "withheld",
            "withheld",
            "- (share of the cohort that applied)",
            "Not enough data",
            "withheld placed, withheld in the cohort",
        ],
    ]


def test_the_funnel_counts_each_stage_once_per_student(dashboard):
    assert dashboard["Students at each stage"][1:] == [
        ["Registered", "22", "-"],
        ["Profile submitted", "20", "91%"],
        ["Eligible", "19", "95%"],
        ["Proposed in a round", "15", "79%"],
        ["Approved by a coordinator", "15", "100%"],
        ["Offered a placement", "15", "100%"],
        ["Accepted an offer", "14", "93%"],
        ["Started", "8", "57%"],
        ["Completed", "4", "50%"],
    ]


def test_drop_outs_are_listed_with_their_reasons(dashboard):
    assert dashboard["Drop-outs and their reasons"][1:] == [
        ["Profile", "Still a draft", "2"],
        ["Profile", "Withdrawn by the student", "1"],
        ["Eligibility", "Below Level 6", "0"],
        ["Eligibility", "No right to work in the UK", "1"],
        ["Matching (Summer round)", "No role meets every rule", "3"],
        ["Matching (Summer round)", "Suitable roles were taken", "1"],
        ["Approval", "Proposal rejected by a coordinator", "0"],
        ["Offer", "Declined by the student", "1"],
        ["Offer", "Declined by the organisation", "0"],
        ["Offer", "Expired without an answer", "0"],
        ["Offer", "Withdrawn", "0"],
        ["Placement", "Withdrawn", "0"],
    ]
    assert dashboard["Reasons most often given for declining an offer"][1:] == [
        ["Accepted another job", "1"]
    ]


def test_each_round_shows_placed_mean_score_first_choices_unmatched_and_unfilled(dashboard):
    """Mean (6 x 0.6 + 8 x 0.8 + 0.5) / 15 = 0.70; 8 of 15 got their first choice."""
    assert dashboard["Completed matching rounds"][1:] == [
        [
            "Summer round",
            "19",
            "15",
            "0.70",
            "53%",
            "4",
            "3",
            "15",
            "CSV of the proposals of Summer round",
        ]
    ]


def test_the_charts_carry_the_same_figures_as_their_tables(dashboard, client):
    page = text_of(client.get("/coordinator/"))
    assert page.count('role="img"') == 2
    assert "Registered: 22; Profile submitted: 20" in page
    assert "Students placed: 14 of 500 (3%)" in page
    assert "style=" not in page.split("<main", 1)[1]


def test_targets_come_from_the_configuration(app, client):
    app.config.update(TARGET_STUDENTS_PLACED=20, TARGET_ORGANISATIONS=2, TARGET_WOMEN_SHARE=0.5)
    build_programme()
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    found = tables(text_of(client.get("/coordinator/")))
    assert found["Progress against the targets"][1:] == [
        ["Students placed", "14", "20", "70%"],
        ["Start-ups and SMEs hosting a placement", "3", "2", "150%"],
    ]
    young_women = found["Shares of placed students and of the cohort"][1]
    assert young_women[4:6] == ["50% (50% digital workforce baseline)", "Not enough data"]


def test_an_empty_programme_shows_zeros_and_no_rounds(client):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    page = text_of(client.get("/coordinator/"))
    assert "No matching round has been completed yet." in page
    assert tables(page)["Progress against the targets"][1] == ["Students placed", "0", "500", "0%"]


@pytest.mark.parametrize("role", ["student", "organisation"])
@pytest.mark.parametrize("url", REPORT_URLS)
def test_only_coordinators_see_reports(client, role, url):
    user = create_organisation()[1] if role == "organisation" else create_user(role)
    sign_in(client, user.email, PASSWORD)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", REPORT_URLS)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_national_cohorts_dashboard_shows_its_last_figures_while_new_ones_are_gathered_behind(
    app, client, monkeypatch
):
    import re
    import threading

    from placement.coordinator import routes

    monkeypatch.setattr(routes, "LARGE_COHORT", 0)
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    gathered_by: list[str] = []
    held = threading.Event()
    real = routes._dashboard_figures

    def gather():
        gathered_by.append(threading.current_thread().name)
        if len(gathered_by) > 1:
            held.wait(10)  # the background gathering takes its time
        return real()

    monkeypatch.setattr(routes, "_dashboard_figures", gather)

    def as_of() -> str:
        page = text_of(client.get("/coordinator/"))
        return re.search(r"Figures as of ([0-9:]+ UTC)", page).group(1)

    first = as_of()
    assert as_of() == first and gathered_by == ["MainThread"]  # fresh: kept
    monkeypatch.setattr(routes, "WINDOW_SECONDS", 0)
    assert as_of() == first  # stale: shown at once while they are gathered again
    assert as_of() == first and gathered_by == ["MainThread", "dashboard-figures"]  # once
    shown_at = routes._latest[app][0]
    held.set()
    for thread in threading.enumerate():
        if thread.name == "dashboard-figures":
            thread.join(10)
    assert routes._latest[app][0] > shown_at  # the new figures replace the last ones
