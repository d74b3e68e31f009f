"""Reviewing a round at any size: one page of its proposals at a time, filtered, keyset-paginated.

A page is found by seeking past the last row shown (``after``) or before the first (``before``),
never by OFFSET, so page 1,000 costs what page 1 costs. What a round's snapshot says about ranks
is read once per round and process (completed rounds never change) and kept in a small cache; the
ranks of every proposal as it is now, which the rank filters read, are kept per version of the
round's pairs (a swap makes a new one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session, defer, joinedload

from placement.cache import BoundedCache
from placement.models import MatchingRound, Organisation, PlacementRole, Proposal, StudentProfile
from placement.models.rounds import PROPOSAL_STATUSES
from placement.services import equity, rounds, snapshot, versions
from placement.services.versions import counted

PAGE_SIZE = 50
SORTS = ("score", "student", "organisation")
LOCKED_CHOICES = ("yes", "no")
_CACHED_ROUNDS = 4


def _number(text: str | None, low: float = 0.0, high: float = 1.0) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def cursor(text: str | None) -> int | None:
    """A proposal id given as a page position, or None when it is not one."""
    return int(text) if text and text.isdigit() and len(text) <= 12 else None


@dataclass(frozen=True)
class Filters:
    """What the coordinator narrowed the proposals to, read from and written to a query string."""

    status: str = ""
    organisation: str = ""
    sector: str = ""
    borough: str = ""
    score_min: float | None = None
    score_max: float | None = None
    first_choice: bool = False
    not_preferred: bool = False
    locked: str = ""
    sort: str = "score"
    order: str = "desc"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Anything unknown or malformed is ignored, so a bad link still shows a page."""
        get: Callable[[str], str] = lambda name: (args.get(name) or "").strip()  # noqa: E731
        score_max = _number(get("score_max"))
        if score_max is None and get("low"):  # the older "score below" link
            score_max = _number(get("low"))
        return cls(
            status=get("status") if get("status") in PROPOSAL_STATUSES else "",
            organisation=get("organisation")[:160],
            sector=get("sector")[:60],
            borough=get("borough")[:40],
            score_min=_number(get("score_min")),
            score_max=score_max,
            first_choice=get("first_choice") == "1",
            not_preferred=get("not_preferred") == "1",
            locked=get("locked") if get("locked") in LOCKED_CHOICES else "",
            sort=get("sort") if get("sort") in SORTS else "score",
            order="asc" if get("order") == "asc" else "desc",
        )

    @property
    def descending(self) -> bool:
        return self.order == "desc"

    def query_args(self) -> dict[str, str]:
        """The filters that differ from the defaults, as query-string arguments."""
        defaults = Filters()
        found: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value == getattr(defaults, item.name):
                continue
            found[item.name] = "1" if value is True else str(value)
        return found

    @property
    def active(self) -> bool:
        return any(key not in ("sort", "order") for key in self.query_args())


@dataclass
class Page:
    """One page of proposals and where it sits among all those the filters keep."""

    proposals: list[Proposal]
    total: int
    first_position: int
    has_previous: bool
    has_next: bool
    ranks: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.proposals) - 1


@dataclass(frozen=True)
class RoundFacts:
    """What a completed round's stored documents say, read once per round and process.

    Only what never changes once the round is stored: the result's summary, unmatched and
    unfilled, and the snapshot's preference lists. Ranks are worked out from these for the
    proposals as they are now (a coordinator may swap a proposal's role).
    """

    summary: dict[str, Any]
    unmatched: list[tuple[int, str]]
    unfilled: list[tuple[int, int]]
    # Snapshot keys: each student's ranked roles, each role's ranked students, best first.
    student_lists: dict[str, list[str]]
    role_lists: dict[str, list[str]]

    def ranks(self, pairs: Iterable[tuple[int, int]]) -> dict[int, tuple[int | None, int | None]]:
        """Student id -> (their rank of the role proposed, the role's rank of them)."""
        found: dict[int, tuple[int | None, int | None]] = {}
        for student_id, role_id in pairs:
            student, role = snapshot.student_key(student_id), snapshot.role_key(role_id)
            mine = self.student_lists.get(student, [])
            theirs = self.role_lists.get(role, [])
            found[student_id] = (
                mine.index(role) + 1 if role in mine else None,
                theirs.index(student) + 1 if student in theirs else None,
            )
        return found


_facts: BoundedCache[tuple[int, str], RoundFacts] = BoundedCache(_CACHED_ROUNDS)
_summaries: BoundedCache[tuple[int, str], dict[str, Any]] = BoundedCache(64)
_ranks: BoundedCache[tuple[Any, ...], dict[int, tuple[int | None, int | None]]] = BoundedCache(
    _CACHED_ROUNDS
)


def load_round(session: Session, round_id: int) -> MatchingRound | None:
    """The round without its (possibly very large) snapshot and result documents."""
    return session.get(
        MatchingRound,
        round_id,
        options=[defer(MatchingRound.snapshot), defer(MatchingRound.result)],
    )


def proposal_ranks(
    document: dict[str, Any], pairs: list[tuple[int, int]]
) -> dict[int, tuple[int | None, int | None]]:
    """Student id -> (the student's rank of the proposed role, the role's rank of the student)."""
    return RoundFacts({}, [], [], *_lists(document)).ranks(pairs)


def _lists(document: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    return (
        {entry["id"]: entry.get("preferences", []) for entry in document["students"]},
        {entry["id"]: entry.get("preferences", []) for entry in document["roles"]},
    )


def facts(session: Session, matching_round: MatchingRound) -> RoundFacts:
    """The summary, unmatched, unfilled and preference lists of a completed round, cached per
    round (none of them changes once the round is stored)."""

    def build() -> RoundFacts:
        document, result = session.execute(
            select(MatchingRound.snapshot, MatchingRound.result).where(
                MatchingRound.id == matching_round.id
            )
        ).one()
        return RoundFacts(
            rounds.summary(result),
            snapshot.unmatched(result),
            snapshot.unfilled(result),
            *_lists(document),
        )

    return _facts.get(_facts_key(matching_round), build)


def _facts_key(matching_round: MatchingRound) -> tuple[int, str]:
    return (
        matching_round.id,
        f"{matching_round.snapshot_sha256}:{equity.identity(matching_round)}",
    )


def _pairs_version(session: Session, round_id: int) -> tuple[str, ...]:
    """A value that changes whenever a proposal of the round is added, removed or given another
    role (a swap): the student of a proposal never changes, so its role is what ranks read."""
    pairs = counted(
        Proposal,
        func.coalesce(func.sum(Proposal.role_id), 0),
        func.coalesce(func.sum(cast(Proposal.role_id, BigInteger) * Proposal.student_id), 0),
    ).where(Proposal.round_id == round_id)
    return versions.version(session, [pairs])


def _current_ranks(
    session: Session, matching_round: MatchingRound, facts_: RoundFacts
) -> dict[int, tuple[int | None, int | None]]:
    """Every proposal's ranks as the proposals are now, kept per round and version of its pairs
    (the rank filters read them all: 0.2 s for a national round)."""

    def build() -> dict[int, tuple[int | None, int | None]]:
        pairs = session.execute(
            select(Proposal.student_id, Proposal.role_id).where(
                Proposal.round_id == matching_round.id
            )
        )
        return facts_.ranks((student, role) for student, role in pairs)

    key = (
        str(session.get_bind().url),
        _facts_key(matching_round),
        _pairs_version(session, matching_round.id),
    )
    return _ranks.get(key, build)


def summary(session: Session, matching_round: MatchingRound) -> dict[str, Any]:
    """The round's summary (rounds.summary), reading its result document once per process."""
    if matching_round.status != "completed":
        return {}

    def build() -> dict[str, Any]:
        result = session.execute(
            select(MatchingRound.result).where(MatchingRound.id == matching_round.id)
        ).scalar()
        return rounds.summary(result)

    return _summaries.get(equity.identity(matching_round), build)


def clear_cache() -> None:
    _facts.clear()
    _summaries.clear()
    _ranks.clear()


def _sort_key(sort: str) -> ColumnElement[Any]:
    if sort == "student":
        return Proposal.student_id
    if sort == "organisation":
        return func.lower(Organisation.name)
    return Proposal.score


def _in(column: Any, ids: list[int]) -> ColumnElement[bool]:
    # Rendered inline: a national round can name more students than a driver takes parameters.
    return column.in_(bindparam("ids_" + column.key, ids, expanding=True, literal_execute=True))


def _needs_roles(filters: Filters) -> bool:
    return bool(filters.organisation or filters.sector or filters.borough) or (
        filters.sort == "organisation"
    )


def _joined(query: Select[Any], filters: Filters) -> Select[Any]:
    """Join the role and its organisation only when a filter or the sort reads them."""
    if not _needs_roles(filters):
        return query
    return query.join(PlacementRole, Proposal.role_id == PlacementRole.id).join(
        Organisation, PlacementRole.organisation_id == Organisation.id
    )


def _filtered(
    session: Session, matching_round: MatchingRound, filters: Filters, facts_: RoundFacts
) -> Select[Any]:
    query = _joined(select(Proposal.id), filters).where(Proposal.round_id == matching_round.id)
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(Proposal.status == filters.status)
    if filters.organisation:
        escaped = filters.organisation.lower().replace("\\", "\\\\")
        escaped = escaped.replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(Organisation.name).like(f"%{escaped}%", escape="\\"))
    if filters.sector:
        conditions.append(PlacementRole.sector == filters.sector)
    if filters.borough:
        conditions.append(PlacementRole.borough == filters.borough)
    if filters.score_min is not None:
        conditions.append(Proposal.score >= filters.score_min)
    if filters.score_max is not None:
        conditions.append(Proposal.score < filters.score_max)
    if filters.locked:
        conditions.append(Proposal.locked.is_(filters.locked == "yes"))
    if filters.first_choice or filters.not_preferred:
        ranks = _current_ranks(session, matching_round, facts_)
    if filters.first_choice:
        first = sorted(student for student, (mine, _) in ranks.items() if mine == 1)
        conditions.append(_in(Proposal.student_id, first))
    if filters.not_preferred:
        ranked = sorted(student for student, (mine, _) in ranks.items() if mine)
        conditions.append(~_in(Proposal.student_id, ranked))
    return query.where(*conditions)


def _seek(
    query: Select[Any], key: ColumnElement[Any], mark: tuple[Any, int], forwards: bool
) -> Select[Any]:
    """Rows strictly after (or before) ``mark`` in the ascending (key, id) order."""
    if forwards:
        return query.where(or_(key > mark[0], and_(key == mark[0], Proposal.id > mark[1])))
    return query.where(or_(key < mark[0], and_(key == mark[0], Proposal.id < mark[1])))


def _mark(
    session: Session, round_id: int, key: ColumnElement[Any], proposal_id: int, filters: Filters
) -> Any:
    query = _joined(select(key, Proposal.id), filters).where(
        Proposal.round_id == round_id, Proposal.id == proposal_id
    )
    found = session.execute(query).first()
    return tuple(found) if found else None


def page(
    session: Session,
    matching_round: MatchingRound,
    filters: Filters,
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the round's proposals that the filters keep, after or before a proposal."""
    round_facts = facts(session, matching_round)
    key = _sort_key(filters.sort)
    base = _filtered(session, matching_round, filters, round_facts)
    # "Forwards" walks the order shown on screen; descending order is ascending read backwards.
    shown_ascending = not filters.descending
    cursor = after if after is not None else before
    mark = _mark(session, matching_round.id, key, cursor, filters) if cursor is not None else None
    going_back = mark is not None and before is not None and after is None
    query = base
    if mark is not None:
        query = _seek(query, key, mark, forwards=shown_ascending != going_back)
    ascending_fetch = shown_ascending != going_back
    order = (key.asc(), Proposal.id.asc()) if ascending_fetch else (key.desc(), Proposal.id.desc())
    ids = list(session.execute(query.order_by(*order).limit(size)).scalars())
    if going_back:
        ids.reverse()
    if going_back and len(ids) < size:  # ran into the start: show the first page instead
        return page(session, matching_round, filters, size=size)
    proposals = _load(session, ids)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    if not ids:
        return Page([], total, 0, mark is not None, False)
    first_mark = _mark(session, matching_round.id, key, ids[0], filters)
    last_mark = _mark(session, matching_round.id, key, ids[-1], filters)
    earlier = _seek(base, key, first_mark, forwards=not shown_ascending)
    later = _seek(base, key, last_mark, forwards=shown_ascending)
    before_count = session.execute(select(func.count()).select_from(earlier.subquery())).scalar()
    has_next = session.execute(later.limit(1)).first() is not None
    return Page(
        proposals=proposals,
        total=total,
        first_position=(before_count or 0) + 1,
        has_previous=bool(before_count),
        has_next=has_next,
        ranks=round_facts.ranks((p.student_id, p.role_id) for p in proposals),
    )


def _load(session: Session, ids: list[int]) -> list[Proposal]:
    if not ids:
        return []
    found = session.execute(
        select(Proposal)
        .where(Proposal.id.in_(ids))
        .options(
            joinedload(Proposal.student).load_only(
                StudentProfile.given_name, StudentProfile.family_name, StudentProfile.university_id
            ),
            joinedload(Proposal.role).joinedload(PlacementRole.organisation),
        )
    ).scalars()
    by_id = {proposal.id: proposal for proposal in found}
    return [by_id[proposal_id] for proposal_id in ids]


def proposal_ids_in_round(session: Session, round_id: int, ids: list[int]) -> list[int]:
    """The given proposal ids that belong to the round, in the order given."""
    if not ids:
        return []
    own = set(
        session.execute(
            select(Proposal.id).where(Proposal.round_id == round_id, Proposal.id.in_(ids))
        ).scalars()
    )
    return [proposal_id for proposal_id in ids if proposal_id in own]
