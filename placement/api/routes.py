"""The API's routes: thin views over placement.services, answering JSON."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from flask import Response, request
from flask_smorest import abort
from marshmallow import RAISE

from placement.api import bp, problems
from placement.api.auth import current_partner, current_token
from placement.api.schemas import (
    InvitationBatchSchema,
    InvitationOutcomeSchema,
    PageQuerySchema,
    PlacementPageSchema,
    SkillsDemandSchema,
    StudentPageSchema,
    StudentQuerySchema,
)
from placement.extensions import db
from placement.services import audit, imports, university_data

READ_HEADERS = {
    "ETag": {
        "description": "Send it back in If-None-Match: 304 Not Modified while nothing changed",
        "schema": {"type": "string"},
    }
}
_CURSOR = re.compile(r"(students|placements):(\d{1,10})")


def _scope_doc(scope: str) -> dict[str, Any]:
    return {"security": [{"bearerAuth": [scope]}], "x-scope": scope}


# --- cursors ---------------------------------------------------------------------------------


def encode_cursor(kind: str, after: int | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"{kind}:{after}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int:
    """The id a page starts after; a cursor this API did not give for this list is a 400."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    found = _CURSOR.fullmatch(text)
    if found is None or found.group(1) != kind:
        abort(
            400,
            message="That cursor is not one this list gave: use next_cursor from the last page.",
        )
    return int(found.group(2))


# --- students --------------------------------------------------------------------------------


def _cells(university_id: str, student: dict[str, Any]) -> dict[str, str]:
    """A student of the request as a row of the CSV import, so both are checked by one rule set."""
    graduation = student.get("expected_graduation")
    return {
        "email": student["email"].strip(),
        "given_name": student["given_name"].strip(),
        "family_name": student["family_name"].strip(),
        "university": university_id,
        "course": student["course"].strip(),
        "rqf_level": str(student["rqf_level"]),
        "expected_graduation": graduation.isoformat() if graduation else "",
        "skills": "",
    }


@bp.route("/students/invitations", methods=["POST"])
@bp.arguments(InvitationBatchSchema, example={"students": [{
    "email": "ada@example.ac.uk", "given_name": "Ada", "family_name": "Lovelace",
    "course": "BSc Computer Science", "rqf_level": 6, "expected_graduation": "2027-07-01",
}]})  # fmt: skip
@bp.response(200, InvitationOutcomeSchema)
@bp.doc(**_scope_doc("students:write"))
def invite_students(batch: dict[str, Any]) -> dict[str, Any] | Response:
    """Invite up to 1,000 students (scope students:write).

    Each new student gets the same set-your-password email as a coordinator's CSV import. An
    address already registered is not invited again, so sending a batch twice is safe. Every
    row is checked before any is written: one bad row and nothing is written (422, with each
    row's field errors).
    """
    partner = current_partner()
    rows = [
        (index, _cells(partner.university_id, student))
        for index, student in enumerate(batch["students"])
    ]
    students, found = imports.check_students(db.session, rows)
    if found:
        db.session.rollback()
        return problems.problem(
            422,
            f"{len(found)} problem{'s' if len(found) != 1 else ''} in the students sent: "
            "nothing has been written. Fix each one and send the batch again.",
            kind="invalid-request",
            errors=[
                problems.error_entry(
                    "json",
                    ["students", str(problem.row)] + ([problem.column] if problem.column else []),
                    problem.message,
                )
                for problem in found
            ],
        )
    outcome = imports.invite_students(db.session, students, imports.Outcome("students", len(rows)))
    token = current_token()
    audit.record(
        db.session,
        "api_students_invited",
        object_type="api_token",
        object_id=token.id,
        actor_role="university",
        detail={
            "partner_id": partner.id,
            "rows": outcome.rows,
            "created": outcome.created,
            "skipped": len(outcome.skipped),
        },
    )
    imports.send_invitations(db.session, outcome)
    db.session.commit()
    skipped = {row for row, _ in outcome.skipped}
    return {
        "invited": outcome.created,
        "already_registered": len(skipped),
        "results": [
            {
                "row": student.row,
                "email": student.email,
                "outcome": "already_registered" if student.row in skipped else "invited",
            }
            for student in students
        ],
    }


@bp.route("/students", methods=["GET"])
@bp.arguments(StudentQuerySchema, location="query", unknown=RAISE)
@bp.response(200, StudentPageSchema, headers=READ_HEADERS)
@bp.alt_response(304, description="Not modified: the ETag sent in If-None-Match still holds")
@bp.doc(**_scope_doc("students:read"))
def list_students(query: dict[str, Any]) -> dict[str, Any]:
    """Your university's students who agreed to share their progress (scope students:read).

    A student who withdraws that consent is left out from the next request on.
    """
    page = university_data.students(
        db.session,
        current_partner().university_id,
        stage=query.get("stage"),
        updated_since=query.get("updated_since"),
        after=decode_cursor("students", query.get("cursor")),
        limit=query["limit"],
    )
    return {"items": page.items, "next_cursor": encode_cursor("students", page.next_after)}


@bp.route("/placements", methods=["GET"])
@bp.arguments(PageQuerySchema, location="query", unknown=RAISE)
@bp.response(200, PlacementPageSchema, headers=READ_HEADERS)
@bp.alt_response(304, description="Not modified: the ETag sent in If-None-Match still holds")
@bp.doc(**_scope_doc("outcomes:read"))
def list_placements(query: dict[str, Any]) -> dict[str, Any]:
    """Placements of your sharing students, with both sides' feedback scores once given
    (scope outcomes:read)."""
    page = university_data.placements(
        db.session,
        current_partner().university_id,
        after=decode_cursor("placements", query.get("cursor")),
        limit=query["limit"],
    )
    return {"items": page.items, "next_cursor": encode_cursor("placements", page.next_after)}


@bp.route("/skills/demand", methods=["GET"])
@bp.response(200, SkillsDemandSchema, headers=READ_HEADERS)
@bp.alt_response(304, description="Not modified: the ETag sent in If-None-Match still holds")
@bp.doc(**_scope_doc("skills:read"))
def skills_demand() -> dict[str, Any]:
    """Skills asked for by open and filled roles, by sector and quarter, against the skills your
    sharing students hold (scope skills:read). Aggregates only: counts of students under 5 are
    suppressed exactly as in the programme's reports."""
    return university_data.skills_demand(db.session, current_partner().university_id)


@bp.after_request
def _conditional(response: Response) -> Response:
    """Reads carry an ETag of their body and answer a matching If-None-Match with 304."""
    response.headers["Vary"] = "Authorization"
    if request.method == "GET" and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response
