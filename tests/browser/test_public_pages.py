"""The public pages in a real browser: they render with the service's styles and pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support.browser import assert_accessible, screenshot

PAGES = [
    ("/", "Work placements in London start-ups and SMEs"),
    ("/sign-in", "Sign in"),
    ("/register/student", "Create a student account"),
    ("/register/organisation", "Register your organisation"),
    ("/accessibility", "Accessibility statement"),
    ("/privacy", "Privacy notice"),
    ("/no-such-page", "Page not found"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_each_public_page_has_its_heading_and_no_accessibility_violations(
    page: Page, base_url: str, axe, path: str, heading: str
) -> None:
    page.goto(base_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(axe, page)


def test_the_sign_in_error_state_is_summarised_and_accessible(
    page: Page, base_url: str, axe
) -> None:
    page.goto(base_url + "/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_be_focused()
    assert_accessible(axe, page)
    screenshot(page, "sign-in-error")
