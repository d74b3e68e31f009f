"""Malformed references, tokens and ids in URLs: one canonical form, and never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.factories import (
    PASSWORD,
    create_coordinator,
    create_organisation,
    create_role,
    create_student,
)
from support.http import sign_in, submit, text_of
from werkzeug.exceptions import NotFound

from placement.extensions import db
from placement.models import OrganisationInterest, StudentPreference
from placement.services.organisations import candidate_reference

# Arabic-Indic one, fullwidth one, e acute, a byte that is not UTF-8, and a very long one.
MALFORMED = ["%D9%A1", "%EF%BC%91", "%C3%A9", "%FF", "%00", "A" * 300, "%F0%9F%98%80"]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _role_with_a_candidate():
    organisation, member = create_organisation()
    role = create_role(organisation)
    student = create_student()
    db.session.add(StudentPreference(student_id=student.id, role_id=role.id, rank=1))
    db.session.commit()
    return role, member, student


@pytest.mark.parametrize("action", ["mark", "unmark"])
def test_marking_a_candidate_with_a_malformed_reference_is_not_found(client, action):
    role, member, _ = _role_with_a_candidate()
    sign_in(client, member.email, PASSWORD)
    page = f"/organisation/roles/{role.id}/candidates"
    for reference in MALFORMED:
        response = submit(client, f"{page}/{reference}/{action}", page=page)
        assert response.status_code == 404, reference
    assert db.session.execute(select(OrganisationInterest)).first() is None


def test_a_candidate_reference_in_lower_case_is_not_a_second_address(client):
    role, member, student = _role_with_a_candidate()
    sign_in(client, member.email, PASSWORD)
    page = f"/organisation/roles/{role.id}/candidates"
    reference = candidate_reference(role.id, student.id)
    assert submit(client, f"{page}/{reference.lower()}/mark", page=page).status_code == 404
    assert submit(client, f"{page}/{reference}/mark", page=page).status_code == 302
    assert db.session.execute(select(OrganisationInterest)).scalar_one().student_id == student.id


def test_a_role_id_with_leading_zeros_or_other_digits_is_not_found(client):
    role, member, _ = _role_with_a_candidate()
    sign_in(client, member.email, PASSWORD)
    assert client.get(f"/organisation/roles/{role.id}").status_code == 200
    for written in (
        f"0{role.id}",
        f"00000{role.id}",
        str(role.id).translate(ARABIC_INDIC),
        f"+{role.id}",
        f"{role.id}.0",
        "%EF%BC%91",
    ):
        assert client.get(f"/organisation/roles/{written}").status_code == 404, written


def _path(rule: str, number: str) -> str:
    """The rule written out: each id as `number`, each choice its first, other text "ABC"."""
    path = re.sub(r"<int:\w+>", number, rule)
    path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda match: match[1].strip(), path)
    return re.sub(r"<[^>]+>", "ABC", path)


def test_every_id_route_matches_only_the_form_url_for_writes(app):
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        assert adapter.match(_path(rule.rule, "7"), method=method)[0] == rule.endpoint
        for odd in ("07", "\u0667", "0", "+7", "7.0", "\uff17"):  # Arabic-Indic, fullwidth 7
            try:
                endpoint, _ = adapter.match(_path(rule.rule, odd), method=method)
            except NotFound:
                continue
            assert endpoint != rule.endpoint, (rule.rule, odd)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("prefix", ["/confirm", "/reset-password", "/invitation"])
def test_malformed_tokens_in_links_are_refused_in_words_not_errors(client, prefix):
    for token in MALFORMED:
        for response in (client.get(f"{prefix}/{token}"), client.post(f"{prefix}/{token}")):
            assert response.status_code in (400, 404, 405), (prefix, token, response.status_code)
            if response.status_code == 400 and response.request.method == "GET":
                assert "link is not valid any more" in text_of(response)


def test_round_ids_in_query_strings_take_one_form_only(client):
    coordinator = create_coordinator()
    sign_in(client, coordinator.email, PASSWORD)
    for query in ("a=%D9%A1&b=1", "a=01&b=1", "a=+1&b=1", "a=1_0&b=1", "a=%EF%BC%91&b=1"):
        assert client.get(f"/coordinator/rounds/compare?{query}").status_code == 404, query
    for value in ("01", "%D9%A1", "1.0", "%C3%A9"):
        response = client.get(f"/coordinator/reports/equity?round={value}")
        assert response.status_code == 404, value
