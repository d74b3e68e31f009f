"""An organisation's journey in a real browser: register, post a role, publish, copy, close.

Every page visited is checked with axe; the same core journey runs again with JavaScript off.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from support.browser import ask_role_skills, assert_accessible, screenshot, sign_in
from support.factories import PASSWORD, create_organisation, create_student

from placement.extensions import db
from placement.models import Organisation, StudentPreference
from placement.services import roles

REGISTRATION_PASSWORD = "purple elephants dance quietly"


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _register(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + "/register/organisation")
    page.get_by_label("Organisation name").fill("Browser Analytics Ltd")
    page.get_by_label("Companies House number").fill("SC765432")
    page.get_by_label("How many people work for the organisation?").fill("260")
    page.get_by_label("Yes, it is a start-up").check()
    page.get_by_label("Sector").select_option("fintech")
    page.get_by_label("Borough where the placements will be based").select_option("camden")
    page.get_by_label("Address", exact=True).fill("3 Example Yard, London NW1 2AB")
    page.get_by_label("Your full name").fill("Grace Browser")
    page.get_by_label("Your work email address").fill(email)
    page.locator("#password").fill(REGISTRATION_PASSWORD)
    page.get_by_role("button", name="Register organisation").click()
    page.goto(live_server.last_link(email))


def _fill_role(page: Page, pay: str, javascript: bool = True) -> None:
    page.get_by_label("Job title").fill("Junior data engineer")
    page.get_by_label("What the student will do").fill("Build data pipelines with the team.")
    page.get_by_label("Number of places").fill("2")
    for prefix, (day, month, year) in (("start_date", (1, 7, 2027)), ("end_date", (31, 8, 2027))):
        page.locator(f"#{prefix}-day").fill(str(day))
        page.locator(f"#{prefix}-month").fill(str(month))
        page.locator(f"#{prefix}-year").fill(str(year))
    page.get_by_label("Hours per week").fill("30")
    page.locator("#pay").fill(pay)
    page.get_by_label("Hybrid").check()
    ask_role_skills(page, [("python", "2", "3", "required")], javascript)


def _role_journey(page: Page, axe, live_server, email: str, check=True) -> None:
    """From the dashboard: a role with an error, a pool check, a draft, publish, copy, close."""
    visit = (
        (lambda name: (assert_accessible(axe, page), screenshot(page, name)))
        if check
        else (lambda name: None)
    )
    page.get_by_role("button", name="Post a role").click()
    _heading(page, "Post a role")
    expect(page.get_by_text("At least £14.80 an hour: the London Living Wage")).to_be_visible()
    visit("organisation-role-new")

    _fill_role(page, pay="11.00", javascript=check)
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Pay must be at least £14.80 an hour")
    expect(page.locator("#pay")).to_have_value("11.00")
    if check:
        expect(summary).to_be_focused()
    visit("organisation-role-error")

    page.locator("#pay").fill("15.50")
    check_button = page.get_by_role("button", name="Check how many students fit")
    if check:  # JavaScript on: the panel follows the form, and the button is not needed
        expect(check_button).to_be_hidden()
    else:  # the button counts and comes back to the panel, not to the top of the page
        check_button.click()
        expect(page).to_have_url(re.compile(r"/organisation/roles/new#pool$"))
    # Other browser tests share the server's database: at least the one student made here fits.
    expect(
        page.locator("#pool-panel").get_by_text(
            re.compile(r"^[1-9]\d* students? meets? all your requirements\.$")
        )
    ).to_be_visible()
    expect(page.get_by_label("Job title")).to_have_value("Junior data engineer")
    visit("organisation-role-pool")

    page.get_by_role("button", name="Save as draft").click()
    _heading(page, "Junior data engineer")
    expect(page.get_by_text("Role saved as a draft")).to_be_visible()
    visit("organisation-role-draft")

    with live_server.app.app_context():
        organisation = db.session.execute(
            select(Organisation).where(Organisation.contact_email == email)
        ).scalar_one()
        organisation.status = "verified"
        roles.publish_waiting(db.session, organisation)
        db.session.commit()

    page.get_by_role("button", name="Publish role").click()
    expect(page.get_by_text("Role published")).to_be_visible()
    visit("organisation-role-published")

    page.get_by_role("button", name="Copy as a new role").click()
    _heading(page, "Edit draft role")
    expect(page.get_by_label("Job title")).to_have_value("Junior data engineer")
    visit("organisation-role-copy")

    page.get_by_role("link", name="Roles", exact=True).click()
    _heading(page, "Your roles")
    visit("organisation-roles")
    published = page.get_by_role("row", name="Published")
    published.get_by_role("link", name="Junior data engineer", exact=True).click()
    page.get_by_role("button", name="Close role").click()
    _heading(page, "Are you sure you want to close this role?")
    visit("organisation-role-close")
    page.get_by_role("button", name="Close role").click()
    expect(page.get_by_text("Role closed")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Closed")).to_be_visible()


def test_an_organisation_registers_posts_publishes_copies_and_closes_a_role(
    page: Page, live_server, axe
) -> None:
    email = "grace@browser-analytics.example.com"
    with live_server.app.app_context():
        create_student("pool.student@example.org", skills={"python": 3})
    _register(page, live_server, email)
    sign_in(page, live_server.url, email, REGISTRATION_PASSWORD)
    _heading(page, "Browser Analytics Ltd")
    expect(page.get_by_text("Waiting for a coordinator to check")).to_be_visible()
    expect(page.get_by_text("does not count as an SME")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "organisation-dashboard")

    page.get_by_role("link", name="Change contact details").click()
    _heading(page, "Contact details")
    page.get_by_label("Contact's email address").fill("not an address")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address")
    assert_accessible(axe, page)
    screenshot(page, "organisation-contact-details-error")
    page.get_by_label("Contact's email address").fill(email)
    page.get_by_label("Telephone number (optional)").fill("020 7946 0001")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Details saved.")).to_be_visible()
    expect(page.get_by_text("020 7946 0001")).to_be_visible()

    page.get_by_role("button", name="Invite a colleague").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your")
    assert_accessible(axe, page)
    page.get_by_label("Your colleague's work email address").fill("colleague@browser.example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have sent an invitation")).to_be_visible()
    assert "/invitation/" in live_server.last_link("colleague@browser.example.com")

    _role_journey(page, axe, live_server, email)


def test_candidates_are_listed_anonymously_and_marked_accessibly(
    page: Page, live_server, axe
) -> None:
    with live_server.app.app_context():
        organisation, member = create_organisation("Candidate Checkers Ltd")
        from support.factories import create_role

        role = create_role(organisation)
        student = create_student("ranked.student@example.org", given_name="Zebedee")
        db.session.add(StudentPreference(student_id=student.id, role_id=role.id, rank=1))
        db.session.commit()
        email, role_id = member.email, role.id
    sign_in(page, live_server.url, email, PASSWORD)
    page.goto(f"{live_server.url}/organisation/roles/{role_id}/candidates")
    _heading(page, "Candidates")
    heading = page.get_by_role("heading", name=re.compile(r"^Candidate [0-9A-F]{10}$"))
    expect(heading).to_be_visible()
    label = heading.inner_text()
    expect(page.get_by_text("Zebedee")).to_have_count(0)
    page.get_by_role("button", name=f"Mark {label} as a student you would like").click()
    expect(page.get_by_text("Marked: your choice 1")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "organisation-candidates")


def test_the_role_journey_works_with_javascript_off(browser: Browser, live_server) -> None:
    email = "nojs@organisation.example.com"
    with live_server.app.app_context():
        create_student("nojs.pool.student@example.org", skills={"python": 3})
        create_organisation("No Script Ltd", verified=False, member_email=email)
        organisation = db.session.execute(
            select(Organisation).where(Organisation.name == "No Script Ltd")
        ).scalar_one()
        organisation.contact_email = email
        db.session.commit()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, email, PASSWORD)
        _heading(page, "No Script Ltd")
        _role_journey(page, None, live_server, email, check=False)
    finally:
        context.close()


def test_the_pool_follows_the_skills_as_they_change_with_javascript(
    page: Page, live_server, axe
) -> None:
    email = "live.pool@organisation.example.com"
    with live_server.app.app_context():
        create_organisation("Live Pool Ltd", member_email=email)
        for number in range(2):
            skills = {"python": 3, "figma": 1 + 2 * number}
            create_student(f"live.pool.{number}@example.org", skills=skills)
    sign_in(page, live_server.url, email)
    page.goto(live_server.url + "/organisation/roles/new")
    _fill_role(page, pay="15.50")
    panel = page.locator("#pool-panel")
    headline = panel.locator("#pool-headline")
    expect(headline).to_contain_text("all your requirements")
    ask_role_skills(page, [("figma", "3", "2", "required")], javascript=True)
    # The student with Figma at level 1 drops out, and relaxing Figma would bring them back.
    expect(panel).to_contain_text("if Figma were desired rather than required")
    page.wait_for_load_state("networkidle")
    at_level_3 = int(headline.inner_text().split()[0])
    page.locator('[data-skill-row="figma"] select[name$="-level"]').select_option("1")
    expect(headline).not_to_have_text(re.compile(rf"^{at_level_3} students? "))
    assert int(headline.inner_text().split()[0]) > at_level_3
    assert_accessible(axe, page)
    screenshot(page, "organisation-role-live-pool")
