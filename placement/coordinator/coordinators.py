"""Coordinators invite other coordinators by email."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from placement.coordinator import bp
from placement.coordinator.forms import InviteForm
from placement.extensions import db
from placement.services import accounts, mail


@bp.route("/coordinators/invite", methods=["GET", "POST"])
def invite_coordinator() -> str | Response:
    form = InviteForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        if accounts.find_user(db.session, email):
            form.email.errors = ["An account with this email address already exists"]
        else:
            _, token = accounts.invite(db.session, email, "coordinator")
            mail.send(
                db.session,
                email,
                "You are invited to be a programme coordinator",
                "invitation",
                role="coordinator",
                organisation=None,
                days=current_app.config["INVITATION_DAYS"],
                link=url_for("auth.accept_invitation", token=token, _external=True),
            )
            db.session.commit()
            flash(f"Invitation sent to {email}.", "success")
            return redirect(url_for("coordinator.invite_coordinator"))
    return render_template("coordinator/coordinators/invite.html", form=form)
