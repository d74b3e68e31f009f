"""Previous and next links of a keyset page, for the govukPagination macro."""

from __future__ import annotations

from flask import url_for

from placement.services import keyset


def pagination(endpoint: str, found: keyset.KeysetPage, **args: object) -> dict[str, object]:
    """Links to the pages before and after ``found``, keeping ``args`` (a list's filters)."""
    links: dict[str, object] = {}
    if found.previous_before:
        links["previous"] = {"href": url_for(endpoint, before=found.previous_before, **args)}
    if found.next_after:
        links["next"] = {"href": url_for(endpoint, after=found.next_after, **args)}
    return links
