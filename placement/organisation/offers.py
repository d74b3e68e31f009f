"""Offers for an organisation's roles: accept or decline, and feedback at the end.

Until the student accepts, the organisation sees a candidate's skills, level and course only.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement import reference
from placement.access import get_or_404, refuse_unless
from placement.errors import Conflict
from placement.extensions import db
from placement.models import Offer, Placement, PlacementRole, Skill
from placement.offer_forms import RespondForm, feedback_page
from placement.organisation import bp
from placement.services import offers, organisations


def _organisation_id() -> int | None:
    organisation = current_user.organisation
    return organisation.id if organisation else None


def load_offer(offer_id: int) -> Offer:
    """The offer, if it is for a role of the signed-in member's organisation."""
    offer = get_or_404(Offer, offer_id)
    refuse_unless(offer.role.organisation_id == _organisation_id())
    return offer


def load_placement(placement_id: int) -> Placement:
    placement = get_or_404(Placement, placement_id)
    refuse_unless(placement.role.organisation_id == _organisation_id())
    return placement


@bp.app_context_processor
def _candidate_label() -> dict[str, Any]:
    """`offer_candidate(offer)`: the candidate's label, the same as on the candidates page."""

    def offer_candidate(offer: Offer) -> str:
        reference_code = organisations.candidate_reference(offer.role_id, offer.student_id)
        return organisations.candidate_label(reference_code)

    return {"offer_candidate": offer_candidate}


def _labels() -> dict[str, str]:
    return dict(db.session.execute(select(Skill.id, Skill.label)).all())


@bp.route("/offers", endpoint="offers")
def offers_list() -> str:
    offers.expire_overdue(db.session)
    db.session.commit()
    listed = db.session.execute(
        select(Offer)
        .join(PlacementRole, PlacementRole.id == Offer.role_id)
        .where(PlacementRole.organisation_id == _organisation_id())
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    ).scalars()
    return render_template(
        "organisation/offers/index.html",
        offers=list(listed),
        labels=_labels(),
        universities=reference.universities(),
    )


@bp.route("/offers/<int:offer_id>", methods=["GET", "POST"])
def offer(offer_id: int) -> str | Response:
    found = load_offer(offer_id)
    form = RespondForm()
    if form.validate_on_submit():
        try:
            if form.accept.data:
                offers.accept(db.session, found.id, "organisation")
            else:
                offers.decline(db.session, found.id, "organisation", form.reason.data or "")
        except Conflict as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(
                "You accepted the offer." if form.accept.data else "You declined the offer.",
                "success",
            )
            return redirect(url_for("organisation.offer", offer_id=offer_id))
    return render_template(
        "organisation/offers/offer.html",
        offer=found,
        form=form,
        labels=_labels(),
        universities=reference.universities(),
    )


@bp.route("/placements/<int:placement_id>/feedback", methods=["GET", "POST"])
def placement_feedback(placement_id: int) -> str | Response:
    placement = load_placement(placement_id)
    return feedback_page(placement, "organisation")
