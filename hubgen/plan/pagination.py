"""Pagination: a long list split into numbered pages with stable URLs."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list: its items and its neighbours' paths."""

    number: int
    total: int
    items: tuple[Any, ...]
    path: str
    first_path: str
    previous_path: str | None
    next_path: str | None
    item_count: int
    per_page: int = 0

    @property
    def offset(self) -> int:
        """How many items of the list come before this page's first (for numbered lists)."""
        return (self.number - 1) * self.per_page


def page_path(first_path: str, number: int) -> str:
    """Page 1 is the list's own path; page N is `PATH/page/N/` (`/tags/a/page/2/`, and
    `/tags/a/page/2/` too for a list at `/tags/a.html`)."""
    if number == 1:
        return first_path
    folder = first_path if first_path.endswith("/") else posixpath.splitext(first_path)[0] + "/"
    return f"{folder}page/{number}/"


def paginate(items: Sequence[Any], per_page: int, first_path: str) -> list[Pager]:
    """Split `items` into pages of `per_page`; an empty list still has one page."""
    total = max(1, -(-len(items) // per_page))
    pages = []
    for number in range(1, total + 1):
        chunk = tuple(items[(number - 1) * per_page: number * per_page])
        pages.append(Pager(
            number=number, total=total, items=chunk, path=page_path(first_path, number),
            first_path=first_path,
            previous_path=page_path(first_path, number - 1) if number > 1 else None,
            next_path=page_path(first_path, number + 1) if number < total else None,
            item_count=len(items), per_page=per_page,
        ))
    return pages
