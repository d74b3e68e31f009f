"""The coordinator of the whole journey: verifies, runs a round, publishes, reads the dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from support.journey import Person, Scope


class Coordinator(Person):
    """Verifies the organisation, runs a round over the journey's scope and publishes offers."""

    def verify(self, name: str) -> None:
        page = self.page
        page.goto("/coordinator/organisations")
        self.check("Organisations", "coordinator-organisations")
        page.get_by_role("link", name=name, exact=True).click()
        self.check(name, "coordinator-organisation")
        self.error("Enter a reason", "Refuse organisation")
        self.press(f"Verify {name}")
        self.check("Organisations")
        expect(self.banner()).to_contain_text(f"{name} is verified.")

    def run_round(self, scope: Scope, round_name: str, student_name: str) -> None:
        page = self.page
        page.goto("/coordinator/rounds/new")
        self.check("Create a round", "coordinator-round-new")
        self.error("Enter a name for the round", "Create round")
        self.label("Name of the round").fill(round_name)
        self.label(scope.university_name).check()
        self.label(scope.sector_label).check()
        self.press("Create round")
        self.check(round_name, "coordinator-round-draft")
        self.press("Run this round")
        expect(self.banner()).to_contain_text("The round is queued to run.")
        self.wait_for_round(page.get_by_text(re.compile(r"^1 proposal\(s\) shown")))
        self.check(round_name, "coordinator-round-review")
        self.press(f"Approve {student_name}")
        expect(self.banner()).to_contain_text("Proposal approved.")
        self.check(round_name)

    def wait_for_round(self, done: Locator) -> None:
        """With JavaScript the page reloads itself once the worker has run the round; without,
        the person follows "Refresh this page" until it has."""
        if self.javascript:
            expect(done).to_be_visible(timeout=30_000)
            return
        for _ in range(60):
            if done.is_visible():
                return
            self.page.wait_for_timeout(500)
            self.page.get_by_role("link", name="Refresh this page").click()
        expect(done).to_be_visible()

    def publish(self, student_name: str) -> None:
        page = self.page
        page.get_by_role("link", name="Publish offers for approved proposals").click()
        self.check("Publish offers", "coordinator-publish")
        expect(page.get_by_role("listitem").filter(has_text=student_name)).to_be_visible()
        self.press("Send offers")
        self.check("Offers")
        expect(self.banner()).to_contain_text("1 offer(s) sent.")


def counts_on_dashboard(person: Person) -> tuple[int, int]:
    """(students placed, organisations hosting) as the coordinator's dashboard shows them."""
    person.page.goto("/coordinator/")
    person.check("Programme overview", "coordinator-dashboard")
    table = person.page.locator("table", has_text="Progress against the targets")
    figures = []
    for target in ("Students placed", "Start-ups and SMEs hosting a placement"):
        cell = table.get_by_role("row", name=re.compile(target)).locator("td").first
        figures.append(int(cell.inner_text().replace(",", "")))
    return figures[0], figures[1]
