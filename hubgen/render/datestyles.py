"""Dates in the site's language: named styles ("long", "medium"…) and strftime's names.

English keeps hubgen's own strftime formats (and never imports Babel); another language
gets CLDR's patterns and month and day names through Babel.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from hubgen.content.words import babel_locale, is_english
from hubgen.errors import TemplateMistake
from hubgen.wording import did_you_mean

# Each style as English shows it: the theme's dates come out as they always have.
ENGLISH_STYLES = {
    "long": "%B %-d, %Y",                                 # November 24, 2026
    "medium": "%b %-d, %Y",                               # Nov 24, 2026
    "short": "%-m/%-d/%y",                                # 11/24/26
    "full": "%A, %B %-d, %Y",                             # Tuesday, November 24, 2026
    "day_month": "%A, %B %-d",                            # Tuesday, November 24
    "year": "%Y",                                         # 2026
    "time": "%-I:%M %p %Z",                               # 6:00 PM EST
    "medium_time": "%b %-d, %Y, %-I:%M %p %Z",            # Nov 24, 2026, 6:00 PM EST
    "full_time": "%A, %B %-d, %Y at %-I:%M %p %Z",        # Tuesday, … at 6:00 PM EST
    "time_day_month": "%-I:%M %p %Z on %A, %B %-d",       # 6:00 PM EST on Tuesday, …
}
STYLES = tuple(ENGLISH_STYLES)
# Which date and time make each style in another language: (date, time, how they join).
_CLDR_STYLES: dict[str, tuple[str | None, bool, str]] = {
    "long": ("long", False, ""), "medium": ("medium", False, ""),
    "short": ("short", False, ""), "full": ("full", False, ""),
    "day_month": ("day_month", False, ""), "year": ("year", False, ""),
    "time": (None, True, ""), "medium_time": ("medium", True, "medium"),
    "full_time": ("full", True, "full"), "time_day_month": ("day_month", True, "full"),
}
_NAMED = re.compile(r"%%|%-?[BbAap]")   # '%%' is a percent sign, never a name


def check_format(fmt: str) -> None:
    """Raise TemplateMistake for a format that is neither a style nor holds a strftime
    code: a style misspelt (`date("Long")`), which would print itself for every date."""
    if fmt not in ENGLISH_STYLES and "%" not in fmt:
        raise TemplateMistake(f"date({fmt!r}): no such style, and no strftime code in it",
                              did_you_mean(fmt, STYLES, "the styles are " + ", ".join(STYLES),
                                           then=" Or write strftime codes (\"%B %-d, %Y\")"))


def format_in(value: date, fmt: str, language: str) -> str:
    """`value` (already in the site's timezone) as the style or strftime format `fmt` says,
    in `language`."""
    if fmt in ENGLISH_STYLES:
        if is_english(language):
            return strftime(value, ENGLISH_STYLES[fmt])
        return _cldr(value, fmt, babel_locale(language))
    if not is_english(language) and _NAMED.search(fmt):
        locale = babel_locale(language)
        if locale is not None:
            fmt = _NAMED.sub(lambda m: m[0] if m[0] == "%%" else
                             _name(value, m[0][-1], locale).replace("%", "%%"), fmt)
    return strftime(value, fmt)


def strftime(value: date, fmt: str) -> str:
    """strftime, with %-d, %-I… (no leading zero) on every platform."""
    unpadded = re.sub(r"%%|%-([dHIMmSjy])", lambda m: m[0] if m[0] == "%%" else
                      value.strftime("%" + m[1]).lstrip("0") or "0", fmt)
    return value.strftime(unpadded)


def _name(value: date, code: str, locale: Any) -> str:
    from babel.dates import get_day_names, get_month_names, get_period_names
    if code in "Bb":
        return get_month_names("wide" if code == "B" else "abbreviated",
                               locale=locale)[value.month]
    if code in "Aa":
        return get_day_names("wide" if code == "A" else "abbreviated",
                             locale=locale)[value.weekday()]
    hour = value.hour if isinstance(value, datetime) else 0
    return get_period_names("abbreviated", "format", locale=locale)["am" if hour < 12 else "pm"]


@lru_cache(maxsize=64)
def _day_month_pattern(locale: Any) -> str:
    """The locale's weekday, day and month, both names written out ("Dienstag, 24. November")."""
    from babel.dates import match_skeleton
    skeleton = match_skeleton("MMMMEEEEd", locale.datetime_skeletons) or "MMMMEd"
    pattern = str(locale.datetime_skeletons[skeleton].pattern)
    pattern = re.sub(r"E+", "EEEE", pattern)
    return re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", pattern)


def _cldr(value: date, style: str, locale: Any) -> str:
    if locale is None:
        return strftime(value, ENGLISH_STYLES[style])
    from babel.dates import format_date, format_time
    date_style, with_time, joined = _CLDR_STYLES[style]
    day = ""
    if date_style == "year":
        day = str(value.year)
    elif date_style == "day_month":
        day = format_date(value, _day_month_pattern(locale), locale=locale)
    elif date_style is not None:
        day = format_date(value, date_style, locale=locale)
    if not with_time or not isinstance(value, datetime):
        return day or format_date(value, "long", locale=locale)
    time = format_time(value, str(locale.time_formats["short"].pattern), tzinfo=value.tzinfo,
                       locale=locale)
    zone = _zone(value, locale)
    time = f"{time} {zone}" if zone else time
    if not day:
        return time
    return (str(locale.datetime_formats[joined]).replace("'", "")
            .replace("{0}", time).replace("{1}", day))


def _zone(value: datetime, locale: Any) -> str:
    """The zone's short name in the locale ('MEZ'), else its offset from GMT ('GMT-5')."""
    if value.tzinfo is None:
        return ""
    from babel.dates import format_datetime, get_timezone_gmt
    name = format_datetime(value, "z", tzinfo=value.tzinfo, locale=locale)
    if name[:1] in "+-":
        name = re.sub(r"([+-])0?(\d+):00$", r"\1\2",
                      get_timezone_gmt(value, "long", locale=locale))
    return name
