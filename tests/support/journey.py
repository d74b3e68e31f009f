"""The three people of the whole journey, each in their own browser context, driving the pages.

Every step goes through the pages as a person would. With JavaScript on, `check` and `error` run
axe on the page (error states included); with it off, axe cannot run and only the flow is checked.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, expect

from support.browser import ask_role_skills, assert_accessible, screenshot

PASSWORD = "seven quiet herons fishing at dawn"
NEXT_YEAR = str(date.today().year + 1)


@dataclass(frozen=True)
class Scope:
    """What keeps one run of the journey apart from the other browser tests' data."""

    university: str
    university_name: str
    sector: str
    sector_label: str
    tag: str

    @classmethod
    def fresh(cls, university: tuple[str, str], sector: tuple[str, str]) -> Scope:
        return cls(*university, *sector, tag=uuid.uuid4().hex[:8])

    def email(self, who: str) -> str:
        return f"{who}.{self.tag}@journey.example.org"

    @property
    def company_number(self) -> str:
        return f"{int(self.tag, 16) % 10**8:08d}"


class Person:
    """One person's own browser context (own cookies) and the page they are looking at."""

    def __init__(self, browser: Browser, base_url: str, axe: Axe, *, javascript: bool) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, base_url=base_url)
        self.page = self.context.new_page()
        self.base_url, self.axe, self.javascript = base_url, axe, javascript

    def close(self) -> None:
        self.context.close()

    def check(self, heading: str, shot: str | None = None) -> None:
        """The page has this h1, passes axe (JavaScript on) and is kept as a screenshot."""
        self.page.wait_for_load_state("load")
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        if self.javascript:
            assert_accessible(self.axe, self.page)
        if shot:
            screenshot(self.page, f"journey-{shot}" + ("" if self.javascript else "-no-js"))

    def error(self, message: str, button: str) -> None:
        """Press the button and expect the GOV.UK error summary to name this problem."""
        self.press(button)
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(message)
        if self.javascript:
            expect(summary).to_be_focused()
            assert_accessible(self.axe, self.page)

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button, exact=True).click()
        self.page.wait_for_load_state("load")

    def label(self, text: str) -> Locator:
        return self.page.get_by_label(text, exact=True)

    def banner(self) -> Locator:
        return self.page.locator(".govuk-notification-banner")

    def confirm_and_sign_in(self, link: str, email: str, home: str) -> None:
        self.page.goto(link)
        self.check("Email address confirmed")
        self.page.get_by_role("link", name="Sign in to continue").click()
        self.check("Sign in")
        self.error("Enter your email address", "Sign in")
        self.sign_in(email, PASSWORD)
        expect(self.page).to_have_url(self.base_url + home)

    def sign_in(self, email: str, password: str) -> None:
        if "/sign-in" not in self.page.url:
            self.page.goto("/sign-in")
        self.label("Email address").fill(email)
        self.label("Password").fill(password)
        self.press("Sign in")


class Student(Person):
    """Registers, completes every task of the profile, submits it and answers an offer."""

    def register(self, scope: Scope, live_server) -> None:
        email = scope.email("student")
        self.page.goto("/register/student")
        self.check("Create a student account", "student-register")
        self.error("Enter your email address", "Create account")
        self.label("Email address").fill(email)
        self.label("Create a password").fill(PASSWORD)
        self.press("Create account")
        self.check("Check your email")
        self.confirm_and_sign_in(live_server.last_link(email), email, "/student/")
        self.check("Your placement profile", "student-task-list")

    def task(self, name: str, heading: str) -> None:
        self.page.goto("/student/")
        self.page.get_by_role("link", name=name, exact=True).click()
        self.check(heading)

    def build_profile(self, scope: Scope, given_name: str, family_name: str) -> None:
        page = self.page
        page.goto("/student/profile/check")
        self.check("Check your answers")
        self.error("Complete 'About you'", "Submit profile")
        self.task("About you", "About you")
        self.error("Enter your first name", "Save and continue")
        self.label("First name").fill(given_name)
        self.label("Last name").fill(family_name)
        self.press("Save and continue")

        self.task("Your course", "Your course")
        self.error("Select your university", "Save and continue")
        page.get_by_label("University").select_option(scope.university)
        self.label("Course").fill("BSc Data Science")
        page.locator("#expected_graduation-month").fill("7")
        page.locator("#expected_graduation-year").fill(str(int(NEXT_YEAR) + 1))
        self.label("Level 6").check()
        self.press("Save and continue")

        self.skills()
        self.availability()

        self.task("Where you can work", "Where you can work")
        self.label("Hybrid").check()
        self.error("Select your home borough", "Save and continue")
        page.get_by_label("Your home borough").select_option("newham")
        self.press("Save and continue")

        self.task("Right to work in the UK", "Right to work in the UK")
        self.error("Select yes if you have the right to work in the UK", "Save and continue")
        self.label("Yes").check()
        self.press("Save and continue")

        self.task("Sectors that interest you", "Sectors that interest you")
        self.error("Select at least one sector", "Save and continue")
        self.label(scope.sector_label).check()
        self.press("Save and continue")

    def skills(self) -> None:
        page = self.page
        self.task("Your skills", "Choose your skills")
        self.error("Select at least one skill", "Continue")
        if self.javascript:
            search = page.get_by_label("Search for a skill")
            search.fill("python")
            self.label("Python").check()
            search.fill("sql")
            self.label("SQL").check()
            search.fill("")
        else:
            page.locator("summary", has_text="Programming languages").click()
            self.label("Python").check()
            self.label("SQL").check()
        self.press("Continue")
        self.check("Your level in each skill")
        page.get_by_role("group", name="Your level in SQL").get_by_label("3: Practitioner").check()
        self.error("Select your level in Python", "Save and continue")
        page.get_by_role("group", name="Your level in Python").get_by_label("4: Advanced").check()
        self.press("Save and continue")

    def availability(self) -> None:
        page = self.page
        self.task("When you can work", "When you can work")
        for prefix, parts in (("available_from", ("1", "6")), ("available_until", ("30", "9"))):
            page.locator(f"#{prefix}-day").fill(parts[0])
            page.locator(f"#{prefix}-month").fill(parts[1])
            page.locator(f"#{prefix}-year").fill(NEXT_YEAR)
        page.get_by_label("How many hours a week can you work?").fill("two hundred")
        self.error("Enter the hours a week you can work, as a whole number", "Save and continue")
        page.get_by_label("How many hours a week can you work?").fill("35")
        self.press("Save and continue")

    def submit_profile(self) -> None:
        self.page.goto("/student/")
        self.check("Your placement profile", "student-task-list-complete")
        self.page.get_by_role("link", name="Check and submit your profile").click()
        self.check("Check your answers", "student-check-answers")
        expect(self.page.get_by_text("Python: 4 Advanced")).to_be_visible()
        self.press("Submit profile")
        self.check("Profile submitted for matching", "student-submitted")

    def accept_offer(self, role_title: str) -> None:
        self.page.goto("/student/offers")
        self.check("Your offers and placements", "student-offers")
        answer = re.compile(rf"^Answer this offer\W+{re.escape(role_title)}$")
        self.page.get_by_role("link", name=answer).click()
        self.check(f"Your offer: {role_title}")
        self.label("If you decline, tell us why (optional)").fill("x" * 1001)
        self.error("Reason must be 1000 characters or fewer", "Decline offer")
        self.label("If you decline, tell us why (optional)").fill("")
        self.press("Accept offer")
        self.check("Your offers and placements", "student-offer-accepted")
        expect(self.banner()).to_contain_text("You accepted the offer.")


class OrganisationMember(Person):
    """Registers the organisation, posts and publishes a role, and answers the offer."""

    def register(self, scope: Scope, name: str, live_server) -> None:
        page, email = self.page, scope.email("organisation")
        page.goto("/register/organisation")
        self.check("Register your organisation", "organisation-register")
        self.label("Companies House number").fill("not a number")
        self.error("Enter your organisation's name", "Register organisation")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a Companies House number in the correct format"
        )
        self.label("Organisation name").fill(name)
        self.label("Companies House number").fill(scope.company_number)
        self.label("How many people work for the organisation?").fill("18")
        self.label("Yes, it is a start-up").check()
        self.label("Sector").select_option(scope.sector)
        self.label("Borough where the placements will be based").select_option("newham")
        self.label("Address").fill("2 Example Wharf, London E16 1AA")
        self.label("Your full name").fill("Nia Founder")
        self.label("Your work email address").fill(email)
        self.label("Create a password").fill(PASSWORD)
        self.press("Register organisation")
        self.check("Check your email")
        self.confirm_and_sign_in(live_server.last_link(email), email, "/organisation/")
        self.check(name, "organisation-dashboard")
        expect(page.get_by_text("Waiting for a coordinator to check")).to_be_visible()

    def post_role(self, scope: Scope, title: str) -> None:
        page = self.page
        page.get_by_role("button", name="Post a role").click()
        self.check("Post a role", "organisation-role-new")
        self.error("Enter a job title", "Save and publish")
        self.label("Job title").fill(title)
        self.label("What the student will do").fill("Model energy use with the data team.")
        self.label("Number of places").fill("1")
        for prefix, (day, month) in (("start_date", ("1", "7")), ("end_date", ("31", "8"))):
            page.locator(f"#{prefix}-day").fill(day)
            page.locator(f"#{prefix}-month").fill(month)
            page.locator(f"#{prefix}-year").fill(NEXT_YEAR)
        self.label("Hours per week").fill("30")
        self.label("Pay per hour, in pounds").fill("9.50")
        self.label("Borough where the placement is based").select_option("newham")
        self.label("Hybrid").check()
        page.get_by_label("Level 6:").check()
        self.label("Sector").select_option(scope.sector)
        asks = [("python", "2", "3", "required"), ("sql", "2", "2", "desired")]
        ask_role_skills(page, asks, self.javascript)
        self.error("Pay must be at least", "Save and publish")
        expect(self.label("Job title")).to_have_value(title)
        self.label("Pay per hour, in pounds").fill("15.50")
        if not self.javascript:
            self.press("Check how many students fit")
        expect(page.get_by_text(re.compile(r"^[1-9]\d* students? meets? all your"))).to_be_visible()
        self.check("Post a role", "organisation-role-pool")
        self.press("Save and publish")
        self.check(title, "organisation-role-waiting")
        expect(self.banner()).to_contain_text("published once a coordinator has verified")

    def accept_offer(self, role_title: str, student_name: str) -> None:
        page = self.page
        page.goto("/organisation/offers")
        self.check("Offers and placements", "organisation-offers")
        expect(page.get_by_text(student_name).first).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Answer this offer")).click()
        self.check(f"Offer for {role_title}")
        self.label("If you decline, tell us why (optional)").fill("y" * 1001)
        self.error("Reason must be 1000 characters or fewer", "Decline offer")
        self.label("If you decline, tell us why (optional)").fill("")
        self.press("Accept offer")
        self.check(f"Offer for {role_title}", "organisation-offer-accepted")
        expect(self.banner()).to_contain_text("You accepted the offer.")
        expect(
            page.get_by_text("Both of you accepted: the placement is confirmed.")
        ).to_be_visible()
        expect(page.get_by_text(student_name)).to_be_visible()
        page.get_by_role("link", name="Back").click()
        self.check("Offers and placements")
        expect(page.get_by_text(f"{role_title}: {student_name}")).to_be_visible()

    def sees_an_anonymous_candidate(self, student_name: str) -> None:
        self.page.goto("/organisation/offers")
        self.check("Offers and placements")
        expect(self.page.get_by_text(re.compile(r"Candidate [0-9A-F]{10}")).first).to_be_visible()
        expect(self.page.get_by_text(student_name)).to_have_count(0)
