"""One helper for dates: whatever a file says becomes a timezone-aware datetime.

A date with an offset keeps it; a date without one is read in the site's
timezone; a date-only value is local midnight.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DATE_HINT = ("write a date such as 2026-05-01, 2026-05-01 09:30, "
             "or with an offset 2026-05-01T09:30:00-04:00.")

# A post file named YYYY-MM-DD-slug.md takes its date from its name.
FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


class BadDate(ValueError):
    """A value that cannot be read as a date; carries a hint for the user."""

    def __init__(self, message: str, hint: str = DATE_HINT):
        super().__init__(message)
        self.hint = hint


def localize(moment: datetime, tz: tzinfo) -> datetime:
    """Give a naive datetime the site's timezone; an aware one is kept as it is."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment
    return moment.replace(tzinfo=tz)


# What hubgen may add to a date (a chat's duration, a timezone's offset) must keep it a date.
_MARGIN = timedelta(days=2)


def parse_date(value: object, tz: tzinfo) -> datetime:
    """Read a front-matter or thread date as an aware datetime; raises BadDate."""
    moment = _read_date(value, tz)
    if out_of_range(moment, tz):
        written = value if isinstance(value, str) else moment.isoformat(sep=" ")
        raise BadDate(f"{written!r} is a date out of range", RANGE_HINT)
    if moment.tzinfo is tz:
        # A time the clocks skipped (02:30 as summer time begins) is the moment it names
        # by the offset before the change, shown as the clocks showed it then (03:30).
        moment = moment.astimezone(UTC).astimezone(tz)
    return moment


def without_time(value: object) -> bool:
    """Whether a written date names a day alone, with no time of day (read as midnight)."""
    if isinstance(value, datetime):
        return False
    return isinstance(value, date) or (isinstance(value, str) and len(value.strip()) == 10)


RANGE_HINT = ("write a date from 0001-01-03 to 9999-12-29: hubgen shows each date in UTC "
              "and in the site's timezone, which may move it a day.")


def out_of_range(moment: datetime, tz: tzinfo) -> bool:
    """Whether `moment` is too near the ends of the calendar (year 1, year 9999) to be
    shown in UTC and in the site's timezone, and have a chat's hours added."""
    try:
        for shown_in in (UTC, tz):
            moment.astimezone(shown_in) + _MARGIN - _MARGIN * 2
    except OverflowError:
        return True
    return False


def _read_date(value: object, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return localize(value, tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise _unreal(value, text, str(exc)) from None
        if without_time(value):
            return datetime.combine(parsed.date(), time(0, 0), tzinfo=tz)
        return localize(parsed, tz)
    raise BadDate(f"cannot read {value!r} as a date")


_ONE_DIGIT_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d:\d{2}")


def _unreal(value: str, text: str, problem: str) -> BadDate:
    """What is wrong with a text Python does not read as a date, in the user's words."""
    if _ONE_DIGIT_HOUR.match(text):
        fixed = re.sub(r"([T ])(\d:)", r"\g<1>0\2", text, count=1)
        return BadDate(f"cannot read {value!r} as a date",
                       f"write the hour with two digits: {fixed}.")
    if "isoformat" in problem:   # not written as a date at all
        return BadDate(f"cannot read {value!r} as a date")
    if "offset" in problem:   # +25:00: Python's message speaks of timedeltas
        return BadDate(f"{value!r} has an offset no place has",
                       "an offset runs from -12:00 to +14:00, e.g. 2026-05-01T09:30:00-04:00.")
    if problem.startswith(("hour", "minute", "second")):
        return BadDate(f"{value!r} is not a real time ({problem})",
                       "check the time: hours run from 00 to 23 (midnight is 00:00 of the next "
                       "day), minutes from 00 to 59.")
    # Written as a date, but no such day (2026-02-30).
    return BadDate(f"{value!r} is not a real date ({problem})",
                   "check the month and day, e.g. 2026-02-28.")


def date_from_filename(stem: str, tz: tzinfo) -> tuple[datetime | None, str]:
    """Split a leading `YYYY-MM-DD-` off a file name: (local midnight or None, the rest)."""
    match = FILENAME_DATE.match(stem)
    if not match:
        return None, stem
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, stem
    return datetime.combine(day, time(0, 0), tzinfo=tz), match[4]


def updated_too_early(updated: datetime | None, date: datetime | None,
                      what: str, key: str = "updated") -> tuple[str, str] | None:
    """The warning (message, hint) for an `updated:` (or another `key`: a message's
    `edited:`) earlier than the date of `what` ('post', 'thread', 'message'); None when
    there is none to give."""
    if updated is None or date is None or updated >= date:
        return None
    def shown(moment: datetime) -> str:   # with its offset: the two may differ
        return moment.isoformat(sep=" ", timespec="minutes")
    return (f"'{key}' ({shown(updated)}) is before the {what}'s date ({shown(date)}): "
            "readers and feeds would see it changed before it was published",
            f"set '{key}:' to when it last changed, after its date.")
