"""Students and organisations answer offers in their areas; names appear only after acceptance."""

from __future__ import annotations

from support.factories import PASSWORD, create_organisation, create_student
from support.http import sign_in, submit, text_of
from support.rounds import make_pool, run_round

from placement.extensions import db
from placement.models import Offer
from placement.services import offers, organisations, placements

# The roles these tests make start in 2027: moving a placement now is an override.
EARLY = "Started early for the test"


def _offer() -> tuple[dict, Offer]:
    pool = make_pool(students=1, roles=1)
    pool["students"][0].phone = "020 7946 0000"
    db.session.commit()
    matching_round = run_round()
    offers.approve(db.session, matching_round.proposals[0].id)
    (offer,) = offers.publish(db.session, matching_round, 7)
    db.session.commit()
    return pool, offer


def test_a_student_sees_and_accepts_their_offer(client, outbox):
    pool, offer = _offer()
    student = pool["students"][0]
    sign_in(client, student.user.email, PASSWORD)
    listing = text_of(client.get("/student/offers"))
    assert "Role 0" in listing and "Answer this offer" in listing
    response = submit(
        client, f"/student/offers/{offer.id}", {"accept": "Accept offer"}, follow=True
    )
    assert "You accepted the offer" in text_of(response)
    assert db.session.get(Offer, offer.id).student_response == "accepted"
    assert outbox and outbox[-1].to == [pool["member"].email]


def test_an_organisation_sees_a_candidate_without_a_name_until_the_student_accepts(client):
    pool, offer = _offer()
    student = pool["students"][0]
    sign_in(client, pool["member"].email, PASSWORD)
    before = text_of(client.get("/organisation/offers"))
    reference = organisations.candidate_reference(offer.role_id, offer.student_id)
    assert f"Candidate {reference}" in before
    assert student.full_name not in before and student.user.email not in before
    offers.accept(db.session, offer.id, "student")
    db.session.commit()
    response = submit(
        client, f"/organisation/offers/{offer.id}", {"accept": "Accept offer"}, follow=True
    )
    page = text_of(response)
    assert "You accepted the offer" in page and "the placement is confirmed" in page
    assert student.full_name in page and "020 7946 0000" in page


def test_declining_with_a_reason_shows_on_the_coordinators_offers_page(client):
    pool, offer = _offer()
    sign_in(client, pool["students"][0].user.email, PASSWORD)
    submit(
        client,
        f"/student/offers/{offer.id}",
        {"decline": "Decline", "reason": "Too far", "confirmed": "yes"},
    )
    submit(client, "/sign-out", {})
    sign_in(client, pool["coordinator"].email, PASSWORD)
    page = text_of(client.get("/coordinator/offers"))
    assert "Declined" in page and "Student: Too far" in page


def test_another_organisation_or_student_cannot_see_the_offer(client):
    _, offer = _offer()
    _, stranger = create_organisation()
    sign_in(client, stranger.email, PASSWORD)
    assert client.get(f"/organisation/offers/{offer.id}").status_code == 404
    reference = organisations.candidate_reference(offer.role_id, offer.student_id)
    assert reference not in text_of(client.get("/organisation/offers"))
    submit(client, "/sign-out", {})
    other = create_student()
    sign_in(client, other.user.email, PASSWORD)
    assert client.get(f"/student/offers/{offer.id}").status_code == 404
    assert "no offers yet" in text_of(client.get("/student/offers"))


def test_both_sides_give_feedback_after_completion(client):
    pool, offer = _offer()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    placements.move(db.session, placement.id, "start", early_reason=EARLY)
    db.session.commit()
    sign_in(client, pool["students"][0].user.email, PASSWORD)
    url = f"/student/placements/{placement.id}/feedback"
    assert "when the placement is completed" in text_of(client.get(url))
    placements.move(db.session, placement.id, "complete", early_reason=EARLY)
    db.session.commit()
    missing = submit(client, url, {"comment": "Good"})
    assert "Select how the placement went" in text_of(missing)
    done = submit(client, url, {"rating": "5", "comment": "Good"}, follow=True)
    assert "Thank you for your feedback" in text_of(done)
    submit(client, "/sign-out", {})
    sign_in(client, pool["member"].email, PASSWORD)
    org = submit(
        client,
        f"/organisation/placements/{placement.id}/feedback",
        {"rating": "4", "comment": "Keen"},
        follow=True,
    )
    assert "Thank you for your feedback" in text_of(org)
    assert {entry.given_by for entry in db.session.get(type(placement), placement.id).feedback} == {
        "student",
        "organisation",
    }


def test_the_coordinator_starts_completes_and_withdraws_placements(client, outbox):
    pool, offer = _offer()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    start = f"/coordinator/placements/{placement.id}/start"
    started = submit(client, start, {"early_reason": "Induction week"}, follow=True)
    assert "Placement started" in text_of(started)
    again = submit(client, start, {"early_reason": "Induction week"}, page=start, follow=True)
    assert "Only a confirmed placement can start" in text_of(again)
    url = f"/coordinator/placements/{placement.id}/withdraw"
    assert "Enter a reason" in text_of(submit(client, url, {"reason": ""}))
    withdrawn = submit(client, url, {"reason": "Company closed"}, follow=True)
    assert "Placement withdrawn" in text_of(withdrawn)
    assert any("withdrawn" in message.subject for message in outbox)


def test_the_coordinator_withdraws_a_pending_offer_and_the_place_returns(client, outbox):
    pool, offer = _offer()
    role = offer.role
    taken_before = role.places_taken
    sign_in(client, pool["coordinator"].email, PASSWORD)
    assert "Withdraw" in text_of(client.get("/coordinator/offers"))
    url = f"/coordinator/offers/{offer.id}/withdraw"
    empty = submit(client, url, {"reason": "  "})
    assert "Enter a reason" in text_of(empty)
    assert db.session.get(Offer, offer.id).status == "pending"
    withdrawn = submit(client, url, {"reason": "The role was cancelled"}, follow=True)
    assert "Offer withdrawn" in text_of(withdrawn)
    assert "Coordinator: The role was cancelled" in text_of(withdrawn)
    db.session.refresh(role)
    assert db.session.get(Offer, offer.id).status == "withdrawn"
    assert role.places_taken == taken_before - 1
    assert offer.proposal.status == "closed"
    told = {address for message in outbox[-2:] for address in message.to}
    assert told == {pool["students"][0].user.email, pool["member"].email}
    assert "The role was cancelled" in outbox[-1].body
    again = submit(client, url, {"reason": "Twice"})
    assert "only an offer waiting for answers can be withdrawn" in text_of(again)


def test_an_accepted_offer_cannot_be_withdrawn_as_an_offer(client):
    pool, offer = _offer()
    offers.accept(db.session, offer.id, "student")
    offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    sign_in(client, pool["coordinator"].email, PASSWORD)
    refused = submit(client, f"/coordinator/offers/{offer.id}/withdraw", {"reason": "Late"})
    assert "This offer is accepted" in text_of(refused)
    assert db.session.get(Offer, offer.id).status == "accepted"


def test_declining_an_offer_asks_for_confirmation_first(client):
    pool, offer = _offer()
    sign_in(client, pool["students"][0].user.email, PASSWORD)
    url = f"/student/offers/{offer.id}"
    asked = text_of(submit(client, url, {"decline": "Decline offer", "reason": "Too far"}))
    assert "Are you sure you want to decline this offer?" in asked
    assert "Too far" in asked and 'name="confirmed" value="yes"' in asked
    assert db.session.get(Offer, offer.id).status == "pending"
    confirmed = submit(client, url, {"decline": "Yes", "reason": "Too far", "confirmed": "yes"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).student_response == "declined"


def test_the_offer_page_says_why_the_student_was_matched_and_where(client):
    pool, offer = _offer()
    sign_in(client, pool["students"][0].user.email, PASSWORD)
    page = text_of(client.get(f"/student/offers/{offer.id}"))
    why = page[page.index("Why you were matched") :]
    assert "Skills matched" in why
    assert "python" not in why.split("</ul>")[0] and "Python" in why.split("</ul>")[0]
    assert offer.role.organisation.address in page


def test_a_confirmed_placement_shows_the_contact_and_feedback_sent_hides_its_link(client):
    pool, offer = _offer()
    offers.accept(db.session, offer.id, "student")
    placement = offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    organisation = offer.role.organisation
    sign_in(client, pool["students"][0].user.email, PASSWORD)
    listing = text_of(client.get("/student/offers"))
    assert organisation.contact_name in listing and organisation.contact_email in listing
    placements.move(db.session, placement.id, "start", early_reason=EARLY)
    placements.move(db.session, placement.id, "complete", early_reason=EARLY)
    db.session.commit()
    assert "Tell us how the placement went" in text_of(client.get("/student/offers"))
    url = f"/student/placements/{placement.id}/feedback"
    submit(client, url, {"rating": "5", "comment": "Good"})
    after = text_of(client.get("/student/offers"))
    assert "Tell us how the placement went" not in after
    assert "You told us how the placement went" in after


def test_the_organisation_dashboard_mentions_offers_waiting_for_its_answer(client):
    pool, offer = _offer()
    sign_in(client, pool["member"].email, PASSWORD)
    page = text_of(client.get("/organisation/"))
    assert "1 offer is waiting for your answer" in page
    assert 'href="/organisation/offers">Answer your offers' in page
    offers.accept(db.session, offer.id, "organisation")
    db.session.commit()
    assert "waiting for your answer" not in text_of(client.get("/organisation/"))
