"""The theme's words in the site's language: i18n/LANG.yaml of the site, its themes, the default.

A word file maps readable keys to text (`newer_posts: Neuere Beiträge`), or, for a
counted word, to its CLDR plural forms (`messages: {one: "{count} Nachricht", other:
"{count} Nachrichten"}`). For `language: de-AT` the words of de-AT come first, then
de, then en; at each step the site's `i18n/` folder over each theme's, the default
theme's last. A file need hold only the words it changes.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from hubgen.config import Config, canonical_language
from hubgen.content.themes import Theme, default_theme_chain
from hubgen.errors import Diagnostics, SourceErrors
from hubgen.wording import did_you_mean
from hubgen.yamlfile import MarkedMap, read_yaml_file

ENGLISH = "en"
WORDS_FOLDER = "i18n"
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

Word = str | Mapping[str, str]


def language_steps(language: str) -> list[str]:
    """The languages whose words a site in `language` uses, most particular first, as
    BCP 47 writes them: 'de-AT' (or 'DE-at') → ['de-AT', 'de', 'en']."""
    parts = canonical_language(language).split("-")
    steps = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    if ENGLISH not in steps:
        steps.append(ENGLISH)
    return steps


def is_english(language: str) -> bool:
    """Whether `language` is English (any region): its dates keep hubgen's own formats."""
    return language.split("-")[0].lower() == ENGLISH


@lru_cache(maxsize=16)
def babel_locale(language: str) -> Any:
    """Babel's locale for a language tag, else for its language alone ('de' for 'de-XX');
    None when Babel knows neither. Only a site not in English pays for importing Babel."""
    from babel import Locale, UnknownLocaleError
    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def plural_category(language: str, count: float) -> str:
    """The CLDR plural category of `count` in `language` ('one', 'few', 'other'…)."""
    if is_english(language):
        return "one" if count == 1 else "other"
    locale = babel_locale(language)
    rule = locale.plural_form if locale is not None else None
    return rule(count) if rule is not None else ("one" if count == 1 else "other")


def placeholders(text: str) -> set[str]:
    """The `{names}` a text fills in."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set()


@dataclass(frozen=True)
class Words:
    """The words of one site, merged: every key of English, in the site's language where
    a file says it."""

    language: str = ENGLISH
    table: Mapping[str, Word] = field(default_factory=dict)
    english: Mapping[str, Word] = field(default_factory=dict)   # the English words alone
    # The language dates are shown in: the site's when a word file speaks it, else English,
    # as the words are (no page says English words around another language's dates).
    dates_language: str = ENGLISH

    def form(self, key: str, count: float | None = None) -> str:
        """The text of `key`, in the plural form `count` asks for (unfilled)."""
        word = self.table.get(key)
        if word is None:
            word = self.english.get(key, key)
        if isinstance(word, dict):
            category = plural_category(self.language, count if count is not None else 1)
            text = word.get(category)
            if text is None:   # a form the file left out: its 'other'
                text = word.get("other") or next(iter(word.values()), key)
            return text
        return word

    def text(self, key: str, count: float | None = None, **values: Any) -> str:
        """The word `key` with its `{placeholders}` filled in; `count` picks the plural form
        and fills `{count}`."""
        form = self.form(key, count)
        if count is not None:
            values.setdefault("count", count)
        return fill(form, values)

    def __call__(self, key: str, count: float | None = None, **values: Any) -> str:
        return self.text(key, count, **values)


def fill(form: str, values: Mapping[str, Any]) -> str:
    """A text with its `{names}` replaced; a name without a value stays as written."""
    if "{" not in form:
        return form
    # str.format_map, in C: the placeholders were checked to be bare names when the file
    # was read (a format or an attribute is an error there).
    return form.format_map(_Lenient(values))


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def english_words() -> Words:
    """The default theme's English words alone (what a build without a site starts with)."""
    table = _builtin_english()
    return Words(ENGLISH, table, table)


@lru_cache(maxsize=1)
def _builtin_english() -> Mapping[str, Word]:
    path = default_theme_chain()[0].folder / WORDS_FOLDER / f"{ENGLISH}.yaml"
    data = read_yaml_file(path) if path.is_file() else {}
    return {str(k): (dict(v) if isinstance(v, dict) else str(v))
            for k, v in (data or {}).items()}


def words_folders(config: Config, themes: list[Theme]) -> list[Path]:
    """The folders words are read from, the one that wins first: the site's, each theme's."""
    return [config.root / WORDS_FOLDER, *(theme.folder / WORDS_FOLDER for theme in themes)]


def read_words(config: Config, themes: list[Theme], diagnostics: Diagnostics) -> Words:
    """The site's words; mistakes in its files are added to `diagnostics`.

    A language with no file anywhere is one warning (an error with --strict); the
    theme then speaks English, and shows its dates in English too.
    """
    found = [_word_files(folder) for folder in reversed(words_folders(config, themes))]
    steps = language_steps(config.language)
    files: dict[str, list[Path]] = {step: [named[step] for named in found if step in named]
                                    for step in steps}
    read = {path: _read_file(path, diagnostics) for paths in files.values() for path in paths}
    english: dict[str, Word] = {}
    for path in files[ENGLISH]:
        english.update((key, dict(value) if isinstance(value, dict) else value)
                       for key, value in (read[path] or {}).items())
    wrong: set[tuple[Path, str]] = set()   # words told as mistakes: not used as well
    for path in (p for paths in files.values() for p in paths):
        before = len(diagnostics.errors)
        for key in (read[path] or {}):
            _check_word(read[path], key, path, english, diagnostics)
            if len(diagnostics.errors) > before:
                wrong.add((path, key))
                before = len(diagnostics.errors)
    table: dict[str, Word] = {}
    for step in reversed(steps):
        for path in files[step]:
            for key, value in (read[path] or {}).items():
                if key in english and _usable(value) and (path, key) not in wrong:
                    table[key] = dict(value) if isinstance(value, dict) else value
    spoken = is_english(config.language) or any(files[s] for s in steps if s != ENGLISH)
    if not spoken:
        diagnostics.warning(
            config.path, *config.position_of("language"),
            f"the theme has no words in '{config.language}': its pages show English ones",
            f"add i18n/{steps[-2] if len(steps) > 1 else config.language}.yaml beside "
            f"hubgen.yaml with the words of {WORDS_FOLDER}/en.yaml of the default theme in "
            "your language (a file may hold only some; English fills the rest).")
    return Words(config.language, table, english,
                 dates_language=config.language if spoken else ENGLISH)


def _word_files(folder: Path) -> dict[str, Path]:
    """The word files of a folder by the language they name, whatever the case of their
    names ('de-at.yaml' is de-AT's); of two names for one language, the one BCP 47 writes."""
    try:
        paths = sorted(path for path in folder.iterdir()
                       if path.suffix == ".yaml" and path.is_file())
    except OSError:   # no such folder (most sites have none)
        return {}
    named: dict[str, Path] = {}
    for path in paths:
        language = canonical_language(path.stem)
        if language not in named or path.stem == language:
            named[language] = path
    return named


# Word files read, by path, with the stamp (size, modification time) they had: serve
# rebuilds often, and parsing a language's files with their marks takes ~10 ms.
_READ: dict[Path, tuple[tuple[int, int, int, int], Any]] = {}


def _read_file(path: Path, diagnostics: Diagnostics) -> MarkedMap | None:
    try:
        status = path.stat()
        # The inode and change time too: a file replaced by one of the same size and
        # modification time (a checkout, a copy keeping times) is read again.
        stamp = (status.st_size, status.st_mtime_ns, status.st_ino, status.st_ctime_ns)
        known = _READ.get(path)
        if known is not None and known[0] == stamp:
            data = known[1]
        else:
            data = read_yaml_file(path)
            if len(_READ) > 64:
                _READ.clear()
            _READ[path] = (stamp, data)
    except OSError as exc:
        diagnostics.error(path, 0, 0, f"cannot read the file: {exc.strerror}")
        return None
    except SourceErrors as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    if data is None:
        return MarkedMap()
    if not isinstance(data, MarkedMap):
        diagnostics.error(path, 1, 1, "a word file maps keys to words",
                          "write one `key: text` a line, e.g. newer_posts: Newer posts")
        return None
    return data


def _usable(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and "other" in value and \
        all(isinstance(v, str) and k in PLURAL_CATEGORIES for k, v in value.items())


def _allowed(english: Word) -> set[str]:
    forms = english.values() if isinstance(english, dict) else [english]
    names = set().union(*(placeholders(form) for form in forms))
    return names | ({"count"} if isinstance(english, dict) else set())


def _check_word(data: MarkedMap, key: Any, path: Path, english: Mapping[str, Word],
                diagnostics: Diagnostics) -> None:
    """Tell what is wrong with one word of a file: a key English does not know (a warning),
    a value that is neither text nor plural forms, an unknown form or placeholder (errors)."""
    value = data[key]
    written = data.name_of(key)
    if key not in english:
        diagnostics.warning(
            path, *data.key_at(key), f"unknown word '{written}': English has no such key",
            did_you_mean(written, english, "a word of your own templates needs an "
                         "English one too, in i18n/en.yaml."))
        return
    allowed = _allowed(english[key])
    if isinstance(value, MarkedMap):
        if "other" not in value:
            diagnostics.error(path, *data.value_at(key),
                              f"the plural forms of '{written}' have no 'other'",
                              "every language has the form 'other': add it.")
        for category, form in value.items():
            where = value.value_at(category)
            if category not in PLURAL_CATEGORIES:
                diagnostics.error(
                    path, *value.key_at(category),
                    f"unknown plural form '{value.name_of(category)}' of '{written}'",
                    "the plural forms are " + ", ".join(PLURAL_CATEGORIES) + ".")
            elif not isinstance(form, str):
                diagnostics.error(path, *where, f"the form '{category}' of '{written}' "
                                  "is not text", "write the word in quotes.")
            else:
                _check_placeholders(form, allowed, path, where, written, diagnostics)
    elif isinstance(value, str):
        _check_placeholders(value, allowed, path, data.value_at(key), written, diagnostics)
    else:
        diagnostics.error(
            path, *data.value_at(key), f"the word '{written}' is neither text nor plural "
            "forms", "write text (in quotes when it looks like a number or yes/no), or "
            "a mapping of plural forms: {one: ..., other: ...}.")


def _check_placeholders(text: str, allowed: set[str], path: Path, where: tuple[int, int],
                        key: str, diagnostics: Diagnostics) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        diagnostics.error(path, *where, f"a brace of '{key}' is left open",
                          "a placeholder is written {name}; a brace of the text itself is "
                          "written twice: {{ or }}.")
        return
    if any(spec or conversion for _, name, spec, conversion in string.Formatter().parse(text)
           if name is not None):
        diagnostics.error(path, *where, f"a placeholder of '{key}' has a format or conversion",
                          "write a placeholder as the name alone, e.g. {count}.")
        return
    for name in names:
        if name not in allowed:
            known = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            diagnostics.error(path, *where, f"unknown placeholder '{{{name}}}' in '{key}'",
                              f"'{key}' fills in {known}.")
