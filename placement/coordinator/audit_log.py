"""The audit log: read and export only; nobody can edit or delete an event."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from placement.coordinator import audit_words, bp
from placement.coordinator.paging import pagination
from placement.csvsafe import csv_response
from placement.extensions import db
from placement.forms import canonical_id
from placement.models import AuditEvent
from placement.services import keyset, review

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
    """Events newest first, 50 a page (keyset pages: `after` or `before` an event id)."""
    query, filters = _filtered()
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    found = keyset.page(
        db.session,
        query,
        [AuditEvent.at],
        AuditEvent.id,
        after=review.cursor(request.args.get("after")),
        before=review.cursor(request.args.get("before")),
        size=PAGE_SIZE,
        descending=True,
    )
    actions = db.session.execute(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).scalars()
    return render_template(
        "coordinator/audit/index.html",
        events=list(zip(found.rows, audit_words.in_words(db.session, found.rows), strict=True)),
        action_words=audit_words.action_words,
        actions=list(actions),
        filters=filters,
        pagination=pagination(".audit", found, **{k: v for k, v in filters.items() if v}),
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
