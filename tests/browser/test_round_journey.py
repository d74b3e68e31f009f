"""A whole round in a real browser: a coordinator runs, reviews, approves and publishes it; the
student and then the organisation accept, and only then does the organisation see the name.

Every page visited is checked with axe and kept as a screenshot.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from support.browser import assert_accessible, screenshot, sign_in
from support.factories import (
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)

UNIVERSITY = "roehampton"
SECTOR = "gaming"


def _sign_out(page: Page, base_url: str) -> None:
    page.goto(base_url + "/sign-out")
    page.get_by_role("button", name="Sign out").click()


def _check(page: Page, axe, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, name)


def test_a_round_runs_from_the_coordinator_to_an_accepted_placement(page: Page, live_server, axe):
    with live_server.app.app_context():
        organisation, member = create_organisation("Round Journey Games Ltd")
        organisation.sector = SECTOR
        create_role(organisation, title="Junior games data analyst", sector=SECTOR)
        student = create_student(
            "journey.student@example.org",
            given_name="Zora",
            family_name="Journey",
            university_id=UNIVERSITY,
            sectors=[SECTOR],
        )
        coordinator = create_coordinator("journey.coordinator@example.org")
        emails = (student.user.email, member.email, coordinator.email)
    base = live_server.url
    student_email, member_email, coordinator_email = emails

    sign_in(page, base, coordinator_email)
    page.goto(base + "/coordinator/rounds")
    _check(page, axe, "round-list")
    page.get_by_role("link", name="Create a round").click()
    _check(page, axe, "round-new")
    page.get_by_label("Name of the round").fill("Browser journey round")
    page.locator(f"input[name=universities][value={UNIVERSITY}]").check()
    page.locator(f"input[name=sectors][value={SECTOR}]").check()
    page.get_by_role("button", name="Create round").click()
    _check(page, axe, "round-draft")
    page.get_by_role("button", name="Run this round").click()
    expect(page.get_by_text("The round is queued to run.")).to_be_visible()
    _check(page, axe, "round-queued")
    # The in-process worker runs it; the page's poll reloads it once the round is done.
    expect(page.get_by_text(re.compile(r"^1 proposal\(s\) shown"))).to_be_visible(timeout=30_000)
    _check(page, axe, "round-review")
    page.get_by_role("button", name="Reject selected").click()  # nothing ticked: the error state
    expect(
        page.get_by_text("Select at least one proposal to approve or reject").first
    ).to_be_visible()
    _check(page, axe, "round-review-error")
    page.get_by_text("Breakdown and reasons").first.click()
    expect(page.get_by_role("link", name="Zora Journey", exact=True)).to_be_visible()
    page.get_by_role("button", name="Approve Zora Journey").click()
    expect(page.get_by_text("Proposal approved.")).to_be_visible()
    page.get_by_role("link", name="Publish offers for approved proposals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish offers")
    _check(page, axe, "round-publish")
    page.get_by_role("button", name="Send offers").click()
    expect(page.get_by_text("1 offer(s) sent.")).to_be_visible()
    _check(page, axe, "coordinator-offers")
    _sign_out(page, base)

    sign_in(page, base, student_email)
    page.goto(base + "/student/offers")
    _check(page, axe, "student-offers")
    page.get_by_role("link", name="Answer this offer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your offer")
    _check(page, axe, "student-offer")
    page.get_by_role("button", name="Accept offer").click()
    expect(page.get_by_text("You accepted the offer.")).to_be_visible()
    _sign_out(page, base)

    sign_in(page, base, member_email)
    page.goto(base + "/organisation/offers")
    _check(page, axe, "organisation-offers")
    page.get_by_role("link", name="Answer this offer").click()
    page.get_by_role("button", name="Accept offer").click()
    expect(page.get_by_text("the placement is confirmed")).to_be_visible()
    expect(page.get_by_text("Zora Journey").first).to_be_visible()
    expect(page.get_by_text(student_email)).to_be_visible()
    _check(page, axe, "organisation-offer-accepted")
    _sign_out(page, base)

    sign_in(page, base, coordinator_email)
    page.goto(base + "/coordinator/placements")
    expect(page.get_by_text("Zora Journey").first).to_be_visible()
    _check(page, axe, "coordinator-placements")
    page.goto(base + "/coordinator/audit")
    _check(page, axe, "coordinator-audit")
