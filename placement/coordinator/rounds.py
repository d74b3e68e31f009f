"""Matching rounds: readiness, creating and running a round, review, decisions, comparisons."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from placement import reference
from placement.access import get_or_404
from placement.coordinator import bp
from placement.coordinator.forms import ConfirmForm, DecideForm, ReasonForm, RoundForm
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.forms import canonical_id
from placement.models import MatchingRound, Offer, PlacementRole, Proposal, Skill, StudentProfile
from placement.services import (
    explanations,
    mail,
    offers,
    proposal_changes,
    round_gaps,
    rounds,
    snapshot,
    verification,
)

SORTS = {
    "score": lambda row: row["proposal"].score,
    "student": lambda row: row["proposal"].student_id,
    "organisation": lambda row: row["proposal"].role.organisation.name.lower(),
}


def load_round(round_id: int) -> MatchingRound:
    """Any coordinator may see any round."""
    return get_or_404(MatchingRound, round_id)


def load_proposal(matching_round: MatchingRound, proposal_id: int) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id)
    if proposal.round_id != matching_round.id:
        abort(404)
    return proposal


def skill_labels() -> dict[str, str]:
    return dict(db.session.execute(select(Skill.id, Skill.label)).all())


@bp.route("/rounds", endpoint="rounds")
def rounds_list() -> str:
    found = db.session.execute(select(MatchingRound).order_by(MatchingRound.id.desc())).scalars()
    listed = [(item, rounds.summary(item.result)) for item in found]
    return render_template("coordinator/rounds/index.html", rounds=listed)


@bp.route("/readiness")
def readiness() -> str:
    return render_template(
        "coordinator/rounds/readiness.html",
        readiness=rounds.readiness(db.session),
        eligible_in_words=snapshot.ELIGIBLE_IN_WORDS,
        ready_in_words=snapshot.READY_IN_WORDS,
        universities=reference.universities(),
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round() -> str | Response:
    form = RoundForm()
    if form.validate_on_submit():
        try:
            parameters = rounds.parameters_from(
                weights=form.weights(),
                min_score=float(form.min_score.data),
                objective=form.objective.data,
                seed=form.seed.data,
            )
            created = rounds.create(
                db.session,
                form.name.data,
                parameters=parameters,
                scope={"universities": form.universities.data, "sectors": form.sectors.data},
                actor_id=current_user.id,
            )
        except ValidationFailed as failure:
            db.session.rollback()
            form.add_problems(failure)
        else:
            db.session.commit()
            return redirect(url_for("coordinator.round_detail", round_id=created.id))
    ready = rounds.readiness(db.session)
    return render_template("coordinator/rounds/new.html", form=form, ready=ready)


@bp.post("/rounds/<int:round_id>/run")
def run_round(round_id: int) -> Response:
    load_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        ran = rounds.run_or_fail(db.session, round_id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(url_for("coordinator.round_detail", round_id=round_id))
    db.session.commit()
    if ran.status == "completed":
        flash(
            f"The round ran: {rounds.summary(ran.result)['placed']} students proposed.", "success"
        )
    if ran.previous_round_id:
        return redirect(url_for("coordinator.compare_rounds", a=ran.previous_round_id, b=ran.id))
    return redirect(url_for("coordinator.round_detail", round_id=round_id))


def _filters() -> dict[str, Any]:
    args = request.args
    try:
        low = float(args.get("low", "")) if args.get("low") else None
    except ValueError:
        low = None
    organisation = canonical_id(args.get("organisation"))
    return {
        "low": low,
        "not_preferred": args.get("not_preferred") == "1",
        "organisation": organisation,
        "borough": args.get("borough") or None,
        "sort": args.get("sort") if args.get("sort") in SORTS else "score",
        "descending": args.get("order", "desc") != "asc",
    }


def _keep(row: dict[str, Any], filters: dict[str, Any]) -> bool:
    proposal = row["proposal"]
    if filters["low"] is not None and proposal.score >= filters["low"]:
        return False
    if filters["not_preferred"] and row["student_rank"]:
        return False
    if filters["organisation"] and proposal.role.organisation_id != filters["organisation"]:
        return False
    return not (filters["borough"] and proposal.role.borough != filters["borough"])


def _rows(matching_round: MatchingRound, filters: dict[str, Any]) -> list[dict[str, Any]]:
    ranks = snapshot.ranks(matching_round.snapshot)
    labels = skill_labels()
    rows = []
    for proposal in matching_round.proposals:
        student_rank, role_rank = ranks.get((proposal.student_id, proposal.role_id), (None, None))
        rows.append(
            {
                "proposal": proposal,
                "student_rank": student_rank,
                "role_rank": role_rank,
                "reasons": [
                    explanations.for_coordinator(reason, labels) for reason in proposal.reasons
                ],
            }
        )
    kept = [row for row in rows if _keep(row, filters)]
    return sorted(kept, key=SORTS[filters["sort"]], reverse=filters["descending"])


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int) -> str:
    return _detail_page(load_round(round_id), DecideForm(formdata=None))


def _detail_page(matching_round: MatchingRound, decide_form: DecideForm) -> str:
    """The round page; ``decide_form`` carries what was ticked and typed, and any errors."""
    context: dict[str, Any] = {"round": matching_round, "confirm": ConfirmForm()}
    if matching_round.status == "completed":
        filters = _filters()
        result = matching_round.result
        unmatched_ids = [student for student, _ in snapshot.unmatched(result)]
        unfilled_ids = [role for role, _ in snapshot.unfilled(result)]
        people = {p.id: p for p in _profiles(unmatched_ids)}
        places = {r.id: r for r in _roles(unfilled_ids)}
        context.update(
            summary=rounds.summary(result),
            rows=_rows(matching_round, filters),
            filters=filters,
            decide=decide_form,
            ticked=set(decide_form.proposals.data or []),
            page_errors=bool(decide_form.errors),
            unmatched=[
                (people.get(s), s, explanations.for_coordinator(why, skill_labels()))
                for s, why in snapshot.unmatched(result)
            ],
            unfilled=[(places.get(r), left) for r, left in snapshot.unfilled(result)],
            organisations=sorted(
                {p.role.organisation for p in matching_round.proposals}, key=lambda o: o.name
            ),
            boroughs=reference.boroughs(),
            universities=reference.universities(),
            **_gaps(matching_round),
            other_rounds=[
                item
                for item in db.session.execute(
                    select(MatchingRound)
                    .where(
                        MatchingRound.status == "completed",
                        MatchingRound.id != matching_round.id,
                    )
                    .order_by(MatchingRound.id.desc())
                ).scalars()
            ],
        )
    return render_template("coordinator/rounds/detail.html", **context)


_GAPS_CACHE: dict[tuple[int, str], round_gaps.Gaps | None] = {}
GAPS_CACHED = 16


def _gaps(matching_round: MatchingRound) -> dict[str, Any]:
    """What stands between the unmatched and the empty places, for the round page's section.

    A stored result never changes, so each worker works it out once per result (a fraction of
    a second to a few seconds at national size) and keeps the last few.
    """
    result = matching_round.result or {}
    digest = (
        result.get("result_sha256")
        or hashlib.sha256(
            json.dumps([matching_round.snapshot, result], sort_keys=True, default=str).encode()
        ).hexdigest()
    )
    key = (matching_round.id, str(digest))
    if key not in _GAPS_CACHE:
        if len(_GAPS_CACHE) >= GAPS_CACHED:
            _GAPS_CACHE.pop(next(iter(_GAPS_CACHE)))
        _GAPS_CACHE[key] = round_gaps.gaps(matching_round.snapshot, result, skill_labels())
    found = _GAPS_CACHE[key]
    role_ids = [change.role_id for change in found.changes] if found else []
    return {"gaps": found, "gap_roles": {role.id: role for role in _roles(role_ids)}}


def _profiles(ids: list[int]) -> list[StudentProfile]:
    if not ids:
        return []
    query = select(StudentProfile).where(StudentProfile.id.in_(ids))
    return list(db.session.execute(query).scalars())


def _roles(ids: list[int]) -> list[PlacementRole]:
    if not ids:
        return []
    return list(
        db.session.execute(
            select(PlacementRole)
            .where(PlacementRole.id.in_(ids))
            .options(selectinload(PlacementRole.organisation))
        ).scalars()
    )


def _decide_one(proposal_id: int, approve: bool, reason: str) -> str | None:
    """One decision in its own transaction; the refusal message, or None when it was made."""
    try:
        if approve:
            offers.approve(db.session, proposal_id, current_user.id)
        else:
            offers.reject(db.session, proposal_id, reason, current_user.id)
    except (Conflict, ValidationFailed) as refusal:
        db.session.rollback()
        return refusal.message
    db.session.commit()
    return None


@bp.post("/rounds/<int:round_id>/decide")
def decide(round_id: int) -> str | Response:
    matching_round = load_round(round_id)
    form = DecideForm()
    own = {proposal.id for proposal in matching_round.proposals}
    chosen = [pid for pid in (form.proposals.data or []) if pid in own]
    if not form.validate_on_submit():
        abort(400)
    approve = bool(form.approve.data)
    reason = (form.reason.data or "").strip()
    if not chosen:
        form.proposals.errors = ["Select at least one proposal to approve or reject"]
    elif not approve and not reason:
        form.reason.errors = ["Enter a reason for rejecting the selected proposals"]
    if form.proposals.errors or form.reason.errors:
        form.proposals.data = chosen
        return _detail_page(matching_round, form)
    refusals = []
    for proposal_id in chosen:
        refused = _decide_one(proposal_id, approve, reason)
        if refused:
            refusals.append(f"Proposal {proposal_id}: {refused}")
    made = len(chosen) - len(refusals)
    verb = "approved" if approve else "rejected"
    if made:
        flash(f"{made} proposal(s) {verb}.", "success")
    for message in refusals:
        flash(message)
    return redirect(url_for("coordinator.round_detail", round_id=round_id) + "#proposals")


@bp.route("/rounds/<int:round_id>/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
def reject_proposal(round_id: int, proposal_id: int) -> str | Response:
    matching_round = load_round(round_id)
    proposal = load_proposal(matching_round, proposal_id)
    form = ReasonForm()
    if form.validate_on_submit():
        refused = _decide_one(proposal.id, False, form.reason.data)
        if refused is None:
            flash("Proposal rejected.", "success")
            return redirect(url_for("coordinator.round_detail", round_id=round_id))
        form.form_errors.append(refused)
    return render_template(
        "coordinator/rounds/reject.html", round=matching_round, proposal=proposal, form=form
    )


@bp.post("/rounds/<int:round_id>/proposals/<int:proposal_id>/approve")
def approve_proposal(round_id: int, proposal_id: int) -> Response:
    matching_round = load_round(round_id)
    proposal = load_proposal(matching_round, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refused = _decide_one(proposal.id, True, "")
    flash(refused or "Proposal approved.", None if refused else "success")
    if request.form.get("from") == "student":
        return redirect(
            url_for("coordinator.round_student", round_id=round_id, student_id=proposal.student_id)
        )
    return redirect(url_for("coordinator.round_detail", round_id=round_id) + "#proposals")


@bp.route("/rounds/<int:round_id>/students/<int:student_id>")
def round_student(round_id: int, student_id: int) -> str:
    matching_round = load_round(round_id)
    key = snapshot.student_key(student_id)
    document = matching_round.snapshot
    if document is None or key not in {entry["id"] for entry in document["students"]}:
        abort(404)
    profile = get_or_404(StudentProfile, student_id)
    report = snapshot.alternatives(document, student_id, limit=5)
    role_ids = [entry["role_id"] for entry in report["alternatives"]]
    if report["current"]:
        role_ids.append(report["current"]["role_id"])
    proposal = next((p for p in matching_round.proposals if p.student_id == student_id), None)
    reason = next(
        (why for s, why in snapshot.unmatched(matching_round.result) if s == student_id), None
    )
    return render_template(
        "coordinator/rounds/student.html",
        round=matching_round,
        profile=profile,
        report=report,
        roles={role.id: role for role in _roles(role_ids)},
        proposal=proposal,
        unmatched_reason=explanations.for_coordinator(reason, skill_labels()) if reason else None,
        labels=skill_labels(),
        label_skills=explanations.for_coordinator,
        confirm=ConfirmForm(),
    )


@bp.post("/rounds/<int:round_id>/proposals/<int:proposal_id>/swap")
def swap_proposal(round_id: int, proposal_id: int) -> Response:
    """Propose one of the student's listed alternatives instead."""
    matching_round = load_round(round_id)
    proposal = load_proposal(matching_round, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    role_id = canonical_id(request.form.get("role"))
    student_page = url_for(
        "coordinator.round_student", round_id=round_id, student_id=proposal.student_id
    )
    if role_id is None:
        flash("Choose one of the alternatives listed for this student")
        return redirect(student_page)
    try:
        swapped = proposal_changes.swap_role(db.session, proposal, role_id, current_user.id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(student_page)
    db.session.commit()
    flash(f"Now proposed: {swapped.role.title} at {swapped.role.organisation.name}.", "success")
    return redirect(student_page)


@bp.post("/rounds/<int:round_id>/adopt-stable")
def adopt_stable(round_id: int) -> Response:
    """Make the stable result's pairs the round's proposals (before any decision)."""
    matching_round = load_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = proposal_changes.adopt_stable(db.session, matching_round, current_user.id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(url_for("coordinator.stable", round_id=round_id))
    db.session.commit()
    flash(f"The round's proposals are now the stable result's {count} pairs.", "success")
    return redirect(url_for("coordinator.round_detail", round_id=round_id) + "#proposals")


@bp.route("/rounds/<int:round_id>/stable")
def stable(round_id: int) -> str:
    matching_round = load_round(round_id)
    if matching_round.status != "completed":
        abort(404)
    stable_result = rounds.stable_result(matching_round)
    comparison = rounds.compare(matching_round.result, stable_result)
    return render_template(
        "coordinator/rounds/compare.html",
        title=f"Optimal and stable results of {matching_round.name}",
        label_a="Optimal",
        label_b="Stable",
        comparison=comparison,
        adopt_round=matching_round,
        confirm=ConfirmForm(),
        **_names(comparison),
        back=url_for("coordinator.round_detail", round_id=round_id),
    )


def _names(comparison: dict[str, Any]) -> dict[str, Any]:
    students = {s for s, _, _ in comparison["changes"]}
    role_ids = {r for _, a, b in comparison["changes"] for r in (a, b) if r}
    return {
        "students": {p.id: p for p in _profiles(list(students))},
        "roles": {r.id: r for r in _roles(list(role_ids))},
    }


@bp.route("/rounds/compare")
def compare_rounds() -> str:
    first_id, second_id = canonical_id(request.args.get("a")), canonical_id(request.args.get("b"))
    if first_id is None or second_id is None:
        abort(404)
    first, second = load_round(first_id), load_round(second_id)
    if first.status != "completed" or second.status != "completed":
        return render_template(
            "coordinator/rounds/compare.html",
            title="Compare rounds",
            unavailable=first if first.status != "completed" else second,
            back=url_for("coordinator.rounds"),
        )
    comparison = rounds.compare(first.result, second.result)
    return render_template(
        "coordinator/rounds/compare.html",
        title=f"Compare {first.name} and {second.name}",
        label_a=f"{first.name} (round {first.id})",
        label_b=f"{second.name} (round {second.id})",
        comparison=comparison,
        first=first,
        second=second,
        **_names(comparison),
        back=url_for("coordinator.round_detail", round_id=second.id),
    )


@bp.post("/rounds/<int:round_id>/rerun")
def rerun(round_id: int) -> Response:
    matching_round = load_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        draft = rounds.rerun(db.session, matching_round, current_user.id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(url_for("coordinator.round_detail", round_id=round_id))
    db.session.commit()
    return redirect(url_for("coordinator.round_detail", round_id=draft.id))


@bp.route("/rounds/<int:round_id>/publish", methods=["GET", "POST"])
def publish(round_id: int) -> str | Response:
    matching_round = load_round(round_id)
    form = ConfirmForm()
    approved = [p for p in matching_round.proposals if p.status == "approved"]
    days = current_app.config["OFFER_DEADLINE_DAYS"]
    if form.validate_on_submit():
        try:
            made = offers.publish(db.session, matching_round, days)
        except Conflict as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            _send_offer_emails(made)
            flash(f"{len(made)} offer(s) sent.", "success")
            return redirect(url_for("coordinator.offers"))
    return render_template(
        "coordinator/rounds/publish.html",
        round=matching_round,
        approved=approved,
        form=form,
        days=days,
    )


def _send_offer_emails(made: list[Offer]) -> None:
    for offer in made:
        role = offer.role
        deadline = offer.deadline.strftime("%-d %B %Y")
        mail.send(
            offer.student.user.email,
            "You have a placement offer",
            "offer_student",
            role=role,
            deadline=deadline,
            link=url_for("student.offers", _external=True),
        )
        for email in verification.member_emails(db.session, role.organisation_id):
            mail.send(
                email,
                "A candidate has been offered your role",
                "offer_organisation",
                role=role,
                deadline=deadline,
                link=url_for("organisation.offers", _external=True),
            )
