"""A student whose profile a round uses asks a coordinator for a change, who answers it.

Every page on the way is checked with axe; the roles page shows the changes that would open more
roles to the student.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect
from support.browser import assert_accessible, screenshot, sign_in
from support.factories import create_coordinator, create_organisation, create_role, create_student

from placement.extensions import db
from placement.models import MatchingRound, Proposal


def _locked_student() -> tuple[str, str]:
    """A student with a live proposal (so the profile is locked), and a coordinator."""
    organisation, _ = create_organisation("Request Journey Ltd")
    role = create_role(organisation, title="Request journey analyst")
    create_role(
        organisation,
        title="Request journey engineer",
        skills={"version-control": (2, 3, True)},
    )
    student = create_student("request.student@example.org", given_name="Ravi")
    matching_round = MatchingRound(name="Request journey round", status="completed")
    db.session.add(matching_round)
    db.session.add(
        Proposal(round=matching_round, student=student, role=role, score=0.7, status="proposed")
    )
    db.session.commit()
    coordinator = create_coordinator("request.coordinator@example.org")
    return student.user.email, coordinator.email


def _check(page: Page, axe, name: str) -> None:
    page.wait_for_load_state()
    assert_accessible(axe, page)
    screenshot(page, name)


def test_a_locked_student_asks_a_coordinator_who_answers(page: Page, live_server, axe) -> None:
    with live_server.app.app_context():
        student_email, coordinator_email = _locked_student()
    base = live_server.url

    sign_in(page, base, student_email)
    page.goto(base + "/student/roles?show=all")
    expect(page.locator("#openings")).to_contain_text("Add Version control at level 2")
    _check(page, axe, "student-roles-openings")

    page.goto(base + "/student/choices")
    page.get_by_role("link", name="Ask a coordinator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask a coordinator")
    _check(page, axe, "student-request")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what you would like to change"
    )
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    _check(page, axe, "student-request-error")
    page.get_by_label("What would you like to change, and why?").fill(
        "Please put the analyst role first."
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Waiting for a coordinator")).to_be_visible()

    page.goto(base + "/sign-out")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, coordinator_email)
    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students' change requests")
    _check(page, axe, "coordinator-requests")
    page.get_by_role("link", name="Ravi").click()
    expect(page.locator("#request-message")).to_have_text("Please put the analyst role first.")
    _check(page, axe, "coordinator-request")
    page.get_by_label("The change is made").check()
    page.get_by_label("Your answer to the student").fill("Done: the analyst role is first.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent to the student.")).to_be_visible()
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()
