"""Which page gets which comments: the site's `comments:` settings and each page's override."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hubgen.comments.providers import PROVIDERS, Provider, SettingError, contacted_hosts
from hubgen.config import Config
from hubgen.content.models import Document, Thread
from hubgen.content.words import Words
from hubgen.errors import Diagnostics
from hubgen.library import Library
from hubgen.plan.urls import PATH_SAFE, Urls
from hubgen.wording import did_you_mean
from hubgen.yamlfile import MarkedList, MarkedMap

LOADS = ("click", "lazy", "eager")
PLACES = ("posts", "threads", "pages")
SITE_KEYS = ("provider", "load", "on", *PROVIDERS)


@dataclass(frozen=True)
class SiteComments:
    """The site-wide comment settings of hubgen.yaml."""

    provider: str | None = None
    load: str = "click"
    on: frozenset[str] = frozenset({"posts", "threads"})
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # provider → settings


@dataclass(frozen=True)
class PageComments:
    """The comments of one page: the provider, its settings and the page's identity."""

    provider: Provider
    load: str
    settings: dict[str, Any]
    identifier: str     # the page's path, the same on every host ('/posts/x/')
    url: str            # its canonical URL on the site's own host (hubgen.yaml's url)
    title: str
    label: str          # the provider's name as the page's notices say it, in its language

    @property
    def name(self) -> str:
        """The provider's name, which is also its template's name."""
        return self.provider.name

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts loading the comments connects the reader to (the notice names them)."""
        return contacted_hosts(self.provider, self.settings)


class _Checker:
    """Checks provider settings and reports at the right file and place."""

    def __init__(self, path: Path, diagnostics: Diagnostics):
        self.path = path
        self.diagnostics = diagnostics

    def settings(self, provider: Provider, data: Any, position: tuple[int, int],
                 where: str) -> dict[str, Any] | None:
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.diagnostics.error(self.path, *position, f"{where} must be a mapping of settings",
                                   f"{provider.name} takes: {', '.join(provider.settings)}.")
            return None
        marked = data if isinstance(data, MarkedMap) else MarkedMap(data)
        checked: dict[str, Any] = {}
        ok = True
        for key, value in data.items():
            setting = provider.settings.get(str(key))
            if setting is None:
                self.diagnostics.error(
                    self.path, *marked.key_at(key),
                    f"{where} has no setting '{key}'",
                    f"{did_you_mean(str(key), provider.settings, then=' ')}{provider.name} takes: "
                    f"{', '.join(provider.settings)}.")
                ok = False
                continue
            try:
                checked[str(key)] = setting.check(value)
            except SettingError as exc:
                self.diagnostics.error(self.path, *marked.value_at(key), f"{where}.{key} {exc}",
                                       f"e.g. {key}: {setting.example}" if setting.example
                                       else "")
                ok = False
        return checked if ok else None

    def missing(self, provider: Provider, settings: dict[str, Any], position: tuple[int, int],
                where: str, per_page: bool) -> bool:
        absent = [name for name in provider.required() if name not in settings
                  and (per_page or not provider.settings[name].per_page)]
        if absent:
            example = ", ".join(f"{n}: {provider.settings[n].example}" for n in absent)
            self.diagnostics.error(self.path, *position,
                                   f"{where} is missing {', '.join(absent)}",
                                   f"{provider.name} needs {', '.join(provider.required())}; "
                                   f"add e.g. {{{example}}}.")
        return bool(absent)


def _known_provider(name: Any, path: Path, position: tuple[int, int],
                    diagnostics: Diagnostics, site: bool = False) -> bool:
    """Whether `provider:` names a provider hubgen knows; if not, an error at its place."""
    if not isinstance(name, str):
        # A list (`provider: [giscus, mastodon]`) or a mapping: a page shows one provider.
        diagnostics.error(path, *position,
                          f"comments.provider must be the name of one provider, got {name!r}",
                          f"choose one of {', '.join(PROVIDERS)}"
                          + ("; a page may choose another in its front matter, e.g. comments: "
                             "{provider: mastodon, mastodon: {url: ...}}." if site else "."))
        return False
    if name not in PROVIDERS:
        diagnostics.error(path, *position, f"unknown comment provider '{name}'",
                          f"{did_you_mean(name, PROVIDERS, then=' ')}choose one of "
                          f"{', '.join(PROVIDERS)}.")
        return False
    return True


def read_site_comments(config: Config, diagnostics: Diagnostics) -> SiteComments:
    """Check `comments:` of hubgen.yaml; problems go to `diagnostics` with file and line."""
    data = config.comments
    if not data:
        return SiteComments()
    marked = data if isinstance(data, MarkedMap) else MarkedMap(data)
    checker = _Checker(config.path, diagnostics)
    for key in data:
        if key not in SITE_KEYS:
            diagnostics.error(config.path, *marked.key_at(key),
                              f"unknown key '{key}' in 'comments'",
                              f"{did_you_mean(str(key), SITE_KEYS, then=' ')}"
                              "comments takes provider, load, "
                              f"on, and the settings of one of: {', '.join(PROVIDERS)}.")
    provider = data.get("provider")
    if provider is not None and not _known_provider(provider, config.path,
                                                    marked.value_at("provider"), diagnostics,
                                                    site=True):
        provider = None
    load = data.get("load", "click")
    if load not in LOADS:
        diagnostics.error(config.path, *marked.value_at("load"),
                          f"comments.load must be one of {', '.join(LOADS)}, got {load!r}",
                          "click (the default) loads nothing until the reader asks.")
        load = "click"
    places = data.get("on", ["posts", "threads"])
    if isinstance(places, str):
        places = [places]
    if not isinstance(places, list):
        diagnostics.error(config.path, *marked.value_at("on"),
                          f"comments.on must be a list of {', '.join(PLACES)}",
                          "e.g. on: [posts, threads]")
        places = ["posts", "threads"]
    wrong = [index for index, place in enumerate(places) if place not in PLACES]
    for index in wrong:   # each told at its own place in the list
        where = places.item_at(index) if isinstance(places, MarkedList) else \
            marked.value_at("on")
        diagnostics.error(config.path, *where,
                          f"comments.on names {places[index]!r}, which is none of "
                          f"{', '.join(PLACES)}",
                          f"{did_you_mean(str(places[index]), PLACES, then=' ')}"
                          "e.g. on: [posts, threads]")
    if wrong:
        places = ["posts", "threads"]
    settings: dict[str, dict[str, Any]] = {}
    for name, kind in PROVIDERS.items():
        if name in data:
            checked = checker.settings(kind, data[name], marked.value_at(name),
                                       f"comments.{name}")
            if checked is not None:
                settings[name] = checked
    if provider is not None:
        given = data.get(provider)
        written = {str(k): True for k in given} if isinstance(given, dict) else {}
        checker.missing(PROVIDERS[provider], written,
                        marked.value_at(provider) if provider in data
                        else marked.value_at("provider"),
                        f"comments.{provider}", per_page=False)
    return SiteComments(provider, load, frozenset(places), settings)


def _place_of(item: Document | Thread) -> str:
    return {"post": "posts", "page": "pages", "thread": "threads"}[item.kind]


def provider_label(provider: Provider, words: Words) -> str:
    """The provider's name as readers see it: in the site's words when it is words more than
    a name ('Antworten von Mastodon'), else its own ('giscus (GitHub Discussions)')."""
    return words(provider.word) if provider.word else provider.label


def _page_comments(item: Document | Thread, site: SiteComments, urls: Urls, path: str,
                   words: Words, diagnostics: Diagnostics) -> PageComments | None:
    override = item.comments
    if override is False:
        return None
    name = site.provider
    page_settings: dict[str, Any] = {}
    position = item.position_of("comments")
    checker = _Checker(item.source, diagnostics)
    names_a_provider = False
    if isinstance(override, dict):
        marked = override if isinstance(override, MarkedMap) else MarkedMap(override)
        named = [key for key in override if key in PROVIDERS]
        names_a_provider = bool(named) or "provider" in override
        for key in override:
            if key not in PROVIDERS and key != "provider":
                diagnostics.error(item.source, *marked.key_at(key),
                                  f"unknown key '{key}' in 'comments'",
                                  f"{did_you_mean(str(key), PROVIDERS, then=' ')}"
                                  "write comments: false, "
                                  "or settings of a provider, e.g. comments: {mastodon: {url: "
                                  "...}}.")
                return None
        if "provider" in override:
            name = override["provider"]
            if not _known_provider(name, item.source, marked.value_at("provider"),
                                   diagnostics):
                return None
        elif len(named) == 1:
            name = named[0]
        elif len(named) > 1:
            # Which one the page shows would be a guess, and the other settings dropped.
            diagnostics.error(item.source, *marked.key_at(named[1]),
                              f"'comments' holds the settings of {' and '.join(named)}: a page "
                              "shows one provider",
                              f"say which with provider: (e.g. provider: {named[0]}), or keep "
                              "the settings of that one alone.")
            return None
        if name in override:
            checked = checker.settings(PROVIDERS[name], override[name], marked.value_at(name),
                                       f"comments.{name}")
            if checked is None:
                return None
            page_settings = checked
    elif _place_of(item) not in site.on and not (override is True and
                                                 "comments" in item.positions):
        return None     # `comments: true`, written, turns them on where `on:` leaves them off
    if name is None:
        return None
    provider = PROVIDERS[name]
    settings = {**site.settings.get(name, {}), **page_settings}
    absent = [key for key in provider.required() if key not in settings]
    if absent:
        # Without settings of its own, the page only inherits: hubgen.yaml's problems are
        # reported there, and a provider that needs a per-page post (Mastodon, Bluesky)
        # simply has nothing to show on pages that name none.
        if page_settings or names_a_provider:
            checker.missing(provider, settings, position, f"comments.{name}", per_page=True)
        return None
    for key, setting in provider.settings.items():
        if key not in settings and setting.default is not None:
            settings[key] = setting.default
    # The identity URL uses hubgen.yaml's own url, so a preview built with --base-url
    # does not start a second comment thread.
    # It is written as the canonical URL is (percent-encoded): Remark42 keys a page's
    # thread on it, and by default takes it from the address bar.
    declared = urls.config.declared_url or urls.config.url
    return PageComments(provider, site.load, settings, identifier=path,
                        url=declared.rstrip("/") + quote(path, safe=PATH_SAFE),
                        title=item.title, label=provider_label(provider, words))


def plan_comments(library: Library, site: SiteComments, urls: Urls,
                  diagnostics: Diagnostics) -> dict[Path, PageComments]:
    """The comments of every post, page and thread that has them, by source file."""
    planned: dict[Path, PageComments] = {}
    for item in (*library.posts, *library.pages, *library.threads):
        path = urls.thread(item) if isinstance(item, Thread) else urls.document(item)
        comments = _page_comments(item, site, urls, path, library.words, diagnostics)
        if comments is not None:
            planned[item.source] = comments
    return planned
