"""The theme's words as templates say them: `i18n("key", count=n, name=...)`, and the words
js/comments.js says in the reader's browser."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from hubgen.content.words import Words, english_words
from hubgen.errors import TemplateMistake
from hubgen.seo import script_safe_json
from hubgen.wording import did_you_mean

SCRIPT_WORDS = "js_"   # the keys of the words js/comments.js says
SAID = "_said"   # the filter a template's `i18n("key")` is compiled to (see SaidWords)


class Say:
    """The template global `i18n`: a word of the site's language, its `{placeholders}` filled
    in (text given escaped, Markup as it is), `count=` choosing the plural form."""

    def __init__(self, words: Words):
        self.words = words

    def __call__(self, key: str, count: float | None = None, **values: Any) -> Markup:
        key = str(key)
        if key not in self.words.english:
            # A typo would print the key itself on every page, never meant to be shown.
            raise UnknownWord(key, self.words.english)
        form = self.words.form(key, count)
        if "{" not in form:   # most words fill nothing in: no formatting
            return Markup(escape(form))
        if count is not None:
            values.setdefault("count", count)
        return Markup(escape(form)).format_map(_Kept(values))


class UnknownWord(TemplateMistake):
    """A template's `i18n("key")` naming a word no word file has, with what to do."""

    def __init__(self, key: str, known: Iterable[str]):
        super().__init__(f"i18n({key!r}): no word file has that key", did_you_mean(
            key, known, f"add {key}: ... to i18n/en.yaml beside hubgen.yaml (and to the "
            "word files of your other languages).", then=f" Or add {key} to i18n/en.yaml."))


def words_digest(words: Words) -> str:
    """A digest of the words a template's `i18n("key")` is compiled to (see SaidWords):
    templates compiled with other words are compiled again."""
    said = json.dumps([words.language, words.english, words.table], sort_keys=True)
    return hashlib.blake2b(said.encode(), digest_size=16).hexdigest()


class SaidWords(Extension):
    """Compiles a template's `i18n("key")` (a word and nothing else) as `("key"|_said)`,
    which Jinja works out when compiling (the filter is the environment's `Say`, called
    as `i18n` is with nothing else given): the page holds the word as
    text, where calling `i18n` costs about twenty Python calls, twenty times a page. A
    template that names `i18n` otherwise (sets it, imports it, takes it as a macro's
    argument, calls it with `{% call %}`) is left as written.

    The environment's `_said` filter must be set before a template is compiled."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        if not _only_called(tokens):
            yield from tokens
            return
        at = 0
        while at < len(tokens):
            token = tokens[at]
            if _says_one_word(tokens, at):
                line = token.lineno
                yield Token(line, "lparen", "(")
                yield tokens[at + 2]
                yield Token(line, "pipe", "|")
                yield Token(line, "name", SAID)
                yield Token(line, "rparen", ")")
                at += 4
                continue
            yield token
            at += 1


def _only_called(tokens: list[Token]) -> bool:
    """Whether every `i18n` of a template is the global's call (not `{% macro i18n(…) %}`,
    `{% call i18n(…) %}`, which must stay calls, nor a name set or taken otherwise)."""
    for at, token in enumerate(tokens):
        if token.type == "name" and token.value == "i18n":
            before = tokens[at - 1] if at else None
            if at + 1 >= len(tokens) or tokens[at + 1].type != "lparen" \
                    or (before is not None and before.type == "name"
                        and before.value in ("macro", "call")):
                return False
    return True


def _says_one_word(tokens: list[Token], at: int) -> bool:
    token = tokens[at]
    return (token.type == "name" and token.value == "i18n" and at + 3 < len(tokens)
            and tokens[at + 1].type == "lparen" and tokens[at + 2].type == "string"
            and tokens[at + 3].type == "rparen"
            and (at == 0 or tokens[at - 1].type != "dot"))


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
