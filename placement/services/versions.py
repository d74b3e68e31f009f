"""Data versions: a few aggregates that change whenever what a cached page reads may have changed.

Each cache in the service (the equity report, the skills report, readiness, the open roles) keys
what it keeps on such a version: how many rows, the sum of their ids (a row added or deleted),
and where a table has one the latest ``updated_at`` (a row edited).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def counted(model: Any, *more: Any) -> Select[Any]:
    """How many rows of ``model`` there are and the sum of their ids, with ``more`` aggregates."""
    return select(func.count(model.id), func.coalesce(func.sum(model.id), 0), *more)


def version(session: Session, queries: Iterable[Select[Any]]) -> tuple[str, ...]:
    """Every value of every (one-row) query, as text."""
    return tuple(str(value) for query in queries for value in session.execute(query).one())
