"""Students' change requests: coordinators read them, act elsewhere, and answer here."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from placement.access import get_or_404
from placement.coordinator import bp
from placement.coordinator.forms import AnswerRequestForm
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.models import ChangeRequest, Offer, Proposal
from placement.services import change_requests, mail, students


@bp.route("/requests")
def change_requests_list() -> str:
    return render_template(
        "coordinator/requests/index.html",
        title="Students' change requests",
        waiting=change_requests.waiting(db.session),
        answered=change_requests.answered(db.session),
        outcomes=change_requests.OUTCOMES,
    )


def _request_page(found: ChangeRequest, form: AnswerRequestForm) -> str:
    student_id = found.student_id
    proposals = select(Proposal).where(
        Proposal.student_id == student_id, Proposal.status.in_(students.LOCKING_PROPOSALS)
    )
    offers = select(Offer).where(
        Offer.student_id == student_id, Offer.status.in_(students.LOCKING_OFFERS)
    )
    return render_template(
        "coordinator/requests/answer.html",
        title="Change request from " + found.student.full_name,
        request_row=found,
        form=form,
        proposals=list(db.session.execute(proposals).scalars()),
        offers=list(db.session.execute(offers).scalars()),
        outcomes=change_requests.OUTCOMES,
        back_link=url_for("coordinator.change_requests_list"),
    )


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
def answer_change_request(request_id: int) -> str | Response:
    found = get_or_404(ChangeRequest, request_id)
    form = AnswerRequestForm()
    if found.status == "open" and form.validate_on_submit():
        try:
            change_requests.answer(
                db.session, found, form.outcome.data, form.reply.data or "", current_user.id
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        except Conflict as conflict:
            db.session.rollback()
            form.form_errors.append(conflict.message)
        else:
            mail.send(
                db.session,
                found.student.user.email,
                "Your change request has been answered",
                "change_request_answered",
                outcome=change_requests.OUTCOMES[found.status],
                reply=found.reply,
                link=url_for("student.change_request", _external=True),
            )
            db.session.commit()
            flash("Answer sent to the student.", "success")
            return redirect(url_for("coordinator.change_requests_list"))
    return _request_page(found, form)
