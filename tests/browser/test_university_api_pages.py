"""The university API's pages in a real browser: the coordinator issues a token, a student
chooses to share, and the documentation page; each passes axe, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from support.browser import assert_accessible, screenshot, sign_in
from support.factories import create_coordinator, create_student

from placement.extensions import db


def test_a_coordinator_adds_a_partner_and_issues_a_token_shown_once(
    page: Page, base_url: str, axe, live_server
) -> None:
    with live_server.app.app_context():
        email = create_coordinator().email
        db.session.remove()
    sign_in(page, base_url, email)
    page.get_by_role("link", name="Universities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("University partners")
    assert_accessible(axe, page)
    page.get_by_label("University").select_option(label="University College London")
    page.get_by_role("button", name="Add university partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("University College London")
    page.get_by_role("button", name="Issue token").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name for the token")
    assert_accessible(axe, page)
    page.get_by_label("Name of the token").fill("Records system")
    page.get_by_label("Read sharing students and their stage (students:read)").check()
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Issue token").click()
    token = page.locator("#token-value")
    expect(token).to_contain_text("dtp_")
    assert_accessible(axe, page)
    screenshot(page, "university-token-issued")
    page.goto(page.url.removesuffix("/tokens"))
    expect(page.locator("#token-value")).to_have_count(0)
    page.get_by_role("button", name="Revoke Records system").click()
    expect(page.get_by_text("stops working at once")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_student_turns_sharing_with_their_university_on_and_off(
    browser: Browser, base_url: str, axe, live_server, javascript: bool
) -> None:
    with live_server.app.app_context():
        email = create_student(university_id="ucl").user.email
        db.session.remove()
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, base_url, email)
        page.get_by_role("link", name="Change whether you share your progress").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Share your progress with your university"
        )
        expect(page.get_by_label("No, do not share it")).to_be_checked()
        if javascript:  # axe runs as a script in the page
            assert_accessible(axe, page)
        page.get_by_label("Yes, share my progress with my university").check()
        page.get_by_role("button", name="Save my choice").click()
        expect(page.get_by_text("Your university can now see your progress.")).to_be_visible()
        page.get_by_role("link", name="Change whether you share your progress").click()
        page.get_by_label("No, do not share it").check()
        page.get_by_role("button", name="Save my choice").click()
        expect(page.get_by_text("Your university can no longer see your progress.")).to_be_visible()
    finally:
        context.close()


def test_the_api_documentation_page_is_accessible(page: Page, base_url: str, axe) -> None:
    page.goto(base_url + "/developers/api")
    expect(page.get_by_role("heading", level=1)).to_have_text("API for universities")
    expect(page.get_by_role("heading", name="GET /api/v1/students")).to_be_visible()
    assert_accessible(axe, page)
