"""Reviewing a round page by page: keyset pagination, filters that persist, select all on a page."""

from __future__ import annotations

import html
import re

import pytest
from support.factories import PASSWORD
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.models import Proposal, StudentPreference
from placement.services import review

PAGE = 3


@pytest.fixture
def seven(app, client):
    """A round of seven proposals (equal scores, so order rests on the id), pages of three."""
    app.config["REVIEW_PAGE_SIZE"] = PAGE
    pool = make_pool(students=7, roles=7)
    first_student, first_role = pool["students"][0], pool["roles"][0]
    db.session.add(StudentPreference(student_id=first_student.id, role_id=first_role.id, rank=1))
    db.session.commit()
    matching_round = run_round()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    return matching_round


def _boxes(response) -> list[int]:
    return [int(found) for found in re.findall(r'id="proposal-(\d+)"', text_of(response))]


def _ticked(response) -> list[int]:
    return [int(found) for found in re.findall(r'value="(\d+)" checked', text_of(response))]


def _view(response) -> str:
    return html.unescape(re.search(r'name="view" value="([^"]*)"', text_of(response)).group(1))


def _link(response, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)"\s+rel="{rel}"', text_of(response))
    return html.unescape(found.group(1)).split("#")[0] if found else None


def _walk(client, url: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(_boxes(response))
        url = _link(response, "next")
    return pages


def _ordered(matching_round, **where) -> list[int]:
    proposals = [
        p for p in matching_round.proposals if all(getattr(p, k) == v for k, v in where.items())
    ]
    return [p.id for p in sorted(proposals, key=lambda p: (p.score, p.id), reverse=True)]


def test_pages_follow_each_other_without_gap_or_repeat_and_walk_back_the_same_way(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    pages = _walk(client, url)
    assert [len(shown) for shown in pages] == [3, 3, 1]
    assert [pid for shown in pages for pid in shown] == _ordered(seven)
    last = client.get(f"{url}?after={pages[1][-1]}")
    assert "7 proposal(s) shown: 7 to 7 on this page" in text_of(last)
    assert _link(last, "next") is None
    middle = client.get(_link(last, "prev"))
    assert _boxes(middle) == pages[1]
    first = client.get(_link(middle, "prev"))
    assert _boxes(first) == pages[0] and _link(first, "prev") is None


def test_the_other_sort_orders_page_through_every_proposal_once(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    for query in ("?sort=student", "?sort=organisation&order=asc", "?order=asc"):
        pages = _walk(client, url + query)
        assert sorted(pid for shown in pages for pid in shown) == sorted(_ordered(seven))
    by_student = _walk(client, url + "?sort=student&order=asc")
    students = {p.id: p.student_id for p in seven.proposals}
    assert [students[pid] for shown in by_student for pid in shown] == sorted(students.values())


def test_a_page_reached_by_going_back_past_the_start_shows_the_first_page(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    first_page = _boxes(client.get(url))
    assert _boxes(client.get(f"{url}?before={first_page[1]}")) == first_page
    assert _boxes(client.get(f"{url}?after=abc&before=-1")) == first_page
    assert _boxes(client.get(f"{url}?after=999999999")) == first_page


def test_filters_and_the_page_persist_through_a_decision_and_a_page_change(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    page_two_url = _link(client.get(url + "?status=proposed"), "next")
    assert "status=proposed" in page_two_url
    page_two = client.get(page_two_url)
    chosen = _boxes(page_two)[0]
    decided = submit(
        client,
        f"{url}/decide",
        {
            "proposals": [chosen],
            "approve": "1",
            "view": _view(page_two),
        },
        page=page_two_url,
    )
    location = decided.headers["Location"]
    assert "status=proposed" in location and "after=" in location
    assert location.endswith("#proposals")
    after = client.get(location)
    text = text_of(after)
    assert "1 proposal(s) approved" in text
    # The banner sits with the table, below the proposals heading, not at the top of the page.
    assert text.index('id="proposals"') < text.index("1 proposal(s) approved")
    assert chosen not in _boxes(after)
    assert 'value="proposed" selected' in text
    assert db.session.get(Proposal, chosen).status == "approved"
    assert "6 proposal(s) shown by the filters" in text
    back = client.get(_link(after, "prev"))
    assert _boxes(back) == _ordered(seven)[:3]


def test_rejecting_one_proposal_returns_to_the_same_filtered_page(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    page = client.get(url + "?order=asc&score_min=0")
    target = _boxes(page)[0]
    reject_url = html.unescape(
        re.search(rf'href="([^"]*/proposals/{target}/reject[^"]*)"', text_of(page)).group(1)
    )
    assert "order=asc" in reject_url
    done = submit(client, reject_url, {"reason": "Too far"})
    assert "order=asc" in done.headers["Location"] and "score_min=0" in done.headers["Location"]


def test_select_all_on_this_page_ticks_only_that_page_and_works_without_javascript(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    page_two_url = _link(client.get(url), "next")
    page_two = client.get(page_two_url)
    assert _ticked(page_two) == []
    select_link = html.unescape(
        re.search(r'href="([^"]*select=page[^"]*)"', text_of(page_two)).group(1)
    )
    selected = client.get(select_link)
    assert _ticked(selected) == _boxes(page_two)
    assert "Clear the selection on this page" in text_of(selected)
    view = _view(selected)
    decided = submit(
        client,
        f"{url}/decide",
        {"proposals": _ticked(selected), "approve": "1", "view": view},
        page=select_link,
        follow=True,
    )
    assert "3 proposal(s) approved" in text_of(decided)
    approved = {p.id for p in db.session.query(Proposal).filter_by(status="approved")}
    assert approved == set(_boxes(page_two))


def test_first_choice_locked_score_and_status_filters_narrow_the_proposals(client, seven):
    url = f"/coordinator/rounds/{seven.id}"
    first_choice = _boxes(client.get(url + "?first_choice=1"))
    ranked = [p.id for p in seven.proposals if (p.student_id, p.role_id) == _first_pair(seven)]
    assert first_choice == ranked
    assert len(_walk(client, url + "?not_preferred=1")[0]) == 3
    assert "6 proposal(s) shown" in text_of(client.get(url + "?not_preferred=1"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?locked=yes"))
    assert "7 proposal(s) shown" in text_of(client.get(url + "?locked=no"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?score_max=0.01"))
    assert "7 proposal(s) shown" in text_of(client.get(url + "?score_min=0&score_max=1"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?status=rejected"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?organisation=nobody%25"))
    assert "7 proposal(s) shown" in text_of(client.get(url + "?organisation=EXAMPLE+start"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?sector=healthtech"))
    bad = client.get(
        url + "?score_min=lots&status=evil&locked=maybe&sort=x&organisation=" + "x" * 500
    )
    assert bad.status_code == 200 and "7 proposal(s) shown" not in text_of(bad)


def _first_pair(matching_round) -> tuple[int, int]:
    preference = db.session.query(StudentPreference).one()
    return (preference.student_id, preference.role_id)


def test_the_ranks_of_a_round_are_read_once_and_match_the_snapshot(app, seven):
    document = seven.snapshot
    pairs = [(p.student_id, p.role_id) for p in seven.proposals]
    ranks = review.proposal_ranks(document, pairs)
    preference = db.session.query(StudentPreference).one()
    assert ranks[preference.student_id][0] == (
        1 if (preference.student_id, preference.role_id) in pairs else None
    )
    facts = review.facts(db.session, seven)
    assert review.facts(db.session, seven) is facts
    assert facts.summary["placed"] == 7


def test_a_swapped_proposal_shows_and_filters_by_the_ranks_of_its_new_role(client):
    from support.factories import (
        create_coordinator,
        create_organisation,
        create_role,
        create_student,
    )

    organisation, _ = create_organisation()
    first, other = (
        create_role(organisation, title="First"),
        create_role(organisation, title="Other"),
    )
    student = create_student()
    db.session.add(StudentPreference(student_id=student.id, role_id=first.id, rank=1))
    db.session.commit()
    coordinator = create_coordinator()
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    assert proposal.role_id == first.id
    url = f"/coordinator/rounds/{matching_round.id}"
    sign_in(client, coordinator.email, PASSWORD)
    assert re.findall(r"Student's: [^<]*", text_of(client.get(url))) == ["Student's: 1st"]
    assert _boxes(client.get(url + "?first_choice=1")) == [proposal.id]

    page = f"{url}/students/{proposal.student_id}"
    submit(client, f"{url}/proposals/{proposal.id}/swap", {"role": str(other.id)}, page=page)

    db.session.refresh(proposal)
    assert proposal.role_id == other.id
    assert "Student's: 1st" not in text_of(client.get(url))
    assert _boxes(client.get(url + "?first_choice=1")) == []
    assert _boxes(client.get(url + "?not_preferred=1")) == [proposal.id]


def test_the_rank_filters_read_every_proposal_once_until_a_proposal_changes_role(client, seven):
    review.clear_cache()
    url = f"/coordinator/rounds/{seven.id}"
    first_choice = _boxes(client.get(url + "?first_choice=1"))
    not_preferred = _boxes(client.get(url + "?not_preferred=1"))
    assert review._ranks.builds == 1
    assert _boxes(client.get(url + "?first_choice=1")) == first_choice
    assert review._ranks.builds == 1 and len(first_choice) + len(not_preferred) > 0

    proposal = db.session.get(Proposal, seven.proposals[0].id)
    proposal.role_id = seven.proposals[1].role_id  # another role, as a swap gives
    db.session.commit()
    client.get(url + "?not_preferred=1")
    assert review._ranks.builds == 2
