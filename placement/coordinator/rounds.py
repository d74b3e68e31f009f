"""Matching rounds: readiness, creating and running a round, review, decisions, comparisons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload
from werkzeug.wrappers import Response

from placement import reference
from placement.access import get_or_404
from placement.coordinator import bp
from placement.coordinator.forms import ConfirmForm, DecideForm, ReasonForm, RoundForm
from placement.errors import Conflict, ValidationFailed
from placement.extensions import db
from placement.forms import canonical_id
from placement.jobs import queue
from placement.models import MatchingRound, Offer, PlacementRole, Proposal, StudentProfile
from placement.models._types import utcnow
from placement.models.rounds import PROPOSAL_STATUSES
from placement.security import LARGEST_ID
from placement.services import (
    equity,
    explanations,
    mail,
    offers,
    proposal_changes,
    review,
    round_gaps,
    rounds,
    snapshot,
    verification,
)

LISTED = 50


STAGE_NAMES = {
    "queued": "Queued, waiting for a worker",
    "snapshot": "Building the snapshot of students and roles",
    "scoring": "Scoring every student against every role",
    "solving": "Solving",
    "certifying": "Certifying the result",
    "storing": "Storing the proposals",
}


def _delayed(matching_round: MatchingRound) -> bool:
    """Whether to tell the coordinator the work is waiting longer than it should."""
    if matching_round.status != "queued":
        return False
    config = current_app.config
    if config.get("REDIS_URL") and not queue.reachable(current_app):
        return True
    waited = utcnow() - (matching_round.queued_at or utcnow())
    return waited.total_seconds() > config["QUEUE_DELAY_WARNING_SECONDS"]


def load_round(round_id: int) -> MatchingRound:
    """Any coordinator may see any round; its large documents load only when read."""
    if not 0 <= round_id <= LARGEST_ID:
        abort(404)
    found = review.load_round(db.session, round_id)
    if found is None:
        abort(404)
    return found


def load_proposal(matching_round: MatchingRound, proposal_id: int) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id)
    if proposal.round_id != matching_round.id:
        abort(404)
    return proposal


def skill_labels() -> dict[str, str]:
    return round_gaps.skill_labels(db.session)


@bp.route("/rounds", endpoint="rounds")
def rounds_list() -> str:
    found = db.session.execute(
        select(MatchingRound)
        .options(defer(MatchingRound.snapshot), defer(MatchingRound.result))
        .order_by(MatchingRound.id.desc())
    ).scalars()
    listed = [(item, review.summary(db.session, item)) for item in found]
    return render_template("coordinator/rounds/index.html", rounds=listed)


@bp.route("/readiness")
def readiness() -> str:
    after = review.cursor(request.args.get("after"))
    roles_after = review.cursor(request.args.get("roles_after"))
    found = rounds.readiness(db.session, after=after, roles_after=roles_after)
    return render_template(
        "coordinator/rounds/readiness.html",
        readiness=found,
        pagination=_pages(after, found.next_after, "after", roles_after=roles_after),
        roles_pagination=_pages(roles_after, found.roles_next_after, "roles_after", after=after),
        eligible_in_words=snapshot.ELIGIBLE_IN_WORDS,
        ready_in_words=snapshot.READY_IN_WORDS,
        universities=reference.universities(),
    )


def _pages(at: int | None, following: int | None, name: str, **kept: int | None) -> dict:
    """Links of one keyset-paged list on the readiness page, keeping the other list's place."""
    others = {key: value for key, value in kept.items() if value is not None}
    pagination: dict[str, object] = {}
    if at is not None:
        first = url_for(".readiness", **others)
        pagination["previous"] = {"href": first, "labelText": "First page"}
    if following is not None:
        pagination["next"] = {"href": url_for(".readiness", **others, **{name: following})}
    return pagination


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
        rounds.queue(db.session, round_id, current_user.id)
    except Conflict as refusal:
        db.session.rollback()
        flash(refusal.message)
        return redirect(url_for("coordinator.round_detail", round_id=round_id))
    db.session.commit()
    flash("The round is queued to run. This page shows how far it has got.", "success")
    return redirect(url_for("coordinator.round_detail", round_id=round_id))


@bp.route("/rounds/<int:round_id>/status.json")
def round_status(round_id: int) -> dict[str, Any]:
    """The round's status and stage, for the page's progress poll."""
    matching_round = load_round(round_id)
    return {
        "status": matching_round.status,
        "stage": STAGE_NAMES.get(matching_round.stage or "", matching_round.status.capitalize()),
    }


def _view_args(source: Mapping[str, str]) -> dict[str, str]:
    """The review's filters and page position from a query string, cleaned, for links."""
    args = review.Filters.from_args(source).query_args()
    for name in ("after", "before"):
        position = review.cursor(source.get(name))
        if position is not None:
            args[name] = str(position)
    if "after" in args:
        args.pop("before", None)
    return args


def _posted_view() -> dict[str, str]:
    """The review position a decision form was sent from (its hidden ``view`` field)."""
    return _view_args(dict(parse_qsl(request.form.get("view", "")[:2000])))


def _back_to_review(round_id: int, view: dict[str, str]) -> Response:
    return redirect(url_for("coordinator.round_detail", round_id=round_id, **view) + "#proposals")


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int) -> str:
    return _detail_page(load_round(round_id), DecideForm(formdata=None), request.args)


def _review_rows(found: review.Page) -> list[dict[str, Any]]:
    labels = skill_labels()
    return [
        {
            "proposal": proposal,
            "student_rank": found.ranks.get(proposal.student_id, (None, None))[0],
            "role_rank": found.ranks.get(proposal.student_id, (None, None))[1],
            "reasons": [
                explanations.for_coordinator(reason, labels) for reason in proposal.reasons
            ],
        }
        for proposal in found.proposals
    ]


def _review(
    matching_round: MatchingRound, decide_form: DecideForm, source: Mapping[str, str]
) -> dict[str, Any]:
    """The proposals table: one page, its filters, its pagination links and what is ticked."""
    view = _view_args(source)
    filters = review.Filters.from_args(source)
    found = review.page(
        db.session,
        matching_round,
        filters,
        after=review.cursor(view.get("after")),
        before=review.cursor(view.get("before")),
        size=current_app.config.get("REVIEW_PAGE_SIZE", review.PAGE_SIZE),
    )
    decidable = [p.id for p in found.proposals if p.status in ("proposed", "approved")]
    ticked = set(decide_form.proposals.data or [])
    if source.get("select") == "page" and not decide_form.errors:
        ticked = set(decidable)
    here = {"round_id": matching_round.id, **filters.query_args()}
    pagination: dict[str, Any] = {}
    if found.has_previous:
        previous = url_for("coordinator.round_detail", **here, before=found.proposals[0].id)
        pagination["previous"] = {"href": previous + "#proposals"}
    if found.has_next:
        following = url_for("coordinator.round_detail", **here, after=found.proposals[-1].id)
        pagination["next"] = {"href": following + "#proposals"}
    return {
        "rows": _review_rows(found),
        "found": found,
        "filters": filters,
        "view": view,
        "view_query": urlencode(view),
        "pagination": pagination,
        "decidable": decidable,
        "ticked": ticked,
        "all_ticked": bool(decidable) and ticked >= set(decidable),
        "select_page_href": url_for(
            "coordinator.round_detail", **here, **_position(view), select="page"
        )
        + "#proposals",
        "clear_href": url_for("coordinator.round_detail", **here, **_position(view)) + "#proposals",
        "sectors": reference.sectors(),
        "statuses": PROPOSAL_STATUSES,
    }


def _position(view: dict[str, str]) -> dict[str, str]:
    return {name: view[name] for name in ("after", "before") if name in view}


def _detail_page(
    matching_round: MatchingRound, decide_form: DecideForm, source: Mapping[str, str]
) -> str:
    """The round page; ``decide_form`` carries what was ticked and typed, and any errors."""
    context: dict[str, Any] = {"round": matching_round, "confirm": ConfirmForm()}
    if matching_round.status in ("queued", "running"):
        context.update(
            stage=STAGE_NAMES.get(matching_round.stage or "queued", "Queued"),
            delayed=_delayed(matching_round),
            refresh_seconds=3,
        )
    if matching_round.status == "completed":
        facts = review.facts(db.session, matching_round)
        # At national size thousands go unmatched: the page lists the first few of each.
        unmatched_shown = facts.unmatched[:LISTED]
        unfilled_shown = facts.unfilled[:LISTED]
        people = {p.id: p for p in _profiles([student for student, _ in unmatched_shown])}
        places = {r.id: r for r in _roles([role for role, _ in unfilled_shown])}
        context.update(
            _review(matching_round, decide_form, source),
            summary=facts.summary,
            decide=decide_form,
            page_errors=bool(decide_form.errors),
            unmatched=[
                (people.get(s), s, explanations.for_coordinator(why, skill_labels()))
                for s, why in unmatched_shown
            ],
            unmatched_total=len(facts.unmatched),
            unfilled=[(places.get(r), left) for r, left in unfilled_shown],
            unfilled_total=len(facts.unfilled),
            boroughs=reference.boroughs(),
            universities=reference.universities(),
            **_gaps(matching_round, facts),
            other_rounds=[
                item
                for item in db.session.execute(
                    select(MatchingRound)
                    .where(
                        MatchingRound.status == "completed",
                        MatchingRound.id != matching_round.id,
                    )
                    .options(defer(MatchingRound.snapshot), defer(MatchingRound.result))
                    .order_by(MatchingRound.id.desc())
                ).scalars()
            ],
        )
    return render_template("coordinator/rounds/detail.html", **context)


_GAPS_CACHE: dict[tuple[int, str], round_gaps.Gaps | None] = {}
GAPS_CACHED = 16


def _gaps(matching_round: MatchingRound, facts: review.RoundFacts) -> dict[str, Any]:
    """What stands between the unmatched and the empty places, for the round page's section.

    The round's job works it out once the round is committed and keeps it on the round. A round
    without it (run before it was kept, by the command line, or its job still at work) is
    worked out here only when small (each worker keeping the last few); a large one says it is
    not ready rather than keep a page request busy for a minute.
    """
    pending = False
    if matching_round.gaps is not None:
        found = round_gaps.from_document(matching_round.gaps)
    elif len(facts.unmatched) * len(facts.unfilled) <= round_gaps.IN_REQUEST_PAIRS:
        # The round's identity (id, result hash, completion) names its documents, so a cached
        # answer is found without loading them.
        key = equity.identity(matching_round)
        if key not in _GAPS_CACHE:
            if len(_GAPS_CACHE) >= GAPS_CACHED:
                _GAPS_CACHE.pop(next(iter(_GAPS_CACHE)))
            result = matching_round.result or {}
            _GAPS_CACHE[key] = round_gaps.gaps(matching_round.snapshot, result, skill_labels())
        found = _GAPS_CACHE[key]
    else:
        found, pending = None, True
    role_ids = [change.role_id for change in found.changes] if found else []
    roles = {role.id: role for role in _roles(role_ids)}
    return {"gaps": found, "gaps_pending": pending, "gap_roles": roles}


def _profiles(ids: list[int]) -> list[StudentProfile]:
    if not ids:
        return []
    query = select(StudentProfile).where(StudentProfile.id.in_(ids))
    return list(db.session.execute(query).scalars())


def _roles(ids: list[int]) -> list[PlacementRole]:
    if not ids:
        return []
    query = (
        select(PlacementRole)
        .where(PlacementRole.id.in_(ids))
        .options(joinedload(PlacementRole.organisation))
    )
    return list(db.session.execute(query).scalars())


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
    if not form.validate_on_submit():
        abort(400)
    asked = [pid for pid in (form.proposals.data or []) if 0 <= pid <= LARGEST_ID]
    chosen = review.proposal_ids_in_round(db.session, round_id, asked)
    view = _posted_view()
    approve = bool(form.approve.data)
    reason = (form.reason.data or "").strip()
    if not chosen:
        form.proposals.errors = ["Select at least one proposal to approve or reject"]
    elif not approve and not reason:
        form.reason.errors = ["Enter a reason for rejecting the selected proposals"]
    if form.proposals.errors or form.reason.errors:
        form.proposals.data = chosen
        return _detail_page(matching_round, form, view)
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
    return _back_to_review(round_id, view)


@bp.route("/rounds/<int:round_id>/proposals/<int:proposal_id>/reject", methods=["GET", "POST"])
def reject_proposal(round_id: int, proposal_id: int) -> str | Response:
    matching_round = load_round(round_id)
    proposal = load_proposal(matching_round, proposal_id)
    form = ReasonForm()
    view = _view_args(request.args)
    if form.validate_on_submit():
        refused = _decide_one(proposal.id, False, form.reason.data)
        if refused is None:
            flash("Proposal rejected.", "success")
            return _back_to_review(round_id, view)
        form.form_errors.append(refused)
    return render_template(
        "coordinator/rounds/reject.html",
        round=matching_round,
        proposal=proposal,
        form=form,
        back=url_for("coordinator.round_detail", round_id=round_id, **view) + "#proposals",
    )


@bp.post("/rounds/<int:round_id>/proposals/<int:proposal_id>/approve")
def approve_proposal(round_id: int, proposal_id: int) -> Response:
    matching_round = load_round(round_id)
    proposal = load_proposal(matching_round, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refused = _decide_one(proposal.id, True, "")
    flash(refused or "Proposal approved.", "message" if refused else "success")
    if request.form.get("from") == "student":
        return redirect(
            url_for("coordinator.round_student", round_id=round_id, student_id=proposal.student_id)
        )
    return _back_to_review(round_id, _posted_view())


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
            _send_offer_emails(made)
            db.session.commit()
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
            db.session,
            offer.student.user.email,
            "You have a placement offer",
            "offer_student",
            offer_id=offer.id,
            role=role,
            deadline=deadline,
            link=url_for("student.offers", _external=True),
        )
        for email in verification.member_emails(db.session, role.organisation_id):
            mail.send(
                db.session,
                email,
                "A candidate has been offered your role",
                "offer_organisation",
                offer_id=offer.id,
                role=role,
                deadline=deadline,
                link=url_for("organisation.offers", _external=True),
            )
