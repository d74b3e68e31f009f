"""A student's offers and placements: accept or decline, and feedback at the end."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement.access import get_or_404, refuse_unless
from placement.errors import Conflict
from placement.extensions import db
from placement.models import Offer, Placement
from placement.offer_forms import RespondForm, feedback_page
from placement.services import mail, offers, placements, student_roles, verification
from placement.student import bp


def load_offer(offer_id: int) -> Offer:
    """The offer, if it was made to the signed-in student."""
    offer = get_or_404(Offer, offer_id)
    profile = current_user.student_profile
    refuse_unless(profile is not None and offer.student_id == profile.id)
    return offer


def load_placement(placement_id: int) -> Placement:
    placement = get_or_404(Placement, placement_id)
    profile = current_user.student_profile
    refuse_unless(profile is not None and placement.student_id == profile.id)
    return placement


def _my_offers() -> list[Offer]:
    profile = current_user.student_profile
    if profile is None:
        return []
    query = select(Offer).where(Offer.student_id == profile.id).order_by(Offer.created_at.desc())
    return list(db.session.execute(query).scalars())


@bp.app_context_processor
def _offer_summary() -> dict[str, Any]:
    """`student_offer_summary()` for the dashboard's offers panel (templates/student/offers/)."""

    def student_offer_summary() -> dict[str, Any]:
        listed = _my_offers() if current_user.is_authenticated else []
        return {
            "pending": [o for o in listed if o.status == "pending"],
            "placement": next((o.placement for o in listed if o.placement), None),
        }

    return {"student_offer_summary": student_offer_summary}


@bp.route("/offers", endpoint="offers")
def offers_list() -> str:
    offers.expire_overdue(db.session)
    db.session.commit()
    listed = _my_offers()
    return render_template(
        "student/offers/index.html",
        offers=listed,
        feedback_sent={
            offer.placement.id
            for offer in listed
            if offer.placement and placements.feedback_from(offer.placement, "student")
        },
    )


@bp.route("/offers/<int:offer_id>", methods=["GET", "POST"])
def offer(offer_id: int) -> str | Response:
    found = load_offer(offer_id)
    form = RespondForm()
    if form.validate_on_submit():
        if form.decline.data and not form.decline_confirmed:
            return render_template("student/offers/decline.html", offer=found, form=form)
        try:
            if form.accept.data:
                placement = offers.accept(db.session, found.id, "student")
            else:
                offers.decline(db.session, found.id, "student", form.reason.data or "")
                placement = None
        except Conflict as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            _tell_organisation(found, placement)
            db.session.commit()
            flash(
                "You accepted the offer." if form.accept.data else "You declined the offer.",
                "success",
            )
            return redirect(url_for("student.offers"))
    return render_template(
        "student/offers/offer.html", offer=found, form=form, reasons=_why_matched(found)
    )


def _why_matched(offer: Offer) -> list[str]:
    """The engine's reasons for the match, with skill labels and dates in words."""
    reasons = offer.proposal.reasons if offer.proposal else []
    labels = student_roles.skill_labels(db.session, {skill.skill_id for skill in offer.role.skills})
    return [student_roles.readable(reason, labels) for reason in reasons]


def _tell_organisation(offer: Offer, placement: Placement | None) -> None:
    for email in verification.member_emails(db.session, offer.role.organisation_id):
        mail.send(
            db.session,
            email,
            "A candidate answered your offer",
            "offer_answered",
            offer_id=offer.id,
            offer=offer,
            role=offer.role,
            placement=placement,
            link=url_for("organisation.offers", _external=True),
        )


@bp.route("/placements/<int:placement_id>/feedback", methods=["GET", "POST"])
def placement_feedback(placement_id: int) -> str | Response:
    placement = load_placement(placement_id)
    return feedback_page(placement, "student")
