"""The coordinator's new pages in a real browser: the round's gaps section, and a proposal swapped
for a listed alternative and approved from its own page.

Every page visited is checked with axe and kept as a screenshot.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from support.browser import assert_accessible, screenshot, sign_in
from support.factories import create_coordinator, create_organisation, create_role, create_student
from support.rounds import run_round


def _check(page: Page, axe, name: str) -> None:
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, name)


@pytest.mark.browser
def test_a_coordinator_swaps_a_proposal_and_reads_the_rounds_gaps(page: Page, live_server, axe):
    with live_server.app.app_context():
        organisation, _ = create_organisation("Swap Journey Ltd")
        create_role(organisation, title="Data analyst", places=1)
        create_role(organisation, title="Data engineer", places=1)
        create_role(organisation, title="Night analyst", places=1, hours_per_week=40)
        student = create_student(given_name="Sam", family_name="Swap")
        create_student(given_name="Lee", family_name="Late", available_from=date(2027, 7, 8))
        coordinator = create_coordinator("swap.coordinator@example.org")
        matching_round = run_round("Swap round")
        round_id, student_id, email = matching_round.id, student.id, coordinator.email
    base = live_server.url
    sign_in(page, base, email)
    page.goto(f"{base}/coordinator/rounds/{round_id}")
    expect(page.get_by_text("Why unmatched students and empty places did not meet")).to_be_visible()
    _check(page, axe, "round-gaps")
    page.goto(f"{base}/coordinator/rounds/{round_id}/students/{student_id}")
    _check(page, axe, "proposal-page")
    page.get_by_role("button", name="Propose this role instead").first.click()
    expect(page.get_by_text("Now proposed:")).to_be_visible()
    page.get_by_role("button", name="Approve this proposal").click()
    expect(page.get_by_text("Proposal approved.")).to_be_visible()
    _check(page, axe, "proposal-approved")
