"""A student's journey in a real browser: register, build the profile, submit, rank a role.

With JavaScript every page visited is checked with axe (0 violations), error states included.
The same core journey runs again with JavaScript turned off, where axe cannot run.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from support.browser import assert_accessible, screenshot
from support.factories import create_organisation, create_role

PASSWORD = "purple elephants dance quietly"
NEXT_YEAR = str(date.today().year + 1)
_numbers = itertools.count(1)


class Journey:
    """Steps of the student journey; `check` runs axe when JavaScript is on."""

    def __init__(self, page: Page, axe, live_server, *, javascript: bool) -> None:
        self.page, self.axe, self.live_server = page, axe, live_server
        self.javascript = javascript

    def check(self, heading: str, shot: str | None = None) -> None:
        self.page.wait_for_load_state("load")
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        if self.javascript:
            assert_accessible(self.axe, self.page)
        if shot:
            screenshot(self.page, f"student-{shot}" + ("" if self.javascript else "-no-js"))

    def error(self, message: str, button: str = "Save and continue", inline: bool = True) -> None:
        """Send the form as it is and expect the GOV.UK error summary with this message."""
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state("load")
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(message)
        if inline:
            expect(self.page.locator(".govuk-error-message").first).to_be_visible()
        if self.javascript:
            expect(summary).to_be_focused()
            assert_accessible(self.axe, self.page)

    def save(self, button: str = "Save and continue") -> None:
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state("load")

    def task(self, name: str) -> None:
        self.page.goto("/student/")
        self.page.get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state("load")

    def register_and_sign_in(self, email: str) -> None:
        page = self.page
        page.goto("/register/student")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Create a password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")
        page.goto(self.live_server.last_link(email))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Email address confirmed")
        page.get_by_role("link", name="Sign in to continue").click()
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(self.live_server.url + "/student/")

    def about_you(self) -> None:
        self.task("About you")
        self.check("About you")
        self.page.get_by_label("First name").fill("Amara")
        self.error("Enter your last name")
        expect(self.page.get_by_label("First name")).to_have_value("Amara")
        self.page.get_by_label("Last name").fill("Okafor")
        self.save()

    def course(self, *, via_eligibility: bool) -> None:
        page = self.page
        self.task("Your course")
        self.check("Your course")
        self.error("Select your university")
        page.get_by_label("University").select_option(label="Queen Mary University of London")
        page.get_by_label("Course", exact=True).fill("BSc Computer Science")
        page.locator("#expected_graduation-month").fill("7")
        page.locator("#expected_graduation-year").fill(NEXT_YEAR)
        if via_eligibility:
            page.get_by_label("Level 5", exact=True).check()
            self.save()
            self.check("Part 3 placements are for Level 6 and above", "eligibility")
            page.get_by_role("link", name="Change the level of your course").click()
        page.get_by_label("Level 6", exact=True).check()
        self.save()

    def skills(self) -> None:
        page = self.page
        self.task("Your skills")
        self.check("Choose your skills")
        self.error("Select at least one skill", button="Continue")
        if self.javascript:
            search = page.get_by_label("Search for a skill")
            search.fill("python")
            expect(page.locator("#skills-search-status")).to_contain_text("match")
            expect(page.get_by_label("Figma", exact=True)).to_be_hidden()
            page.get_by_label("Python", exact=True).check()
            search.fill("structured query")
            page.get_by_label("SQL", exact=True).check()
            search.fill("")
            assert_accessible(self.axe, page)
            screenshot(page, "student-skills-search")
        else:
            expect(page.get_by_label("Search for a skill")).to_have_count(0)
            page.locator("summary", has_text="Programming languages").click()
            page.get_by_label("Python", exact=True).check()
            page.get_by_label("SQL", exact=True).check()
        self.save("Continue")
        self.check("Your level in each skill")
        page.get_by_role("group", name="Your level in Python").get_by_label("4: Advanced").check()
        self.error("Select your level in SQL")
        page.get_by_role("group", name="Your level in SQL").get_by_label(
            "2: Working knowledge"
        ).check()
        self.save()

    def availability(self) -> None:
        page = self.page
        self.task("When you can work")
        self.check("When you can work")
        page.locator("#available_from-day").fill("1")
        page.locator("#available_from-month").fill("6")
        self.error("The date you can start must include a year")
        page.locator("#available_from-year").fill(NEXT_YEAR)
        for part, value in (("day", "30"), ("month", "9"), ("year", NEXT_YEAR)):
            page.locator(f"#available_until-{part}").fill(value)
        page.get_by_label("How many hours a week can you work?").fill("35")
        self.save()

    def where(self) -> None:
        page = self.page
        self.task("Where you can work")
        self.check("Where you can work")
        page.get_by_label("Hybrid", exact=True).check()
        self.error("Select your home borough")
        page.get_by_label("Your home borough").select_option("newham")
        self.save()

    def right_to_work(self) -> None:
        self.task("Right to work in the UK")
        self.check("Right to work in the UK")
        self.error("Select yes if you have the right to work in the UK")
        self.page.get_by_label("Yes", exact=True).check()
        self.save()

    def sectors(self) -> None:
        self.task("Sectors that interest you")
        self.check("Sectors that interest you")
        self.error("Select at least one sector")
        self.page.get_by_label("Fintech and financial services").check()
        self.save()

    def equality(self) -> None:
        page = self.page
        page.goto("/student/")
        page.get_by_role("link", name="Answer the equality questions").click()
        self.check("Equality monitoring (optional)", "equality")
        # Each question is optional on its own: one answer is saved without the others.
        page.get_by_role("group", name="What is your gender?").get_by_label("Woman").check()
        self.save("Save answers")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
        page.goto("/student/equality")
        expect(
            page.get_by_role("group", name="What is your gender?").get_by_label("Woman")
        ).to_be_checked()
        page.get_by_role("group", name="How old are you?").get_by_label("16 to 24").check()
        self.save("Save answers")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")

    def check_and_submit(self) -> None:
        page = self.page
        page.goto("/student/")
        self.check("Your placement profile", "task-list-complete")
        page.get_by_role("link", name="Check and submit your profile").click()
        self.check("Check your answers", "check-answers")
        expect(page.get_by_text("Python: 4 Advanced")).to_be_visible()
        self.save("Submit profile")
        self.check("Profile submitted for matching", "submitted")

    def choose_role(self, role_title: str) -> None:
        page = self.page
        page.goto("/student/")
        page.get_by_role("link", name="Browse roles you can choose").click()
        self.check("Roles you can choose", "roles")
        page.get_by_label("Work mode").select_option("hybrid")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(
            self.live_server.url
            + "/student/roles?skill=&sector=&borough=&work_mode=hybrid&show=matched"
        )
        expect(page.get_by_text("Good fit").first).to_be_visible()
        if self.javascript:
            assert_accessible(self.axe, page)
        page.get_by_role("link", name=role_title).first.click()
        self.check(role_title, "role")
        expect(page.locator("#fit-reasons")).to_contain_text("Skills matched: Python")
        page.get_by_role("button", name="Add to my choices").click()
        self.check("Your choices", "choices")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("1st choice")


@pytest.fixture
def open_roles(live_server) -> list[str]:
    """Two published roles of a verified organisation, made straight in the database."""
    with live_server.app.app_context():
        organisation, _ = create_organisation(f"Tiny Data Ltd {next(_numbers)}")
        first = create_role(organisation, title=f"Junior data analyst {next(_numbers)}")
        second = create_role(
            organisation, title=f"Research engineer {next(_numbers)}", min_rqf_level=7
        )
        return [first.title, second.title]


def test_a_student_builds_a_profile_submits_it_and_ranks_a_role(
    page: Page, axe, live_server, open_roles
) -> None:
    journey = Journey(page, axe, live_server, javascript=True)
    journey.register_and_sign_in(f"amara{next(_numbers)}@students.example.org")
    journey.check("Your placement profile", "task-list")

    page.goto("/student/profile/check")
    journey.check("Check your answers")
    journey.error("Complete 'About you'", button="Submit profile", inline=False)

    journey.about_you()
    journey.course(via_eligibility=True)
    journey.skills()
    journey.availability()
    journey.where()
    journey.right_to_work()
    journey.sectors()
    journey.equality()
    journey.check_and_submit()
    journey.choose_role(open_roles[0])

    page.goto("/student/")
    page.get_by_role("link", name="Withdraw from matching").click()
    journey.check("Are you sure you want to withdraw from matching?")
    page.get_by_role("button", name="Withdraw from matching").click()
    expect(page.locator("#profile-status")).to_contain_text("Withdrawn from matching")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Download your data or delete your account").click()
    journey.check("Your personal data", "personal-data")
    page.get_by_role("button", name="Delete your account").click()
    journey.check("Are you sure you want to delete your account?")


def test_the_same_journey_works_without_javascript(
    browser: Browser, axe, live_server, open_roles
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        journey = Journey(page, axe, live_server, javascript=False)
        journey.register_and_sign_in(f"zeynep{next(_numbers)}@students.example.org")
        journey.about_you()
        journey.course(via_eligibility=False)
        journey.skills()
        journey.availability()
        journey.where()
        journey.right_to_work()
        journey.sectors()
        journey.check_and_submit()
        journey.choose_role(open_roles[0])

        page.goto("/student/personal-data")
        page.get_by_role("button", name="Delete your account").click()
        page.get_by_role("button", name="Delete my account").click()
        journey.check("Your account has been deleted", "account-deleted")
        page.goto("/student/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
        page.wait_for_load_state("load")
    finally:
        context.close()
