"""What coordinators found missing: decisions from a proposal's page, the stable result adopted,
companies' records, role and organisation together, and words instead of codes."""

from __future__ import annotations

import html
import re

from sqlalchemy import select
from support.factories import PASSWORD, create_coordinator, create_organisation
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.models import AuditEvent, Proposal


def _student_page(matching_round, proposal) -> str:
    return f"/coordinator/rounds/{matching_round.id}/students/{proposal.student_id}"


def test_a_proposal_is_approved_from_its_own_page(client):
    pool = make_pool(students=2, roles=3)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page = _student_page(matching_round, proposal)
    assert "Approve this proposal" in text_of(client.get(page))
    url = f"/coordinator/rounds/{matching_round.id}/proposals/{proposal.id}/approve"
    answer = submit(client, url, {"from": "student"}, page=page)
    assert answer.headers["Location"].endswith(page)
    db.session.refresh(proposal)
    assert proposal.status == "approved"
    assert "Approve this proposal" not in text_of(client.get(page))


def test_a_proposal_is_rejected_from_its_own_page(client):
    pool = make_pool(students=2, roles=3)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page = text_of(client.get(_student_page(matching_round, proposal)))
    reject = re.search(r'href="([^"]+/reject)"', page)[1]
    submit(client, reject, {"reason": "The student has since graduated"})
    db.session.refresh(proposal)
    assert proposal.status == "rejected"


def test_a_listed_alternative_is_swapped_in_with_the_engines_score(client):
    pool = make_pool(students=2, roles=3)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    taken = {p.role_id for p in matching_round.proposals}
    free_role = next(role for role in pool["roles"] if role.id not in taken)
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page = _student_page(matching_round, proposal)
    listed = text_of(client.get(page))
    assert f'name="role" value="{free_role.id}"' in listed
    url = f"/coordinator/rounds/{matching_round.id}/proposals/{proposal.id}/swap"
    submit(client, url, {"role": str(free_role.id)}, page=page)
    db.session.refresh(proposal)
    assert proposal.role_id == free_role.id
    assert 0 < proposal.score <= 1 and proposal.reasons
    assert f"Now proposed: {free_role.title}" in text_of(client.get(page))
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "proposal_swapped")
    ).scalar_one()
    assert event.object_id == str(proposal.id) or event.object_id == proposal.id


def test_a_role_that_is_not_listed_or_is_full_cannot_be_swapped_in(client):
    pool = make_pool(students=2, roles=2)
    matching_round = run_round()
    first, second = matching_round.proposals
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page = _student_page(matching_round, first)
    url = f"/coordinator/rounds/{matching_round.id}/proposals/{first.id}/swap"
    expected = {
        str(second.role_id): "Every place of that role is proposed to another student",
        "999999": "Choose one of the alternatives listed for this student",
        "01": "Choose one of the alternatives listed for this student",
        "x": "Choose one of the alternatives listed for this student",
    }
    for role, message in expected.items():
        answer = submit(client, url, {"role": role}, page=page)
        assert message in text_of(client.get(answer.headers["Location"])), role
        db.session.refresh(first)
        assert first.role_id != second.role_id


def test_the_stable_result_is_adopted_as_the_rounds_proposals(client):
    pool = make_pool(students=3, roles=3)
    matching_round = run_round()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    stable_page = f"/coordinator/rounds/{matching_round.id}/stable"
    assert "Adopt the stable result as the proposals" in text_of(client.get(stable_page))
    url = f"/coordinator/rounds/{matching_round.id}/adopt-stable"
    answer = submit(client, url, page=stable_page)
    assert answer.status_code == 302
    db.session.expire_all()
    proposals = db.session.execute(
        select(Proposal).where(Proposal.round_id == matching_round.id)
    ).scalars()
    from placement.services import rounds

    stable = rounds.stable_result(matching_round)
    expected = {(a["student"], a["role"]) for a in stable["assignments"]}
    assert {(f"student-{p.student_id}", f"role-{p.role_id}") for p in proposals} == expected


def test_the_stable_result_is_not_adopted_once_a_proposal_is_decided(client):
    pool = make_pool(students=3, roles=3)
    matching_round = run_round()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    first = matching_round.proposals[0]
    url = f"/coordinator/rounds/{matching_round.id}/proposals/{first.id}/approve"
    submit(client, url, page=f"/coordinator/rounds/{matching_round.id}")
    stable_page = f"/coordinator/rounds/{matching_round.id}/stable"
    submit(client, f"/coordinator/rounds/{matching_round.id}/adopt-stable", page=stable_page)
    assert "already decided" in text_of(client.get(stable_page))
    db.session.refresh(first)
    assert first.status == "approved"


def test_the_verification_page_links_to_the_companies_house_record(client):
    organisation, _ = create_organisation(verified=False)
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    page = text_of(client.get(f"/coordinator/organisations/{organisation.id}"))
    link = (
        "https://find-and-update.company-information.service.gov.uk/company/"
        f"{organisation.companies_house_number}"
    )
    assert f'href="{link}"' in page


def test_compare_pages_name_the_organisation_beside_each_role(client):
    pool = make_pool(students=3, roles=2)
    first = run_round("A")
    second = run_round("B", min_score=0.99)
    sign_in(client, pool["coordinator"].email, PASSWORD)
    compared = text_of(client.get(f"/coordinator/rounds/compare?a={first.id}&b={second.id}"))
    assert f"at {pool['organisation'].name}" in compared


def _confirmed_placement():
    from placement.services import offers

    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    (offer,) = offers.publish(db.session, matching_round, 7)
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    return pool, placement


def test_a_placement_is_not_started_before_its_role_starts_without_a_reason(client):
    pool, placement = _confirmed_placement()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    listing = text_of(client.get("/coordinator/placements"))
    assert "1 July 2027 to 31 August 2027" in listing
    url = f"/coordinator/placements/{placement.id}/start"
    assert f'href="{url}"' in listing
    confirm = text_of(client.get(url))
    assert "Start this placement?" in confirm
    assert "The role does not start until 1 July 2027" in confirm
    refused = text_of(submit(client, url, {"early_reason": ""}))
    assert "The role starts on 1 July 2027: to start the placement before then, say why" in (
        refused
    )
    db.session.refresh(placement)
    assert placement.status == "confirmed"
    submit(client, url, {"early_reason": "The team asked for an induction week"})
    db.session.refresh(placement)
    assert placement.status == "started"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "placement_started")
    ).scalar_one()
    assert event.detail["before_the_role_starts"] == "The team asked for an induction week"
    complete = f"/coordinator/placements/{placement.id}/complete"
    assert "Complete this placement?" in text_of(client.get(complete))
    submit(client, complete, {"early_reason": ""})
    db.session.refresh(placement)
    assert placement.status == "started"


def test_a_placement_starts_on_the_roles_start_date_without_a_reason(app):
    from datetime import UTC, datetime

    from placement.services import placements

    _, placement = _confirmed_placement()
    on_the_day = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    placements.move(db.session, placement.id, "start", now=on_the_day)
    db.session.commit()
    assert placement.status == "started"


def test_ready_and_eligible_counts_agree_between_readiness_and_dashboard(client):
    from support.factories import create_student
    from support.reports import tables

    pool = make_pool(students=3, roles=1)
    create_student(right_to_work=False)
    create_student(rqf_level=5)
    sign_in(client, pool["coordinator"].email, PASSWORD)
    readiness = text_of(client.get("/coordinator/readiness"))
    assert "3 students ready" in readiness
    assert "No right to work in the UK" in readiness
    dashboard = tables(text_of(client.get("/coordinator/")))
    stages = dict((row[0], row[1]) for row in dashboard["Students at each stage"][1:])
    assert stages["Eligible"] == "3"


def test_the_dashboard_counts_a_rounds_approvals_after_their_offers_close(client):
    from support.reports import tables

    from placement.services import offers

    pool = make_pool(students=2, roles=2)
    matching_round = run_round()
    for proposal in matching_round.proposals:
        offers.approve(db.session, proposal.id)
    sent = offers.publish(db.session, matching_round, 7)
    offers.decline(db.session, sent[0].id, "student", "Found another job")
    db.session.commit()
    statuses = sorted(p.status for p in matching_round.proposals)
    assert statuses == ["closed", "offered"]
    sign_in(client, pool["coordinator"].email, PASSWORD)
    dashboard = tables(text_of(client.get("/coordinator/")))
    head, row = dashboard["Completed matching rounds"][0], dashboard["Completed matching rounds"][1]
    assert dict(zip(head, row, strict=True))["Approved"] == "2"
    stages = dict((r[0], r[1]) for r in dashboard["Students at each stage"][1:])
    assert stages["Approved by a coordinator"] == "2"


def test_round_pages_explain_to_the_coordinator_with_labels_and_dates_in_words(client):
    from datetime import date

    from support.factories import create_student

    pool = make_pool(students=2, roles=2)
    late = create_student(available_from=date(2027, 6, 1), available_until=date(2027, 6, 15))
    matching_round = run_round()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    for url in (
        f"/coordinator/rounds/{matching_round.id}",
        f"/coordinator/rounds/{matching_round.id}/students/{matching_round.proposals[0].student_id}",
        f"/coordinator/rounds/{matching_round.id}/students/{late.id}",
    ):
        main = text_of(client.get(url)).split("<main", 1)[1].split("</main>", 1)[0]
        page = re.sub(r"<[^>]+>", " ", main)  # what the reader sees, not a filter's option values
        for student_speak in ("You did not rank", "You ranked", "listed you", "your ", "you have"):
            assert student_speak not in page, (url, student_speak)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", page), url
        assert "fintech" not in page, url
    round_page = html.unescape(text_of(client.get(f"/coordinator/rounds/{matching_round.id}")))
    assert "The student did not rank this role" in round_page
    assert "outside the student's availability (1 June 2027 to 15 June 2027)" in round_page


def test_the_round_page_says_what_stands_between_the_unmatched_and_the_empty_places(client):
    """A role with 3 places, 1 taken: one student is available only from a week after its
    start, one lacks its required Python; an engine change of either kind would place them."""
    from datetime import date

    from support.factories import create_role, create_student

    organisation, _ = create_organisation(name="Riverside Analytics")
    create_role(organisation, title="Data analyst", places=3)
    create_student()
    create_student(available_from=date(2027, 7, 8), available_until=date(2027, 9, 30))
    create_student(skills={"sql": 3})
    coordinator = create_coordinator()
    matching_round = run_round()
    assert len(matching_round.result["unmatched"]) == 2
    sign_in(client, coordinator.email, PASSWORD)
    page = html.unescape(text_of(client.get(f"/coordinator/rounds/{matching_round.id}")))
    section = page.split('id="gaps"', 1)[1]
    assert "2 student(s) have no proposal while 2 place(s) stay empty: 2 possible pairs" in section
    assert "The role's dates fall outside the student's availability" in section
    assert "The student lacks a required skill at the level asked" in section
    assert (
        "Data analyst at Riverside Analytics: move its dates a week later "
        "(to 8 July 2027 to 7 September 2027). 1 unmatched student(s) would meet every rule; "
        "it could place 1."
    ) in section
    assert (
        "Data analyst at Riverside Analytics: make Python desirable rather than required. "
        "1 unmatched student(s) would meet every rule; it could place 1."
    ) in section


def test_the_audit_log_and_its_csv_say_what_happened_in_words_with_links(client):
    import csv
    import io

    pool = make_pool(students=2, roles=2)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page_url = f"/coordinator/rounds/{matching_round.id}"
    submit(client, f"{page_url}/proposals/{proposal.id}/reject", {"reason": "Needs a visa"})
    page = html.unescape(text_of(client.get("/coordinator/audit")))
    table = page.split("<tbody", 1)[1]
    assert "Proposal rejected" in table and "proposal_rejected" not in table
    assert f"Coordinator {pool['coordinator'].email}" in table
    student_link = f'href="{page_url}/students/{proposal.student_id}"'
    assert student_link in table
    assert f"Proposal of {proposal.student.full_name} for {proposal.role.title} at" in table
    assert "Reason: Needs a visa" in table and f"Round: {matching_round.name}" in table
    assert "{" not in table and "'reason'" not in table
    assert not re.search(r"\b20\d\d-\d\d-\d\d", table)
    exported = text_of(client.get("/coordinator/audit.csv")).removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported)))
    rejected = next(row for row in rows if row["what"] == "Proposal rejected")
    assert rejected["who"] == f"Coordinator {pool['coordinator'].email}"
    assert rejected["link"].endswith(f"{page_url}/students/{proposal.student_id}")
    assert "Reason: Needs a visa" in rejected["detail"]
