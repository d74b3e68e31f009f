"""The audit log: read and export only; nobody can edit or delete an event."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from placement.coordinator import audit_words, bp
from placement.csvsafe import csv_response
from placement.extensions import db
from placement.forms import canonical_id, is_whole_number
from placement.models import AuditEvent

PAGE_SIZE = 50


def _filtered():
    query = select(AuditEvent)
    action = (request.args.get("action") or "").strip()[:60]
    actor = (request.args.get("actor") or "").strip()
    if action:
        query = query.where(AuditEvent.action == action)
    actor_id = canonical_id(actor)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    return query, {"action": action, "actor": actor if actor_id is not None else ""}


@bp.route("/audit")
def audit() -> str:
    query, filters = _filtered()
    page = request.args.get("page", "1")
    page_number = int(page) if is_whole_number(page) and 0 < len(page) < 7 else 1
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    events = db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page_number - 1) * PAGE_SIZE)
    ).scalars()
    actions = db.session.execute(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).scalars()
    listed = list(events)
    return render_template(
        "coordinator/audit/index.html",
        events=list(zip(listed, audit_words.in_words(db.session, listed), strict=True)),
        action_words=audit_words.action_words,
        actions=list(actions),
        filters=filters,
        page=page_number,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
    )


@bp.route("/audit.csv")
def audit_csv() -> Response:
    query, _ = _filtered()
    events = list(
        db.session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).scalars()
    )
    worded = audit_words.in_words(db.session, events)
    return csv_response(
        "audit-log.csv",
        ["when", "who", "what", "about", "detail", "link", "at_utc"],
        (
            (
                words.when,
                words.who,
                words.what,
                words.object_text,
                words.detail,
                url_for_external(words.object_link),
                event.at.isoformat(timespec="seconds"),
            )
            for event, words in zip(events, worded, strict=True)
        ),
    )


def url_for_external(path: str | None) -> str:
    return request.host_url.rstrip("/") + path if path else ""
