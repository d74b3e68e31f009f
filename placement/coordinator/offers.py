"""Offers sent from rounds, and the placements they became: start, complete, withdraw."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from placement.access import get_or_404
from placement.coordinator import bp
from placement.coordinator.forms import ConfirmForm, MovePlacementForm, ReasonForm
from placement.coordinator.paging import pagination
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import Offer, OutboxMessage, Placement, PlacementRole
from placement.models._types import utcnow
from placement.services import keyset, mail, placements, review, verification
from placement.services import offers as offer_service


def load_placement(placement_id: int) -> Placement:
    """Every coordinator may manage every placement."""
    return get_or_404(Placement, placement_id)


@bp.route("/offers")
def offers() -> str:
    """Offers, newest first, 50 a page (keyset pages: `after` or `before` an offer id)."""
    offer_service.expire_overdue(db.session)
    db.session.commit()
    found = keyset.page(
        db.session,
        select(Offer).options(
            selectinload(Offer.student),
            selectinload(Offer.role).selectinload(PlacementRole.organisation),
        ),
        [Offer.created_at],
        Offer.id,
        after=review.cursor(request.args.get("after")),
        before=review.cursor(request.args.get("before")),
        descending=True,
    )
    messages = mail.for_offers(db.session, [offer.id for offer in found.rows])
    return render_template(
        "coordinator/offers/index.html",
        offers=found.rows,
        pagination=pagination(".offers", found),
        emails={offer_id: _states(found) for offer_id, found in messages.items()},
    )


def _states(messages: list[OutboxMessage]) -> dict[str, int]:
    """How many of an offer's emails are sent, waiting (or being sent) and failed."""
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    for message in messages:
        state = "waiting" if message.state == "sending" else message.state
        if state in counts:
            counts[state] += 1
    return counts


@bp.route("/offers/<int:offer_id>/emails")
def offer_emails(offer_id: int) -> str:
    """Every email about one offer, with its delivery state; a failed one can be sent again."""
    offer = get_or_404(Offer, offer_id)
    return render_template(
        "coordinator/offers/emails.html",
        offer=offer,
        messages=mail.for_offers(db.session, [offer_id])[offer_id],
    )


@bp.post("/offers/<int:offer_id>/emails/<int:message_id>/resend")
def resend_email(offer_id: int, message_id: int) -> Response:
    get_or_404(Offer, offer_id)
    message = get_or_404(OutboxMessage, message_id)
    if message.offer_id != offer_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        mail.resend(db.session, message_id, current_user.id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
    else:
        db.session.commit()
        flash("The email is queued to be sent again.", "success")
    return redirect(url_for("coordinator.offer_emails", offer_id=offer_id))


@bp.route("/offers/<int:offer_id>/withdraw", methods=["GET", "POST"])
def withdraw_offer(offer_id: int) -> str | Response:
    """Withdraw an offer still waiting for answers (a role closed, a student left the course)."""
    offer = get_or_404(Offer, offer_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            offer_service.withdraw_pending(db.session, offer_id, form.reason.data, current_user.id)
        except ValidationFailed as refusal:
            db.session.rollback()
            form.reason.errors = [message for _, message in refusal.problems]
        except Conflict as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            _tell_both(offer, "An offer was withdrawn", "offer_withdrawn", offer=offer)
            db.session.commit()
            flash("Offer withdrawn. The place and the student return to the pool.", "success")
            return redirect(url_for("coordinator.offers"))
    return render_template("coordinator/offers/withdraw_offer.html", offer=offer, form=form)


@bp.route("/placements")
def placements_list() -> str:
    """Placements, newest first, 50 a page (keyset pages: `after` or `before` a placement id)."""
    found = keyset.page(
        db.session,
        select(Placement).options(
            selectinload(Placement.student),
            selectinload(Placement.role).selectinload(PlacementRole.organisation),
            selectinload(Placement.feedback),
        ),
        [Placement.confirmed_at],
        Placement.id,
        after=review.cursor(request.args.get("after")),
        before=review.cursor(request.args.get("before")),
        descending=True,
    )
    return render_template(
        "coordinator/offers/placements.html",
        placements=found.rows,
        pagination=pagination(".placements_list", found),
        form=ConfirmForm(),
    )


@bp.route("/placements/<int:placement_id>/<any(start, complete):action>", methods=["GET", "POST"])
def move_placement(placement_id: int, action: str) -> str | Response:
    """Confirm a start or a completion; before the role's start date it needs a reason."""
    placement = load_placement(placement_id)
    form = MovePlacementForm()
    if form.validate_on_submit():
        try:
            moved = placements.move(
                db.session, placement_id, action, early_reason=form.early_reason.data or ""
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        except Conflict as refusal:
            db.session.rollback()
            flash(refusal.message)
            return redirect(url_for("coordinator.placements_list"))
        else:
            if action == "complete":
                subject = "Your placement is complete: tell us how it went"
                _tell_both(moved, subject, "placement_completed", placement=moved)
            db.session.commit()
            flash("Placement started." if action == "start" else "Placement completed.", "success")
            return redirect(url_for("coordinator.placements_list"))
    return render_template(
        "coordinator/offers/move.html",
        placement=placement,
        action=action,
        form=form,
        early=placements.is_early(placement, utcnow().date()),
    )


@bp.route("/placements/<int:placement_id>/withdraw", methods=["GET", "POST"])
def withdraw_placement(placement_id: int) -> str | Response:
    placement = load_placement(placement_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            placements.move(db.session, placement_id, "withdraw", reason=form.reason.data)
        except (Conflict, ValidationFailed) as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            _tell_both(
                placement,
                "Your placement was withdrawn",
                "placement_withdrawn",
                placement=placement,
            )
            db.session.commit()
            flash("Placement withdrawn. The place is free for the next round.", "success")
            return redirect(url_for("coordinator.placements_list"))
    return render_template("coordinator/offers/withdraw.html", placement=placement, form=form)


def _tell_both(pair: Offer | Placement, subject: str, template: str, **context: object) -> None:
    """Email the student and every member of the organisation of an offer or a placement."""
    members = verification.member_emails(db.session, pair.role.organisation_id)
    offer_id = pair.id if isinstance(pair, Offer) else pair.offer_id
    for email in [pair.student.user.email, *members]:
        mail.send(
            db.session, email, subject, template, offer_id=offer_id, role=pair.role, **context
        )
