"""Keyset (seek) pagination for lists that can grow to national size: never OFFSET at depth.

A page is given by the id of the row just before it (``after``) or just after it (``before``);
the row's sort values are read back from the database, so links carry only an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import Session

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass
class KeysetPage(Generic[T]):
    rows: list[T]
    has_previous: bool
    has_next: bool

    @property
    def previous_before(self) -> int | None:
        return self.rows[0].id if self.rows and self.has_previous else None  # type: ignore[attr-defined]

    @property
    def next_after(self) -> int | None:
        return self.rows[-1].id if self.rows and self.has_next else None  # type: ignore[attr-defined]


def page(
    session: Session,
    query: Select[Any],
    keys: list[ColumnElement[Any]],
    id_column: Any,
    *,
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
    descending: bool = False,
) -> KeysetPage[Any]:
    """One page of ``query``'s entities in (keys..., id) order, ascending or descending."""
    base = query
    row = tuple_(*keys, id_column)
    forwards = [*keys, id_column] if not descending else [k.desc() for k in (*keys, id_column)]
    backwards = [k.desc() for k in (*keys, id_column)] if not descending else [*keys, id_column]
    cursor = after if after is not None else before
    mark = None
    if cursor is not None:
        found = session.execute(
            query.with_only_columns(*keys, id_column).where(id_column == cursor)
        )
        mark = found.first()
    if mark is None:
        rows = list(session.execute(query.order_by(*forwards).limit(size + 1)).scalars())
        return KeysetPage(rows[:size], False, len(rows) > size)
    beyond = row < tuple_(*mark) if descending else row > tuple_(*mark)
    short_of = row > tuple_(*mark) if descending else row < tuple_(*mark)
    if after is not None:
        rows = list(
            session.execute(query.where(beyond).order_by(*forwards).limit(size + 1)).scalars()
        )
        return KeysetPage(rows[:size], True, len(rows) > size)
    rows = list(
        session.execute(query.where(short_of).order_by(*backwards).limit(size + 1)).scalars()
    )
    if len(rows) <= size:  # reached the start: the first page, whole
        return page(session, base, keys, id_column, size=size, descending=descending)
    return KeysetPage(list(reversed(rows[:size])), True, True)
