"""The theme's words as templates say them: `i18n("key", count=n, name=...)`, and the words
js/comments.js says in the reader's browser."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from hubgen.content.words import Words, english_words
from hubgen.seo import script_safe_json

SCRIPT_WORDS = "js_"   # the keys of the words js/comments.js says


class Say:
    """The template global `i18n`: a word of the site's language, its `{placeholders}` filled
    in (text given escaped, Markup as it is), `count=` choosing the plural form."""

    def __init__(self, words: Words):
        self.words = words

    def __call__(self, key: str, count: float | None = None, **values: Any) -> Markup:
        form = self.words.form(str(key), count)
        if "{" not in form:   # most words fill nothing in: no formatting on every page
            return Markup(escape(form))
        if count is not None:
            values.setdefault("count", count)
        return Markup(escape(form)).format_map(_Kept(values))


class _Kept(dict):
    def __missing__(self, key: str) -> Markup:
        return Markup("{%s}") % key


def script_words(words: Words) -> Markup:
    """The words js/comments.js says, as JSON for a <script type="application/json">;
    empty when they are the script's own (English, unchanged)."""
    said = _script_words(words)
    if said == _script_words(english_words()):
        return Markup("")
    return Markup(script_safe_json(said))


def _script_words(words: Words) -> dict[str, Any]:
    said: dict[str, Any] = {}
    for key in words.english:
        if key.startswith(SCRIPT_WORDS):
            word = words.table.get(key, words.english[key])
            said[key[len(SCRIPT_WORDS):]] = dict(word) if isinstance(word, Mapping) else word
    return said
