"""Registering, signing in and out, confirming an address, resetting a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from placement.auth import bp
from placement.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    NewPasswordForm,
    RegisterOrganisationForm,
    RegisterStudentForm,
    SignInForm,
)
from placement.errors import ValidationFailed
from placement.extensions import db, limiter
from placement.models import Organisation
from placement.security import start_session
from placement.services import accounts, audit, mail

SIGN_IN_LIMIT = "10 per 5 minutes"


def _failed(response: Response) -> bool:
    """Only refused attempts count towards the limit."""
    return response.status_code != 302


def _account_key() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str | None:
    """A `next` address on this site only: a path, never another host or scheme."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def home_for(role: str) -> str:
    return url_for(
        {
            "student": "student.dashboard",
            "organisation": "organisation.dashboard",
            "coordinator": "coordinator.dashboard",
        }[role]
    )


def _send_confirmation(registration: accounts.Registration) -> None:
    if registration.user is not None:
        link = url_for(
            "auth.confirm", token=accounts.confirmation_token(registration.user), _external=True
        )
        mail.send(
            db.session, registration.user.email, "Confirm your email address", "confirm", link=link
        )
    elif registration.existing is not None:
        mail.send(
            db.session,
            registration.existing.email,
            "You already have an account",
            "already_registered",
            sign_in=url_for("auth.sign_in", _external=True),
            reset=url_for("auth.forgot_password", _external=True),
        )


@bp.route("/register/student", methods=["GET", "POST"])
def register_student() -> str | Response:
    form = RegisterStudentForm()
    if form.validate_on_submit():
        try:
            registration = accounts.register_student(
                db.session, form.email.data, form.password.data
            )
        except ValidationFailed as failure:
            form.add_problems(failure)
        else:
            _send_confirmation(registration)
            db.session.commit()
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register_student.html", form=form)


@bp.route("/register/organisation", methods=["GET", "POST"])
def register_organisation() -> str | Response:
    form = RegisterOrganisationForm()
    if form.validate_on_submit():
        organisation = Organisation(
            name=form.name.data.strip(),
            companies_house_number=form.companies_house_number.data,
            headcount=form.headcount.data,
            is_startup=form.is_startup.data == "yes",
            sector=form.sector.data,
            borough=form.borough.data,
            address=form.address.data.strip(),
            contact_name=form.contact_name.data.strip(),
            contact_email=accounts.normalise_email(form.email.data),
            contact_phone=(form.contact_phone.data or "").strip() or None,
        )
        try:
            registration = accounts.register_organisation(
                db.session, form.email.data, form.password.data, organisation
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            _send_confirmation(registration)
            db.session.commit()
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register_organisation.html", form=form)


@bp.route("/register/check-your-email")
def check_email() -> str:
    return render_template("auth/check_email.html")


@bp.route("/confirm/<token>")
def confirm(token: str) -> str | Response:
    user = accounts.confirm_email(db.session, token)
    if user is None:
        return render_template("auth/link_expired.html", what="confirmation"), 400
    db.session.commit()
    return render_template("auth/confirmed.html")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], deduct_when=_failed)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            audit.security_event("sign_in_failed")
            form.form_errors.append("Enter a correct email address and password")
        elif user.email_confirmed_at is None:
            _send_confirmation(accounts.Registration(user=user, existing=None))
            db.session.commit()
            form.form_errors.append(
                "Confirm your email address first: we have sent you the link again"
            )
        else:
            next_page = _safe_next(request.args.get("next"))
            session.clear()  # a new session on sign-in: no fixation
            login_user(user)
            start_session()
            audit.record(
                db.session,
                "signed_in",
                object_type="user",
                object_id=user.id,
                actor_id=user.id,
                actor_role=user.role,
            )
            db.session.commit()
            return redirect(next_page or home_for(user.role))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> str | Response:
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("public.start"))
    if form.validate_on_submit():
        user = current_user._get_current_object()
        accounts.end_all_sessions(user)
        audit.record(db.session, "signed_out", object_type="user", object_id=user.id)
        db.session.commit()
        logout_user()
        session.clear()
        return redirect(url_for("auth.signed_out"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/signed-out")
def signed_out() -> str:
    return render_template("auth/signed_out.html")


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=_account_key)
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same work for every address, known or not: one row, looked up by its job.
        token = accounts.new_reset_token()
        link = url_for("auth.reset_password", token=token, _external=True)
        mail.request_password_reset(db.session, form.email.data, token, link, request.remote_addr)
        db.session.commit()
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/forgot-password/sent")
def reset_sent() -> str:
    return render_template("auth/reset_sent.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def reset_password(token: str) -> str | Response:
    if accounts.reset_token_user(db.session, token) is None:
        return render_template("auth/link_expired.html", what="password reset"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(db.session, token, form.password.data)
        except ValidationFailed as failure:
            form.add_problems(failure)
        else:
            if user is None:
                return render_template("auth/link_expired.html", what="password reset"), 400
            db.session.commit()
            logout_user()
            session.clear()
            return render_template("auth/password_saved.html")
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(
                db.session, user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as failure:
            form.add_problems(failure)
        else:
            db.session.commit()
            # Other sessions ended with the old token; this one carries on with the new one.
            login_user(user)
            start_session()
            return render_template("auth/password_saved.html", signed_in=True)
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response:
    invitation = accounts.open_invitation(db.session, token)
    if invitation is None:
        return render_template("auth/link_expired.html", what="invitation"), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(db.session, token, form.password.data)
        except ValidationFailed as failure:
            form.add_problems(failure)
        else:
            if user is None:
                abort(400)
            db.session.commit()
            session.clear()
            login_user(user)
            start_session()
            return redirect(home_for(user.role))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
