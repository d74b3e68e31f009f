"""A coordinator reads the dashboard and reports in a real browser, under the real CSP."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from support.browser import assert_accessible, screenshot, sign_in
from support.factories import create_coordinator
from support.reports import build_programme

from placement.extensions import db


def test_a_coordinator_sees_the_dashboard_and_reports_with_coloured_charts(
    page: Page, base_url: str, axe, live_server
) -> None:
    with live_server.app.app_context():
        build_programme()
        coordinator = create_coordinator()
        email = coordinator.email
        db.session.remove()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    sign_in(page, base_url, email)
    page.goto(base_url + "/coordinator/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme overview")
    chart = page.get_by_role("img", name="Students at each stage")
    expect(chart).to_be_visible()
    bar_fill = page.evaluate(
        """() => getComputedStyle(
            document.querySelector('#funnel-chart-patch_3 path')).fill"""
    )
    assert bar_fill == "rgb(29, 112, 184)"
    assert_accessible(axe, page)
    screenshot(page, "coordinator-dashboard")

    for path, heading in (
        ("/coordinator/reports/equity", "Equity report: the programme"),
        ("/coordinator/reports/skills", "Skills demand and supply"),
        ("/coordinator/reports", "Reports"),
        ("/coordinator/imports/students", "Import students"),
    ):
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(axe, page)
    screenshot(page, "coordinator-import-students")
    assert blocked == []
