"""Verifying organisations, or refusing them with a reason they are sent."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from placement import reference
from placement.access import get_or_404
from placement.coordinator import bp
from placement.coordinator.forms import ConfirmForm, ReasonForm
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import Organisation
from placement.services import mail, review, verification


def load_organisation(organisation_id: int) -> Organisation:
    """Every coordinator may see every organisation."""
    return get_or_404(Organisation, organisation_id)


@bp.route("/organisations")
def organisations() -> str:
    found = verification.organisations_page(
        db.session,
        after=review.cursor(request.args.get("after")),
        before=review.cursor(request.args.get("before")),
    )
    pagination: dict[str, Any] = {}
    if found.previous_before:
        pagination["previous"] = {"href": url_for(".organisations", before=found.previous_before)}
    if found.next_after:
        pagination["next"] = {"href": url_for(".organisations", after=found.next_after)}
    return render_template(
        "coordinator/organisations/index.html",
        organisations=found.rows,
        counts=verification.organisation_counts(db.session),
        pagination=pagination,
        boroughs=reference.boroughs(),
    )


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int) -> str | Response:
    found = load_organisation(organisation_id)
    refuse = ReasonForm()
    if refuse.validate_on_submit():
        try:
            verification.refuse(db.session, found, refuse.reason.data)
        except (ValidationFailed, Conflict) as failure:
            db.session.rollback()
            refuse.form_errors.append(failure.message)
        else:
            for email in verification.recipients(found):
                mail.send(
                    db.session,
                    email,
                    "Your organisation was not verified",
                    "organisation_refused",
                    organisation=found,
                    reason=found.refusal_reason,
                )
            db.session.commit()
            flash(f"{found.name} was refused and told why.", "success")
            return redirect(url_for("coordinator.organisations"))
    return render_template(
        "coordinator/organisations/detail.html",
        organisation=found,
        refuse=refuse,
        form=refuse,
        boroughs=reference.boroughs(),
        sectors=reference.sectors(),
    )


@bp.post("/organisations/<int:organisation_id>/verify")
def verify_organisation(organisation_id: int) -> Response:
    found = load_organisation(organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        published = verification.verify(db.session, found)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(url_for("coordinator.organisation", organisation_id=organisation_id))
    for email in verification.recipients(found):
        mail.send(
            db.session,
            email,
            "Your organisation is verified",
            "organisation_verified",
            organisation=found,
            published=published,
        )
    db.session.commit()
    flash(f"{found.name} is verified.", "success")
    return redirect(url_for("coordinator.organisations"))
