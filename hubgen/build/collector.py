"""The cycle collector during a build: paused while long-lived objects are made, and
kept off what the build holds to its end.

Python's cycle collector walks every object it tracks, again and again as the
objects age. A big hub's build holds a million (the loaded cache, the parsed
sources, the library, the plan) that live to its end and hold no garbage: the walks
cost a third of a no-change rebuild of 10,000 posts, and in forked workers each
walk copies the memory pages it touches. `gc.freeze` sets objects aside from the
walks; everything a build sets aside is handed back at its end.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_open_scopes = 0   # long_lived scopes open in this process

# How many of the objects set aside are the interpreter's own (see interpreter_started).
# Until told, none: anything set aside is taken for a host program's, and left so.
_interpreters_set_aside = 0


def interpreter_started() -> None:
    """Take what is set aside now for the interpreter's own: Python 3.12 sets aside the
    tuples of its built-in types as it starts. Called where nothing else can have set
    anything aside yet (the `hubgen` command's start); a build then sets its own aside,
    and handing them back hands these back too."""
    global _interpreters_set_aside
    _interpreters_set_aside = gc.get_freeze_count()


def _others_set_aside() -> bool:
    """True when something besides the interpreter and hubgen set objects aside."""
    return gc.get_freeze_count() > _interpreters_set_aside


def _hand_back() -> None:
    global _interpreters_set_aside
    gc.unfreeze()
    _interpreters_set_aside = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while many long-lived objects are made at once.

    Loading the cache or fingerprinting every route makes hundreds of thousands of
    objects and no garbage cycles; the collector's passes over them would cost more
    than the work itself. (A whole build must not run without it: Markdown and Jinja
    leave cycles behind.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[Callable[[], None]]:
    """A scope that sets what a build holds to its end aside from the collector.

    Yields a function that sets aside every object alive at the moment it is called
    (`gc.freeze`). Garbage made meanwhile is still collected; everything set aside
    is handed back on the way out. Where objects were set aside by something else
    (a program that embeds hubgen), nothing is: handing ours back would hand back
    theirs too.
    """
    global _open_scopes
    if _others_set_aside() and not _open_scopes:
        yield lambda: None
        return
    _open_scopes += 1
    try:
        yield gc.freeze
    finally:
        _open_scopes -= 1
        if not _open_scopes:
            _hand_back()


@contextmanager
def set_aside_for_workers() -> Iterator[None]:
    """Set what exists aside before workers are forked from this process.

    Their collector then leaves the inherited objects alone, and their memory
    stays shared. Handed back afterwards, unless a build's `long_lived` scope is
    open (it hands everything back at its end) or something else set objects aside.
    """
    if _open_scopes:
        gc.freeze()
        yield
        return
    if _others_set_aside():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        _hand_back()
