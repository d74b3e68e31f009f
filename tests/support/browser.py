"""Helpers for browser tests: the accessibility check and screenshots kept as artefacts."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from support.factories import PASSWORD

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def assert_accessible(axe: Axe, page: Page) -> None:
    """axe-core finds no WCAG 2.0/2.1/2.2 A or AA, nor best-practice, violations on the page."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert violations == [], f"{page.url}: " + results.generate_report()


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot as a test artefact in test-artifacts/."""
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)


def sign_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and wait until the page after it has loaded.

    Going on before then races the sign-in's own redirect: both pages may start a session with
    their own CSRF secret, and the cookie that arrives last wins, so a later form is refused.
    """
    page.goto(base_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.wait_for_load_state()


def ask_role_skills(page: Page, asks: list[tuple[str, str, str, str]], javascript: bool) -> None:
    """Tick each skill in the role form's chooser, then fill in its row.

    asks are (skill id, level, importance, required|desired). With JavaScript the search box
    finds the skill and its row appears at once; without, the group is opened by hand and
    "Update the skills below" brings the rows.
    """
    for skill, *_ in asks:
        box = page.locator(f"#skill-choice-{skill}")
        if javascript:
            page.get_by_label("Search for a skill").fill(box.get_attribute("data-label") or skill)
        elif not box.is_visible():
            box.locator("xpath=ancestor::details[1]/summary").click()
        box.check()
    if not javascript:
        page.get_by_role("button", name="Update the skills below").click()
        page.wait_for_load_state("load")
    for skill, level, importance, required in asks:
        row = page.locator(f'[data-skill-row="{skill}"]')
        row.locator('select[name$="-level"]').select_option(level)
        row.locator('select[name$="-weight"]').select_option(importance)
        row.locator('select[name$="-required"]').select_option(required)
