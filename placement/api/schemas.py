"""What the API takes and gives, as marshmallow schemas: the OpenAPI description comes from them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from placement.models import PLACEMENT_STATUSES

STAGES = (
    "invited",
    "profile_in_progress",
    "submitted",
    "proposed",
    "offered",
    "placed",
    "completed",
    "withdrawn",
)
MAX_INVITATIONS = 1000
PAGE_SIZE = 50
LARGEST_PAGE = 200


def _text(name: str, max_length: int, **kwargs: object) -> fields.String:
    return fields.String(
        validate=validate.Length(
            min=1, max=max_length, error=f"Enter the {name}, {max_length} characters or fewer"
        ),
        error_messages={"required": f"Enter the {name}", "null": f"Enter the {name}"},
        **kwargs,
    )


class FieldErrorSchema(Schema):
    in_ = fields.String(
        data_key="in",
        required=True,
        metadata={"description": "Where the value was: json (the body), query or header"},
    )
    pointer = fields.String(
        required=True, metadata={"description": "JSON pointer to the value, like /students/3/email"}
    )
    field = fields.String(required=True, allow_none=True)
    row = fields.Integer(
        metadata={"description": "The index of the student in the request (0 first)"}
    )
    detail = fields.String(required=True, metadata={"description": "What to fix"})


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema))


# --- invitations -----------------------------------------------------------------------------


class InvitationSchema(Schema):
    email = _text(
        "email address",
        254,
        required=True,
        metadata={"format": "email", "example": "ada@example.ac.uk"},
    )
    given_name = _text("given name", 100, required=True, metadata={"example": "Ada"})
    family_name = _text("family name", 100, required=True, metadata={"example": "Lovelace"})
    course = _text("course", 200, required=True, metadata={"example": "BSc Computer Science"})
    rqf_level = fields.Integer(
        required=True,
        validate=validate.Range(min=6, max=8, error="rqf_level must be 6, 7 or 8"),
        error_messages={"required": "Enter the rqf_level: 6, 7 or 8"},
        metadata={"description": "6 for a bachelor's degree, 7 for a master's, 8 for a doctorate"},
    )
    expected_graduation = fields.Date(allow_none=True, load_default=None)


class InvitationBatchSchema(Schema):
    students = fields.List(
        fields.Nested(InvitationSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_INVITATIONS),
    )


class InvitationResultSchema(Schema):
    row = fields.Integer(required=True)
    email = fields.String(required=True)
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(("invited", "already_registered")),
        metadata={"description": "already_registered: nobody was invited (nor emailed) again"},
    )


class InvitationOutcomeSchema(Schema):
    invited = fields.Integer(required=True)
    already_registered = fields.Integer(required=True)
    results = fields.List(fields.Nested(InvitationResultSchema), required=True)


# --- reading ---------------------------------------------------------------------------------


class PageQuerySchema(Schema):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "next_cursor from the previous page; leave out for the first"},
    )
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(min=1, max=LARGEST_PAGE))


class StudentQuerySchema(PageQuerySchema):
    stage = fields.String(validate=validate.OneOf(STAGES))
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        metadata={"description": "Only students whose record or progress changed at or after this"},
    )


class StudentSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    given_name = fields.String(required=True, allow_none=True)
    family_name = fields.String(required=True, allow_none=True)
    course = fields.String(required=True, allow_none=True)
    rqf_level = fields.Integer(required=True, allow_none=True)
    expected_graduation = fields.Date(required=True, allow_none=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    updated_at = fields.DateTime(required=True)


class StudentPageSchema(Schema):
    items = fields.List(fields.Nested(StudentSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class RoleSummarySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    sector = fields.String(required=True)


class OrganisationSummarySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class FeedbackScoresSchema(Schema):
    student = fields.Integer(required=True, allow_none=True)
    organisation = fields.Integer(required=True, allow_none=True)


class PlacementSchema(Schema):
    id = fields.Integer(required=True)
    student_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(PLACEMENT_STATUSES))
    role = fields.Nested(RoleSummarySchema, required=True)
    organisation = fields.Nested(OrganisationSummarySchema, required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    confirmed_at = fields.DateTime(required=True)
    started_at = fields.DateTime(required=True, allow_none=True)
    completed_at = fields.DateTime(required=True, allow_none=True)
    withdrawn_at = fields.DateTime(required=True, allow_none=True)
    feedback_scores = fields.Nested(
        FeedbackScoresSchema,
        required=True,
        metadata={"description": "Each side's rating (1 to 5) once given; comments stay private"},
    )


class PlacementPageSchema(Schema):
    items = fields.List(fields.Nested(PlacementSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


SUPPRESSED = ("fewer than 5", "withheld")


class SkillDemandSchema(Schema):
    skill_id = fields.String(required=True)
    skill = fields.String(required=True)
    required_places = fields.Integer(required=True)
    desired_places = fields.Integer(required=True)
    students_holding = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Your sharing students with the skill; null when suppressed"},
    )
    suppressed = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(SUPPRESSED),
        metadata={"description": "Why students_holding is not shown, as in the reports"},
    )


class DemandGroupSchema(Schema):
    sector = fields.String(required=True)
    sector_label = fields.String(required=True)
    quarter = fields.String(required=True, metadata={"example": "2027 Q3"})
    skills = fields.List(fields.Nested(SkillDemandSchema), required=True)


class SkillsDemandSchema(Schema):
    university = fields.String(required=True)
    students_counted = fields.Integer(required=True, allow_none=True)
    students_counted_suppressed = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(SUPPRESSED)
    )
    groups = fields.List(fields.Nested(DemandGroupSchema), required=True)
