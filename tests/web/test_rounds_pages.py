"""The coordinator's round pages: create, run, review, decide, compare, re-run and publish."""

from __future__ import annotations

import re

from sqlalchemy import select
from support.factories import PASSWORD
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.jobs import embedded
from placement.models import MatchingRound, Offer, Proposal
from placement.services import offers

ROUND_FORM = {
    "name": "Summer first round",
    "skills": "50",
    "travel": "15",
    "preferences": "25",
    "sector": "10",
    "min_score": "0",
    "objective": "placements",
    "seed": "0",
}


def _coordinator(client, pool: dict) -> None:
    sign_in(client, pool["coordinator"].email, PASSWORD)


def test_a_coordinator_creates_runs_and_reviews_a_round(app, client):
    pool = make_pool(students=3, roles=2)
    _coordinator(client, pool)
    created = submit(client, "/coordinator/rounds/new", ROUND_FORM)
    assert created.status_code == 302
    round_url = created.headers["Location"]
    assert "Run this round" in text_of(client.get(round_url))
    ran = submit(client, round_url + "/run", page=round_url)
    assert (ran.status_code, ran.headers["Location"]) == (302, round_url)
    queued = text_of(client.get(round_url))
    assert "Queued, waiting for a worker" in queued and "Refresh this page" in queued
    assert embedded.drain(app) == 1
    page = text_of(client.get(round_url))
    assert "Students proposed a role" in page and "Breakdown and reasons" in page
    assert "Python" in page  # skill labels, not ids
    assert "Students without a proposal (1)" in page
    student = pool["students"][0]
    assert student.full_name in page


def test_the_round_form_keeps_input_and_explains_problems(client):
    pool = make_pool()
    _coordinator(client, pool)
    form = dict(ROUND_FORM, name="", min_score="lots", seed="-3", skills="abc")
    page = text_of(submit(client, "/coordinator/rounds/new", form))
    assert "Enter a name for the round" in page
    assert "Enter the minimum score as a number" in page
    assert "Seed must be from 0" in page
    assert 'value="lots"' in page


def test_filters_and_sorting_narrow_the_proposals(client):
    pool = make_pool(students=3, roles=3)
    matching_round = run_round()
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{matching_round.id}"
    everything = text_of(client.get(url))
    assert "3 proposal(s) shown" in everything
    assert "0 proposal(s) shown" in text_of(client.get(url + "?low=0.01"))
    assert "3 proposal(s) shown" in text_of(client.get(url + "?not_preferred=1&sort=student"))
    assert "0 proposal(s) shown" in text_of(client.get(url + "?borough=bexley"))
    assert client.get(url + "?low=abc&organisation=x&sort=evil").status_code == 200


def test_bulk_approve_and_a_rejection_that_needs_a_reason(client):
    pool = make_pool(students=2, roles=2)
    matching_round = run_round()
    first, second = sorted(p.id for p in matching_round.proposals)
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{matching_round.id}"
    refused = submit(
        client, url + "/decide", {"proposals": [first], "reject": "1"}, page=url, follow=True
    )
    assert "Enter a reason for rejecting" in text_of(refused)
    approved = submit(
        client,
        url + "/decide",
        {"proposals": [first, second], "approve": "1"},
        page=url,
        follow=True,
    )
    assert "2 proposal(s) approved" in text_of(approved)
    again = submit(
        client, url + "/decide", {"proposals": [first], "approve": "1"}, page=url, follow=True
    )
    assert "already been approved" in text_of(again)
    rejected = submit(client, f"{url}/proposals/{first}/reject", {"reason": "Too far"}, follow=True)
    assert "Proposal rejected" in text_of(rejected)
    assert db.session.get(Proposal, first).status == "rejected"


def test_deciding_with_nothing_ticked_or_no_reason_shows_an_error_summary_and_keeps_the_input(
    client,
):
    pool = make_pool(students=2, roles=2)
    matching_round = run_round()
    first, _second = sorted(p.id for p in matching_round.proposals)
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{matching_round.id}"
    nothing = submit(client, url + "/decide", {"reason": "Too far", "reject": "1"}, page=url)
    html = nothing.get_data(as_text=True)
    assert nothing.status_code == 200
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "Select at least one proposal to approve or reject" in text_of(nothing)
    assert ">Too far</textarea>" in html
    no_reason = submit(client, url + "/decide", {"proposals": [first], "reject": "1"}, page=url)
    html = no_reason.get_data(as_text=True)
    assert 'href="#reason"' in html and "govuk-textarea--error" in html
    assert f'value="{first}" checked' in html
    assert {p.status for p in db.session.scalars(select(Proposal))} == {"proposed"}


def test_approving_a_proposal_whose_data_changed_shows_a_clear_message(client):
    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    proposal = matching_round.proposals[0]
    pool["students"][0].rqf_level = 7
    db.session.commit()
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{matching_round.id}"
    response = submit(client, f"{url}/proposals/{proposal.id}/approve", page=url, follow=True)
    assert "profile has changed since this round ran: run a new round" in text_of(response)


def test_the_student_page_shows_alternatives_and_their_cost(client):
    pool = make_pool(students=2, roles=3)
    matching_round = run_round()
    _coordinator(client, pool)
    student_id = matching_round.proposals[0].student_id
    page = text_of(client.get(f"/coordinator/rounds/{matching_round.id}/students/{student_id}"))
    assert "Alternatives" in page and "Choosing this role would" in page
    assert client.get(f"/coordinator/rounds/{matching_round.id}/students/99999").status_code == 404


def test_stable_and_round_comparisons_show_both_side_by_side(client):
    pool = make_pool(students=3, roles=2)
    first = run_round("A")
    second = run_round("B", min_score=0.99)
    _coordinator(client, pool)
    stable = text_of(client.get(f"/coordinator/rounds/{first.id}/stable"))
    assert "Optimal" in stable and "Stable" in stable and "Blocking pairs" in stable
    compared = text_of(client.get(f"/coordinator/rounds/compare?a={first.id}&b={second.id}"))
    assert "Who changes (2)" in compared
    assert client.get("/coordinator/rounds/compare?a=x&b=1").status_code == 404


def test_a_rerun_compares_with_the_previous_round(app, client):
    pool = make_pool(students=3, roles=3)
    first = run_round()
    offers.approve(db.session, first.proposals[0].id)
    db.session.commit()
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{first.id}"
    draft = submit(client, url + "/rerun", page=url)
    draft_url = draft.headers["Location"]
    submit(client, draft_url + "/run", page=draft_url)
    embedded.drain(app)
    compare = re.search(r'href="(/coordinator/rounds/compare[^"]+)"', client.get(draft_url).text)
    assert compare, "the re-run's page links to the comparison with the previous round"
    assert "Students placed" in text_of(client.get(compare.group(1).replace("&amp;", "&")))


def test_publishing_sends_offers_and_emails_both_sides(client, outbox):
    pool = make_pool(students=1, roles=1)
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    db.session.commit()
    _coordinator(client, pool)
    url = f"/coordinator/rounds/{matching_round.id}/publish"
    assert "send 1 offer(s)" in text_of(client.get(url))
    response = submit(client, url, follow=True)
    assert "1 offer(s) sent" in text_of(response)
    offer = db.session.execute(select(Offer)).scalar_one()
    assert offer.status == "pending"
    recipients = sorted(message.to[0] for message in outbox)
    assert recipients == sorted([pool["students"][0].user.email, pool["member"].email])
    assert re.search(r"http://localhost/student/offers", outbox[0].body + outbox[1].body)


def test_a_failed_round_shows_what_went_wrong(client):
    pool = make_pool(students=0, roles=1)
    _coordinator(client, pool)
    matching_round = run_round()
    page = text_of(client.get(f"/coordinator/rounds/{matching_round.id}"))
    assert "The round did not run" in page and "No students are ready" in page
    assert db.session.get(MatchingRound, matching_round.id).status == "failed"
