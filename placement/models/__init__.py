"""Typed SQLAlchemy models: one module per part of the service, all re-exported here."""

from placement.models.accounts import (
    ROLES,
    Invitation,
    PasswordResetToken,
    User,
)
from placement.models.audit import AuditEvent
from placement.models.organisations import (
    ORGANISATION_STATUSES,
    ROLE_STATUSES,
    WORK_MODES,
    Organisation,
    OrganisationInterest,
    OrganisationMember,
    PlacementRole,
    RoleSkill,
)
from placement.models.outbox import OUTBOX_STATES, OutboxMessage
from placement.models.placements import (
    OFFER_STATUSES,
    PLACEMENT_STATUSES,
    Feedback,
    Offer,
    Placement,
)
from placement.models.requests import CHANGE_REQUEST_STATUSES, ChangeRequest
from placement.models.rounds import PROPOSAL_STATUSES, ROUND_STATUSES, MatchingRound, Proposal
from placement.models.students import (
    PROFILE_STATUSES,
    EqualityMonitoring,
    Skill,
    StudentPreference,
    StudentProfile,
    StudentSkill,
)
from placement.models.universities import (
    API_SCOPES,
    ApiToken,
    UniversityContact,
    UniversityPartner,
)

__all__ = [
    "API_SCOPES",
    "CHANGE_REQUEST_STATUSES",
    "OFFER_STATUSES",
    "ORGANISATION_STATUSES",
    "OUTBOX_STATES",
    "PLACEMENT_STATUSES",
    "PROFILE_STATUSES",
    "PROPOSAL_STATUSES",
    "ROLES",
    "ROLE_STATUSES",
    "ROUND_STATUSES",
    "WORK_MODES",
    "ApiToken",
    "AuditEvent",
    "ChangeRequest",
    "EqualityMonitoring",
    "Feedback",
    "Invitation",
    "MatchingRound",
    "Offer",
    "Organisation",
    "OrganisationInterest",
    "OrganisationMember",
    "OutboxMessage",
    "PasswordResetToken",
    "Placement",
    "PlacementRole",
    "Proposal",
    "RoleSkill",
    "Skill",
    "StudentPreference",
    "StudentProfile",
    "StudentSkill",
    "UniversityContact",
    "UniversityPartner",
    "User",
]
