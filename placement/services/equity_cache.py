"""The equity report, built once per data version in each process.

At national size the report takes about a second to build (every applicant read and grouped eight
ways, each table's small numbers protected), and what it reads changes far less often than
coordinators look at it. It reads student profiles (who applied, their level and university),
equality answers, placements and completed rounds. One aggregate query gives a *data version* that
changes whenever any of those may have changed: how many rows, the sum of their ids (a row added
or deleted), the latest ``updated_at`` of profiles and answers (a field edited: both tables touch
it on every update), the placements counted as placed (a status change moves one in or out: a
placement has no ``updated_at``) and the latest completion of a round. Each process keeps the
reports of the latest few versions, so a report shown is the one a fresh build would give.

As with the open roles' cache, two writes committed out of the order of their timestamps can leave
the latest ``updated_at`` where it was; such a report is replaced by the next change to any of
these tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from placement.cache import BoundedCache
from placement.models import EqualityMonitoring, MatchingRound, Placement, StudentProfile
from placement.services import equity, versions
from placement.services.versions import counted

REPORTS_KEPT = 4

_reports: BoundedCache[tuple[Any, ...], equity.EquityReport] = BoundedCache(REPORTS_KEPT)


def data_version(session: Session) -> tuple[str, ...]:
    """A value that changes whenever what the equity report reads may have changed."""
    queries = (
        counted(StudentProfile, func.max(StudentProfile.updated_at)),
        counted(EqualityMonitoring, func.max(EqualityMonitoring.updated_at)),
        counted(Placement).where(Placement.status.in_(equity.PLACED_STATUSES)),
        counted(Placement),
        counted(MatchingRound, func.max(MatchingRound.completed_at)).where(
            MatchingRound.status == "completed", MatchingRound.result.is_not(None)
        ),
    )
    return versions.version(session, queries)


def report(session: Session, matching_round: MatchingRound | None = None) -> equity.EquityReport:
    """The programme's report, or one round's, as :func:`equity.equity_report` builds it."""
    scope = equity.identity(matching_round) if matching_round else "programme"
    key = (str(session.get_bind().url), scope, data_version(session))

    def build() -> equity.EquityReport:
        population = (
            equity.round_population(session, matching_round)
            if matching_round
            else equity.programme_population(session)
        )
        return equity.equity_report(population)

    return _reports.get(key, build)


def clear() -> None:
    _reports.clear()
