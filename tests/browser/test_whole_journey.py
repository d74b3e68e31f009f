"""The whole journey in a real browser, from two registrations to a placement on the dashboard.

A student registers and submits a profile; an organisation registers and posts a role; a
coordinator verifies the organisation, runs a round, approves and publishes the proposal; the
student and then the organisation accept; the dashboard counts one more placement. Each person
has their own browser context. With JavaScript on, axe checks every page visited, error states
included; the same journey then runs with JavaScript off, where axe cannot run.

The live server's database is shared with the other browser tests, so every run has its own
emails, Companies House number, university and sector, and the round covers only those.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect
from support.factories import PASSWORD, create_coordinator
from support.journey import OrganisationMember, Scope, Student
from support.journey_coordinator import Coordinator, counts_on_dashboard

SCOPES = {
    True: (
        ("goldsmiths", "Goldsmiths, University of London"),
        ("cleantech", "Climate and clean tech"),
    ),
    False: (
        ("westminster", "University of Westminster"),
        ("proptech", "Proptech and built environment"),
    ),
}


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_student_and_an_organisation_register_and_end_up_with_a_counted_placement(
    browser: Browser, live_server, axe: Axe, javascript: bool
) -> None:
    scope = Scope.fresh(*SCOPES[javascript])
    student_name = f"Ama Mensah{scope.tag}"
    organisation_name = f"Green Grid {scope.tag} Ltd"
    role_title = f"Junior energy data analyst {scope.tag}"
    with live_server.app.app_context():
        coordinator_email = create_coordinator(scope.email("coordinator")).email

    people = {
        kind: kind(browser, live_server.url, axe, javascript=javascript)
        for kind in (Student, OrganisationMember, Coordinator)
    }
    student, member, coordinator = people[Student], people[OrganisationMember], people[Coordinator]
    try:
        student.register(scope, live_server)
        student.build_profile(scope, "Ama", f"Mensah{scope.tag}")
        student.submit_profile()

        member.register(scope, organisation_name, live_server)
        member.post_role(scope, role_title)

        coordinator.sign_in(coordinator_email, PASSWORD)
        placed_before, hosting_before = counts_on_dashboard(coordinator)
        coordinator.verify(organisation_name)
        coordinator.run_round(scope, f"Journey round {scope.tag}", student_name)
        coordinator.publish(student_name)

        member.sees_an_anonymous_candidate(student_name)
        student.accept_offer(role_title)
        member.accept_offer(role_title, student_name)

        placed_after, hosting_after = counts_on_dashboard(coordinator)
        assert (placed_after, hosting_after) == (placed_before + 1, hosting_before + 1)
        coordinator.page.goto("/coordinator/placements")
        coordinator.check("Placements", "coordinator-placements")
        expect(coordinator.page.get_by_text(student_name).first).to_be_visible()
    finally:
        for person in people.values():
            person.close()
