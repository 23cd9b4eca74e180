"""The Jinja environment: site templates over the theme chain, with a `!theme/` escape."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup

from hubgen.config import Config
from hubgen.content.dates import BadDate, parse_date
from hubgen.content.html_links import rewrite_links
from hubgen.content.models import Thread, platform_name
from hubgen.content.sanitize import sanitize_html
from hubgen.content.themes import Theme
from hubgen.content.words import Words, english_words
from hubgen.errors import Diagnostic, undecodable
from hubgen.plan.urls import Urls
from hubgen.render.assets import AssetUrls
from hubgen.render.compiled import template_reads
from hubgen.render.datestyles import check_format, format_in
from hubgen.render.saying import SAID, SaidWords, Say, words_digest
from hubgen.seo import script_safe_json
from hubgen.wording import closest, plural

THEME_PREFIX = "!theme"


class UndecodableTemplate(jinja2.TemplateError):
    """A template that is not UTF-8 text; carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _TemplateFolder(jinja2.FileSystemLoader):
    """One folder of templates, each read as UTF-8."""

    def __init__(self, folder: Path):
        # utf-8-sig: a template saved with a byte order mark (Notepad's "UTF-8 with BOM",
        # VS Code's utf8bom) put U+FEFF into every page where it was included: in <head>,
        # text that ends the head before its styles and meta tags.
        super().__init__(str(folder), encoding="utf-8-sig")

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        """The template's text, its file and a check that it is unchanged; a template that
        is not UTF-8 is an UndecodableTemplate naming its file and first wrong byte."""
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = Path(self.searchpath[0], *split_template_path(template))
            raise UndecodableTemplate(undecodable(path, exc)) from None


def make_loader(site_templates: Path, themes: list[Theme]) -> jinja2.BaseLoader:
    """The site's templates/ first, then each theme.

    `!theme/NAME` is the theme's template, skipping the site's own; `!THEME/NAME`
    is the template of one theme of the chain (for a theme extending its parent).
    """
    theme_loaders = [_TemplateFolder(t.templates) for t in themes if t.templates.is_dir()]
    prefixes: dict[str, jinja2.BaseLoader] = {THEME_PREFIX: jinja2.ChoiceLoader(theme_loaders)}
    # A theme that extends a parent reaches the parent's own templates by name
    # ("!default/post.html"); "!theme/" would lead back to itself.
    for theme in themes:
        prefixes.setdefault(f"!{theme.name}", _TemplateFolder(theme.templates))
    return jinja2.ChoiceLoader([
        _TemplateFolder(site_templates),
        *theme_loaders,
        jinja2.PrefixLoader(prefixes, delimiter="/"),
    ])


def template_folders(loader: jinja2.BaseLoader | None) -> tuple[str, ...]:
    """Every folder a loader serves templates from (the site's, each theme's)."""
    if isinstance(loader, jinja2.FileSystemLoader):
        return tuple(os.path.normpath(folder) for folder in loader.searchpath)
    inner: list[jinja2.BaseLoader] = []
    if isinstance(loader, jinja2.ChoiceLoader):
        inner = list(loader.loaders)
    elif isinstance(loader, jinja2.PrefixLoader):
        inner = list(loader.mapping.values())
    return tuple(dict.fromkeys(f for each in inner for f in template_folders(each)))


def format_date(value: date | None, fmt: str = "%B %-d, %Y", tz: Any = None,
                language: str = "en") -> str:
    """A date shown in the site's timezone and language: `fmt` is a style ("long",
    "medium", "full_time"…: see render/datestyles.py) or strftime codes (%-d is the day
    without zero; %B, %A… say their names in the language).

    A plain date (`launch: 2026-06-01` in `extra:`) is shown as it is, in no timezone.
    Raises TemplateMistake for a `fmt` that is neither a style nor strftime codes, with or
    without a date to show.
    """
    check_format(fmt)
    if value is None or isinstance(value, jinja2.Undefined):
        return ""
    if tz is not None and isinstance(value, datetime):
        value = value.astimezone(tz)
    return format_in(value, fmt, language)


def read_date(value: Any, tz: Any) -> Any:
    """A value a template gives the `date` or `isodate` filter, as a date: text is read
    as front matter's dates are (`"2026-06-01"`, `"2026-06-01 09:30"`, in the site's
    timezone without an offset), as Hugo's time.Format reads a string; anything else is
    given back as it is. Raises ValueError for text that is no date."""
    if not isinstance(value, str):
        return value
    try:
        moment = parse_date(value, tz or UTC)
    except BadDate as exc:
        raise ValueError(f"{value!r} is text, not a date: {exc}; {exc.hint}") from None
    return moment.date() if len(value.strip()) == 10 else moment


class DateFilter:
    """The `date` filter: `format_date` in the site's timezone, each date formatted once.

    A post's date shows on its page, its cards and its feeds' pages alike; the text
    depends only on the instant (turned into the site's timezone) and the format.
    """

    def __init__(self, tz: Any, language: str = "en"):
        self.tz = tz
        self.language = language
        self.known: dict[tuple[Any, ...], str] = {}

    def __call__(self, value: Any, fmt: str = "long") -> str:
        if self.tz is None or not isinstance(value, datetime):
            return format_date(read_date(value, self.tz), fmt, self.tz, self.language)
        # With the offset and fold: Python holds two times of one zone equal by their
        # wall time, even the two 01:30 of the night the clocks go back.
        key = (value, value.utcoffset(), value.fold, fmt)
        text = self.known.get(key)
        if text is None:
            text = self.known[key] = format_date(value, fmt, self.tz, self.language)
        return text


Made = TypeVar("Made")   # what a function given to reading_apart makes


class ListTrackingTemplate(jinja2.Template):
    """A template whose module, made once and kept (a template imported without context,
    a card's macros), counts the lists its top level read, and the assets it linked
    (`{% set logo = asset(...) %}`), for every page that uses it."""

    _module_lists: frozenset[str] = frozenset()
    _module_assets: frozenset[str] = frozenset()

    def _get_default_module(self, ctx: Any = None) -> Any:
        env = self.environment
        assert isinstance(env, SiteEnvironment)
        kept = self._module
        assets = env.asset_urls
        page_assets: set[str] = set()
        if assets is not None:
            page_assets, assets.used = assets.used, set()
        try:
            module, read = env.reading_apart(
                lambda: super(ListTrackingTemplate, self)._get_default_module(ctx))
        finally:
            linked: frozenset[str] = frozenset()
            if assets is not None:
                linked, assets.used = frozenset(assets.used), page_assets
                page_assets |= linked
        if module is self._module:
            if kept is None:   # made now, for this page and the later ones
                self._module_lists, self._module_assets = read, linked
            else:
                env.lists_read |= self._module_lists
                page_assets |= self._module_assets
        return module


class SiteEnvironment(jinja2.Environment):
    """Jinja's Environment, with the site's globals read straight from `globals`.

    Jinja gives each template a ChainMap of its own globals over the environment's,
    and a page copies it, key by key in Python, into every context it makes (the
    page's, each include's): about a fifth of rendering a post page. hubgen never
    gives a template globals of its own, so a template reads the environment's dict,
    and sees the globals the Renderer sets after templates were loaded. Never load
    one with `get_template(name, globals=…)`: Jinja would write them into that dict.
    """

    template_class = ListTrackingTemplate

    def __init__(self, words: Words, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What its templates say, compiled in (see saying.SaidWords), as a digest.
        self.words_digest = words_digest(words)
        # The attributes that give out one of the site's lists, by the type that has them,
        # with the lists (named as in fingerprints.list_texts) whose items they give.
        self.lists_held: dict[type, dict[str, tuple[str, ...]]] = {}
        self.lists_read: set[str] = set()   # the lists the templates read since cleared
        # The page's `asset()`, whose links a kept module's top level made once (Renderer).
        self.asset_urls: AssetUrls | None = None
        self._list_attributes: frozenset[str] = frozenset()
        # The site's items by type: the attributes a list already shows, and the list
        # name under which reading any other counts (see hold_items).
        self._items_shown: dict[type, tuple[frozenset[str], Callable[[Any], str]]] = {}

    def hold_lists(self, held: dict[type, dict[str, tuple[str, ...]]]) -> None:
        """Say which attributes of which types give out the site's lists (see lists_read)."""
        self.lists_held = held
        self._list_attributes = frozenset(name for names in held.values() for name in names)

    def hold_items(self, shown: dict[type, tuple[frozenset[str], Callable[[Any], str]]]
                   ) -> None:
        """Say which attributes of the site's items a list's texts already show: reading
        any other (a listed post's body, say) counts in `lists_read` as reading that item,
        under the name the function given for its type makes of it."""
        self._items_shown = shown

    def reading_apart(self, make: Callable[[], Made]) -> tuple[Made, frozenset[str]]:
        """What `make` returns, and the lists it read (which count for the page too), for
        what is made once and shown again to count them each time."""
        page, self.lists_read = self.lists_read, set()
        try:
            made = make()
        finally:
            read, self.lists_read = frozenset(self.lists_read), page
            page |= read
        return made, read

    def make_globals(self, d: Any = None) -> Any:
        if not d:
            return self.globals
        return super().make_globals(d)

    # Every `a.b` and `a["b"]` of a template, and the `attribute=` of its filters, comes
    # through these two; what a kept module read is counted again by ListTrackingTemplate,
    # what a memoized piece read by the Renderer.
    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute in self._list_attributes:
            self._note_list(obj, attribute)
        held = self._items_shown.get(type(obj))
        if held is not None and attribute not in held[0]:
            self.note_item(obj)
        # Jinja's own, written out: a template's every `a.b` comes here, and a call to
        # super() would add a tenth to it.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):   # Markup too: a key made with {% set %}…{% endset %}
            if argument in self._list_attributes:
                self._note_list(obj, argument)
            held = self._items_shown.get(type(obj))
            if held is not None and argument not in held[0]:
                self.note_item(obj)
        return super().getitem(obj, argument)

    def note_item(self, obj: Any) -> None:
        """Count a read of what a list does not show of `obj`, one of the site's items
        (through a template's `a.b`, or a function that reads it in Python)."""
        held = self._items_shown.get(type(obj))
        if held is not None:
            self.lists_read.add(held[1](obj))

    def _note_list(self, obj: Any, attribute: str) -> None:
        for kind, held in self.lists_held.items():
            if isinstance(obj, kind) and attribute in held:
                self.lists_read.update(held[attribute])


# What a template calls the objects it reads that are not named after their class
# (messages name the others "Document object", "Person object"…).
OBJECT_WORDS = {"SiteView": "site", "MenuLink": "a link of site.menu",
                "BrandConfig": "site.brand", "AuthorConfig": "site.author",
                "FeedLink": "a feed of site.feeds", "PageMeta": "meta", "Route": "route",
                "Pager": "pager"}


class UnknownField(jinja2.UndefinedError):
    """A field printed that one of hubgen's objects does not have, with the nearest it has."""

    def __init__(self, message: str, suggestion: str | None):
        super().__init__(message)
        self.suggestion = suggestion


class PrintedUndefined(jinja2.ChainableUndefined):
    """What a template gets for a name or attribute that does not exist.

    As in Jinja, it may be tested (`{% if document.subtitle %}`), looped over, chained,
    given a `default`, and printed as nothing; but a field that hubgen's own objects
    (a post, a thread, a person, the site, a menu link…) do not have, printed, is an
    error naming it, as Hugo's unknown fields are: `{{ document.titel }}` is a typo,
    never meant empty. Free-form data (`extra`, a mapping) stays free-form.
    """

    __slots__ = ()

    def __str__(self) -> str:
        held = self._undefined_obj
        if is_hubgen_object(held):
            name = str(self._undefined_name)
            raise UnknownField(self._undefined_message, closest(name, fields_of(held)))
        return ""

    @property
    def _undefined_message(self) -> str:
        held = self._undefined_obj
        if not self._undefined_hint and is_hubgen_object(held):
            what = OBJECT_WORDS.get(type(held).__name__, f"{type(held).__name__} object")
            return f"{what!r} has no attribute {self._undefined_name!r}"
        return super()._undefined_message


def is_hubgen_object(value: Any) -> bool:
    """Whether `value` is one of hubgen's own objects with fixed fields (a Document, the
    `site`, a menu link), not free-form data such as `extra`."""
    return (type(value).__module__.startswith("hubgen.")
            and not isinstance(value, Mapping | list | tuple | str))


def fields_of(value: Any) -> list[str]:
    """The fields a template may read of one of hubgen's objects (not its methods)."""
    kind = type(value)
    return [name for name in dir(value)
            if not name.startswith("_") and not callable(getattr(kind, name, None))]


def make_environment(config: Config, themes: list[Theme],
                     bytecode_cache: jinja2.BytecodeCache | None = None,
                     words: Words | None = None) -> SiteEnvironment:
    """A Jinja environment for one site, whose templates say `words` (English when none
    are given), in `i18n`, the dates and platform names; the other globals are added by
    the Renderer."""
    words = words if words is not None else english_words()
    env = SiteEnvironment(
        words,
        bytecode_cache=bytecode_cache,
        cache_size=-1,   # a dict, without the LRU's lock: one environment serves one build
        loader=make_loader(config.root / "templates", themes),
        # Whatever a template is named (a partial.njk, an icon.svg), what it prints lands
        # in an HTML page: a name chosen by a file's suffix would print community text raw.
        autoescape=True,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,   # one environment per build: templates cannot change within it
        undefined=PrintedUndefined,
        extensions=[SaidWords],
    )
    say = Say(words)
    env.globals["i18n"] = say
    env.filters[SAID] = say   # the same, worked out when compiling (see SaidWords)
    env.filters["date"] = DateFilter(config.tz, words.dates_language)
    env.filters["isodate"] = lambda value: read_date(value, config.tz).isoformat() \
        if value else ""
    env.filters["jsonld"] = lambda data: Markup(script_safe_json(data))
    env.filters["platform_name"] = PlatformNames(words)
    env.filters["plural"] = plural   # {{ n|plural("message") }}: '1 message', '2 messages'
    # A stable colour (0-5) per name for initials badges.
    env.filters["hue"] = lambda name: sum(map(ord, str(name))) % 6
    env.filters["linked_from"] = _LinkedFrom(Urls(config))
    return env


class PlatformNames:
    """The `platform_name` filter: 'hackernews' → 'Hacker News'; the one name that is a
    word, the forum's, in the site's language."""

    def __init__(self, words: Words):
        self.words = words

    def __call__(self, platform: str) -> str:
        if platform == "forum":
            return self.words("platform_the_forum")
        return platform_name(platform)


class _LinkedFrom:
    """`{{ node.message.html|linked_from(thread) }}`: community text shown away from its
    thread's page (an embed, a person's page), its relative links ('notes/', '#m-2')
    resolved as they are on that page."""

    def __init__(self, urls: Urls):
        self.urls = urls

    def __call__(self, html: str, thread: Thread) -> Markup:
        page = self.urls.url(self.urls.thread(thread))
        # Cleaned again, as it is marked safe: a template may hand it `message.text`, or
        # other text of the thread's that no one cleaned (the message's HTML stays as it is).
        return Markup(rewrite_links(sanitize_html(str(html)), lambda link: urljoin(page, link)))


def reads_only_globals(env: jinja2.Environment, name: str) -> bool:
    """Whether template `name`, and every template it imports or includes, reads no
    variable but the environment's globals (its macros' own arguments aside).

    False when it cannot tell: a template it names by an expression, or one that does
    not parse (rendering it reports the problem).
    """
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            reads = template_reads(env, current)
        except jinja2.TemplateError:
            return False
        if not reads.variables <= env.globals.keys():
            return False
        for referenced in reads.templates:
            if referenced is None:
                return False
            pending.append(referenced)
    return True


def preload(env: jinja2.Environment) -> None:
    """Compile every template the site and its themes hold, under its plain name.

    Workers forked afterwards inherit them compiled, instead of each compiling its
    own. A template that does not compile is left for the page that uses it to
    report, with its place.
    """
    for name in env.list_templates():
        if not name.startswith("!"):   # "!theme/…" names the same files again
            # Anything: a syntax error, a RecursionError on deep nesting (an unused
            # template's problem is no build's).
            with contextlib.suppress(Exception):
                env.get_template(name)
