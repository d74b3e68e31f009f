"""The service navigation: every link each kind of user is shown opens a page they may see."""

from __future__ import annotations

import re

import pytest
from support.security import ROLES, client_as, sqlite_app

LINK = re.compile(
    r'class="govuk-service-navigation__link"[^>]*href="([^"]+)"|'
    r'href="([^"]+)"[^>]*class="govuk-service-navigation__link"'
)
EXPECTED = {
    "anonymous": {"/sign-in"},
    "student": {"/student/", "/student/roles", "/student/offers", "/sign-out"},
    "organisation": {"/organisation/", "/organisation/roles", "/organisation/offers", "/sign-out"},
    "coordinator": {
        "/coordinator/",
        "/coordinator/organisations",
        "/coordinator/rounds",
        "/coordinator/offers",
        "/coordinator/placements",
        "/coordinator/universities",
        "/coordinator/requests",
        "/coordinator/reports",
        "/coordinator/audit",
        "/sign-out",
    },
}


def navigation_links(html: str) -> set[str]:
    return {next(group for group in match if group) for match in LINK.findall(html)}


@pytest.mark.parametrize("role", ROLES)
def test_every_navigation_link_opens_a_page_the_user_may_see(tmp_path, role):
    app = sqlite_app(tmp_path)
    with app.app_context():
        client, _user = client_as(app, role)
        links = navigation_links(client.get("/").get_data(as_text=True))
        assert links == EXPECTED[role] | {"/"}  # "/": the service name
        for link in links - {"/sign-out"}:
            assert client.get(link).status_code == 200, link
