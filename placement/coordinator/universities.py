"""University partners: their contacts, and the API tokens coordinators issue and revoke."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from placement import reference
from placement.access import get_or_404, refuse_unless
from placement.coordinator import bp
from placement.coordinator.forms import ConfirmForm
from placement.coordinator.university_forms import ContactForm, PartnerForm, TokenForm
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import ApiToken, AuditEvent, UniversityContact, UniversityPartner
from placement.models._types import utcnow
from placement.services import universities

TOKEN_ACTIONS = ("api_token_issued", "api_token_revoked", "api_token_refused", "api_scope_refused")


def load_partner(partner_id: int) -> UniversityPartner:
    return get_or_404(UniversityPartner, partner_id)


def load_contact(partner: UniversityPartner, contact_id: int) -> UniversityContact:
    contact = get_or_404(UniversityContact, contact_id)
    refuse_unless(contact.partner_id == partner.id)
    return contact


def load_token(partner: UniversityPartner, token_id: int) -> ApiToken:
    token = get_or_404(ApiToken, token_id)
    refuse_unless(token.partner_id == partner.id)
    return token


@bp.route("/universities", methods=["GET", "POST"], endpoint="universities")
def universities_page() -> str | Response:
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = universities.add_partner(db.session, form.university.data)
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            name = universities.university_name(partner)
            flash(f"{name} is now a university partner.", "success")
            return redirect(url_for("coordinator.university", partner_id=partner.id))
    return render_template(
        "coordinator/universities/index.html",
        title="University partners",
        form=form,
        partners=universities.partners(db.session),
        name_of=universities.university_name,
    )


def _token_events(partner: UniversityPartner) -> list[AuditEvent]:
    """The audit trail of the partner's tokens: issued, revoked, refused, and API writes."""
    token_ids = [str(token.id) for token in partner.tokens]
    if not token_ids:
        return []
    query = (
        select(AuditEvent)
        .where(
            or_(
                (AuditEvent.object_type == "api_token") & AuditEvent.object_id.in_(token_ids),
                AuditEvent.action.in_(("api_token_refused", "api_scope_refused")),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(200)
    )
    ids = {token.id for token in partner.tokens}
    return [
        event
        for event in db.session.execute(query).scalars()
        if event.object_type == "api_token" or event.detail.get("token_id") in ids
    ][:50]


def _partner_page(
    partner: UniversityPartner,
    *,
    contact_form: ContactForm | None = None,
    token_form: TokenForm | None = None,
    issued: universities.IssuedToken | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "coordinator/universities/detail.html",
        title=universities.university_name(partner),
        partner=partner,
        contact_form=contact_form or ContactForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None),
        issued=issued,
        events=_token_events(partner),
        now=utcnow(),
        universities=reference.universities(),
    )
    return page, status


@bp.route("/universities/<int:partner_id>")
def university(partner_id: int) -> tuple[str, int]:
    return _partner_page(load_partner(partner_id))


@bp.route("/universities/<int:partner_id>/contacts", methods=["POST"])
def add_university_contact(partner_id: int) -> Response | tuple[str, int]:
    partner = load_partner(partner_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            universities.add_contact(
                db.session,
                partner,
                form.contact_name.data,
                form.contact_email.data,
                form.job_title.data or "",
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            flash("Contact added.", "success")
            return redirect(url_for("coordinator.university", partner_id=partner.id))
    return _partner_page(partner, contact_form=form, status=200)


@bp.route("/universities/<int:partner_id>/contacts/<int:contact_id>/remove", methods=["POST"])
def remove_university_contact(partner_id: int, contact_id: int) -> Response:
    partner = load_partner(partner_id)
    contact = load_contact(partner, contact_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    universities.remove_contact(db.session, contact)
    db.session.commit()
    flash("Contact removed.", "success")
    return redirect(url_for("coordinator.university", partner_id=partner.id))


@bp.route("/universities/<int:partner_id>/tokens", methods=["POST"])
def issue_api_token(partner_id: int) -> tuple[str, int]:
    """Issue a token and show it on this answer only: it is never shown or stored again."""
    partner = load_partner(partner_id)
    form = TokenForm()
    if form.validate_on_submit():
        try:
            issued = universities.issue_token(
                db.session,
                partner,
                form.token_name.data,
                form.scopes.data,
                int(form.days.data),
                created_by_id=current_user.id,
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            return _partner_page(partner, issued=issued)
    return _partner_page(partner, token_form=form, status=200)


@bp.route("/universities/<int:partner_id>/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(partner_id: int, token_id: int) -> Response:
    partner = load_partner(partner_id)
    token = load_token(partner, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        universities.revoke_token(db.session, token)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
    else:
        db.session.commit()
        flash(f"The token '{token.name}' is revoked: it stops working at once.", "success")
    return redirect(url_for("coordinator.university", partner_id=partner.id))
