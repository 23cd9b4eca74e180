"""Small pieces of wording that hubgen's messages share."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


def plural(count: int, word: str, words: str = "") -> str:
    """A count and its noun: '1 file', '2 files' ('2 replies' when `words` is given)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def some_of(names: Sequence[str], most: int) -> str:
    """The first `most` names, then how many more: 'a, b and 3 more'."""
    more = len(names) - most
    return ", ".join(names[:most]) + (f" and {more} more" if more > 0 else "")


def closest(written: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name most like `written`, if one is like it at all."""
    close = difflib.get_close_matches(written, list(known), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(written: str, known: Iterable[str], otherwise: str = "",
                 cutoff: float = 0.6, then: str = "") -> str:
    """"did you mean 'x'?" and `then` for the known name most like `written`, else
    `otherwise`."""
    name = closest(written, known, cutoff)
    return f"did you mean '{name}'?{then}" if name is not None else otherwise
