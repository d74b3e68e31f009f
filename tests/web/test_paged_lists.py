"""Lists that grow with the programme are shown a page at a time (keyset pagination)."""

from __future__ import annotations

import html
import re

from sqlalchemy import select
from support.factories import PASSWORD, create_coordinator, create_organisation
from support.http import sign_in, text_of

from placement.extensions import db
from placement.models import Organisation
from placement.services import keyset


def _names(response) -> list[str]:
    return re.findall(r'/coordinator/organisations/\d+">([^<]+)</a>', text_of(response))


def _link(response, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)"\s+rel="{rel}"', text_of(response))
    return html.unescape(found.group(1)) if found else None


def test_organisations_come_fifty_a_page_waiting_first_and_pages_walk_both_ways(client):
    coordinator = create_coordinator()
    for number in range(55):
        create_organisation(f"Verified {number:02d}")
    for number in range(3):
        create_organisation(f"Waiting {number}", verified=False)
    db.session.commit()
    sign_in(client, coordinator.email, PASSWORD)
    first = client.get("/coordinator/organisations")
    names = _names(first)
    assert len(names) == 50 and names[:3] == ["Waiting 0", "Waiting 1", "Waiting 2"]
    assert "58 organisations: 3 waiting, 55 verified" in text_of(first)
    assert _link(first, "prev") is None
    second = client.get(_link(first, "next"))
    assert len(_names(second)) == 8 and _link(second, "next") is None
    assert set(names).isdisjoint(_names(second))
    assert len(set(names) | set(_names(second))) == db.session.query(Organisation).count()
    assert _names(client.get(_link(second, "prev"))) == names
    assert _names(client.get("/coordinator/organisations?after=abc")) == names


def test_keyset_pages_walk_a_newest_first_list_without_gap_or_repeat(app):
    made = [create_organisation(f"Company {number:02d}")[0].id for number in range(7)]
    db.session.commit()

    def walk(**cursor):
        return keyset.page(
            db.session,
            select(Organisation),
            [Organisation.created_at],
            Organisation.id,
            size=3,
            descending=True,
            **cursor,
        )

    first = walk()
    second = walk(after=first.next_after)
    third = walk(after=second.next_after)
    seen = [o.id for found in (first, second, third) for o in found.rows]
    assert seen == sorted(made, reverse=True)
    assert not first.has_previous and third.next_after is None
    assert [o.id for o in walk(before=third.previous_before).rows] == [o.id for o in second.rows]
    assert [o.id for o in walk(before=second.previous_before).rows] == [o.id for o in first.rows]


def test_offers_come_fifty_a_page_newest_first_and_pages_walk_both_ways(client):
    from support.rounds import make_pool, run_round

    from placement.models import Offer
    from placement.services import offers

    pool = make_pool(students=53, roles=53)
    matching_round = run_round()
    for proposal in matching_round.proposals:
        offers.approve(db.session, proposal.id)
    published = offers.publish(db.session, matching_round, 7)
    db.session.commit()
    assert len(published) == 53
    sign_in(client, pool["coordinator"].email, PASSWORD)

    def shown(response) -> list[str]:
        return re.findall(r"\(S(\d+)\)", text_of(response))

    first = client.get("/coordinator/offers")
    on_first = shown(first)
    assert len(on_first) == 50 and _link(first, "prev") is None
    newest = db.session.scalars(
        select(Offer).order_by(Offer.created_at.desc(), Offer.id.desc()).limit(50)
    ).all()
    assert on_first == [str(offer.student_id) for offer in newest]
    second = client.get(_link(first, "next"))
    assert len(shown(second)) == 3 and _link(second, "next") is None
    assert set(on_first).isdisjoint(shown(second))
    assert shown(client.get(_link(second, "prev"))) == on_first
    assert shown(client.get("/coordinator/offers?before=nonsense")) == on_first


def test_the_audit_log_comes_fifty_a_page_and_its_pages_keep_the_filter(client):
    from placement.models import AuditEvent
    from placement.services import audit

    coordinator = create_coordinator()
    events = [("organisation_verified", "organisation")] * 60 + [("role_published", "role")] * 5
    for number, (action, kind) in enumerate(events):
        audit.record(
            db.session,
            action,
            object_type=kind,
            object_id=number,
            actor_id=coordinator.id,
            actor_role="coordinator",
        )
    db.session.commit()
    sign_in(client, coordinator.email, PASSWORD)

    def shown(response) -> list[str]:
        return re.findall(r"<tr class=\"govuk-table__row\">\s*<td", text_of(response))

    first = client.get("/coordinator/audit?action=organisation_verified")
    assert "60 event(s)" in text_of(first) and len(shown(first)) == 50
    following = _link(first, "next")
    assert "action=organisation_verified" in following and _link(first, "prev") is None
    second = client.get(following)
    assert len(shown(second)) == 10 and _link(second, "next") is None  # 65 without the filter
    newest = db.session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.action == "organisation_verified")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    assert f"after={newest[49]}" in following
    assert len(shown(client.get(_link(second, "prev")))) == 50
    assert len(shown(client.get("/coordinator/audit?page=3&after=zz"))) == 50


def test_students_not_ready_come_fifty_a_page_with_the_count_of_all(client):
    from support.factories import create_student

    coordinator = create_coordinator()
    ready = [create_student() for _ in range(3)]
    drafts = [create_student(submitted=False, given_name=f"Draft{n:02d}") for n in range(57)]
    db.session.commit()
    sign_in(client, coordinator.email, PASSWORD)

    def listed(response) -> list[str]:
        return re.findall(r"Draft\d\d", text_of(response))

    first = client.get("/coordinator/readiness")
    page = text_of(first)
    assert "3 students ready" in page and "Students not ready (57)" in page
    assert listed(first) == [f"Draft{n:02d}" for n in range(50)]
    second = client.get(_link(first, "next"))
    assert listed(second) == [f"Draft{n:02d}" for n in range(50, 57)]
    assert _link(second, "next") is None and _link(second, "prev") == "/coordinator/readiness"
    assert all(f"(S{p.id})" not in text_of(second) for p in ready)
    assert len(drafts) == 57


def test_roles_not_ready_come_fifty_a_page_and_organisations_not_verified_the_oldest_fifty(client):
    from support.factories import create_role

    coordinator = create_coordinator()
    organisation, _ = create_organisation(name="Ready Ltd")
    for n in range(53):
        create_role(organisation, title=f"Draftrole{n:02d}", status="draft")
    for n in range(52):
        create_organisation(name=f"Waiting{n:02d}", verified=False)
    db.session.commit()
    sign_in(client, coordinator.email, PASSWORD)

    def roles(response) -> list[str]:
        return re.findall(r"Draftrole\d\d", text_of(response))

    first = client.get("/coordinator/readiness")
    page = text_of(first)
    assert "Roles not ready (53)" in page and roles(first) == [
        f"Draftrole{n:02d}" for n in range(50)
    ]
    assert "Organisations not verified (52)" in page and "The 50 waiting longest are listed" in page
    assert re.findall(r"Waiting\d\d", page) == [f"Waiting{n:02d}" for n in range(50)]
    second = client.get(_link(first, "next"))
    assert roles(second) == [f"Draftrole{n:02d}" for n in range(50, 53)]
    assert _link(second, "next") is None and _link(second, "prev") == "/coordinator/readiness"
