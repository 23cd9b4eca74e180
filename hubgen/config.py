"""`hubgen.yaml`: the typed schema, its defaults, and the loader that checks it.

The schema is declared once, as frozen dataclasses below. Each field's type
says how it is checked; a field's `metadata["check"]` adds a rule of its own.
The loader walks the dataclasses, so a key added here is documented, defaulted
and validated in one place.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import string
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from hubgen.errors import Diagnostic, Diagnostics, SourceErrors, UsageError
from hubgen.wording import did_you_mean
from hubgen.yamlfile import DuplicateKeys, MarkedMap, read_yaml_file

CONFIG_NAME = "hubgen.yaml"


class CheckFailed(ValueError):
    """A value broke a field's rule; carries the message, a hint, and the place of the part
    of the value at fault when it is not the value's own."""

    def __init__(self, message: str, hint: str = "", position: tuple[int, int] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.position = position


def web_address(value: str) -> SplitResult:
    """The parts of an absolute http(s) URL with a possible host and port and no user
    name or password (it would be published in every page); raises CheckFailed."""
    try:
        parts = urlsplit(value)
    except ValueError:   # a bracketed host that is no IP address
        raise CheckFailed(f"has no valid host name: {value!r}",
                          "write it in full, e.g. url: https://hub.example.com/") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CheckFailed(f"must be an absolute http(s) URL, got {value!r}",
                          "write it in full, e.g. url: https://hub.example.com/")
    if parts.username is not None or parts.password is not None:
        raise CheckFailed("must not hold a user name or password",
                          "keep only scheme, host and path, e.g. https://x.example/hub/")
    host = parts.hostname or ""
    if parts.netloc.startswith("["):   # an IPv6 address
        valid = ":" in host and re.fullmatch(r"[0-9a-f:.]+", host) is not None
    else:
        valid = re.fullmatch(r"[\w-]+(\.[\w-]+)*\.?", host) is not None
    if not valid:
        raise CheckFailed(f"has no valid host name: {value!r}",
                          "write the host as letters, digits, dots and hyphens, "
                          "e.g. https://hub.example.com/")
    try:
        port = parts.port
    except ValueError:   # not a number, or over 65535
        port = -1
    if port is not None and not 0 < port < 65536:
        raise CheckFailed(f"has an impossible port: {value!r}",
                          "a port is a number from 1 to 65535, e.g. https://x.example:8443/")
    return parts


def absolute_http_url(value: str) -> str:
    """Check a site URL and normalise it to end with '/', its host in lower case (an Atom
    id's host is compared as written); raises CheckFailed."""
    parts = web_address(value)
    if parts.query or parts.fragment:
        raise CheckFailed("must not hold a query or a fragment",
                          "keep only scheme, host and path, e.g. https://x.example/hub/")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _some_text(value: str) -> str:
    # Feeds require a title, and a title of spaces names nothing.
    if not value.strip():
        raise CheckFailed("must not be empty", "name the hub, e.g. title: Acme Conversations")
    return value


LANGUAGE_TAG = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"


# Languages written right to left, by their first subtag, and the scripts that are.
_RIGHT_TO_LEFT_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps",
                                      "sd", "syr", "ug", "ur", "yi"})
_RIGHT_TO_LEFT_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})


def canonical_language(tag: str) -> str:
    """A language tag as BCP 47 writes it: the language in lower case, a script in title
    case, a region in upper case ('DE-at' → 'de-AT', 'az-arab' → 'az-Arab')."""
    language, *subtags = tag.split("-")
    written = [language.lower()]
    extension = False   # after a single letter (u-, x-…) every subtag is lower case
    for subtag in subtags:
        extension = extension or len(subtag) == 1
        if not extension and len(subtag) == 2 and subtag.isalpha():
            written.append(subtag.upper())
        elif not extension and len(subtag) == 4 and subtag.isalpha():
            written.append(subtag.title())
        else:
            written.append(subtag.lower())
    return "-".join(written)


def _language_tag(value: str) -> str:
    if not re.fullmatch(LANGUAGE_TAG, value):
        dashed = value.replace("_", "-")
        raise CheckFailed(f"must be a language tag, got {value!r}",
                          f"did you mean {dashed!r}? A language tag joins its parts with '-'."
                          if re.fullmatch(LANGUAGE_TAG, dashed) else
                          "e.g. language: en, or en-GB, pt-BR, de")
    # Tags are the same in any case: one spelling for the lang attribute, the feeds, Babel
    # and the word files' names.
    return canonical_language(value)


# Names the timezone database answers to that are no place's time: the machine's own
# (localtime), an artefact of the database (Factory, posixrules), or leap-second variants
# (right/…, posix/…) that differ from one machine to another.
_NO_PLACE = re.compile(r"(?i)localtime|factory|posixrules|(right|posix)/.*")


def _iana_timezone(value: str) -> str:
    if _NO_PLACE.fullmatch(value):
        plain = value.split("/", 1)[1] if "/" in value else ""
        raise CheckFailed(f"is no timezone of a place, got {value!r}: what it means depends on "
                          "the machine that builds",
                          f"did you mean {plain!r}?" if plain else
                          "name the place, e.g. Europe/Paris, America/New_York or UTC.")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        offset = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?00)?", value.strip())
        if offset and int(offset[2]) <= (14 if offset[1] == "+" else 12):
            # An offset is no timezone: it would not follow summer time.
            hint = ("name the place, such as Europe/Berlin, so summer time is followed; a "
                    f"fixed offset is Etc/GMT{'-' if offset[1] == '+' else '+'}"
                    f"{int(offset[2])} (its sign is inverted).")
        else:
            hint = did_you_mean(value, sorted(zoneinfo.available_timezones()),
                                "use an IANA name such as Europe/Paris, America/New_York "
                                "or UTC.")
        raise CheckFailed(f"is not a known IANA timezone: {value!r}", hint) from None
    return value


def _at_least(minimum: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if value < minimum:
            raise CheckFailed(f"must be at least {minimum}, got {value}",
                              f"e.g. {max(minimum, 20)}.")
        return value
    return check


def _each_in(*allowed: str) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if value not in allowed:
                raise CheckFailed(f"has an unknown value {value!r}",
                                  f"choose from {', '.join(allowed)}.")
        return values
    return check


def site_path_problem(path: str) -> tuple[str, str] | None:
    """What keeps a site path (an alias, a permalink pattern) from naming a file inside the
    output folder, as a message and a hint; None when nothing does."""
    if not path.startswith("/"):
        return "must start with '/'", "write the path from the site's root, e.g. /old-post/."
    if "\\" in path:
        return "holds '\\'", "separate folders with '/'."
    if any(char in path for char in "?#"):
        return ("holds '?' or '#': a static host serves a file by its path alone",
                "write the path without its query or fragment, e.g. /old-post/.")
    if any(ord(char) < 32 or ord(char) == 127 for char in path):
        return "holds a control character", "write the path with visible characters only."
    parts = path.split("/")[1:]
    if any(part in (".", "..") for part in parts):
        return ("holds '.' or '..' as a folder name, which would lead out of its folder "
                "(hubgen writes only inside the output folder)",
                "write the path as the site shows it, e.g. /about/ rather than /posts/../about/.")
    if "" in parts[:-1]:
        return "holds '//'", "write each folder once, e.g. /old/post/."
    return None


PERMALINK_FIELDS = ("slug", "year", "month", "day")
# A tag's and a thread's page have files beside them (their feeds, page/2/, event.ics),
# so they must be folders.
_FOLDER_PERMALINKS = ("tag", "thread")


# What a pattern's placeholders may become: a dated item's, and an undated one's (a page,
# a tag: its date parts are empty, and the '//' they leave is closed up). Posts and threads
# always have a date.
_DATED_FILL = {"slug": "x", "year": "2026", "month": "01", "day": "02"}
_SAMPLE_FILLS = {"post": (_DATED_FILL,), "thread": (_DATED_FILL,)}
_UNDATED_FILLS = (_DATED_FILL, {"slug": "x", "year": "", "month": "", "day": ""})
_UNDATED_EXAMPLES = {"page": "/{slug}/", "tag": "/tags/{slug}/", "person": "/people/{slug}/"}


def list_index(pattern: str) -> str:
    """The list page of a permalink pattern: the folder before its first placeholder
    ('/tags/{slug}/' → '/tags/')."""
    prefix = pattern.split("{", 1)[0]
    return prefix if prefix.endswith("/") else prefix.rsplit("/", 1)[0] + "/"


# The kinds with a list page of their own at their permalink's folder (posts are listed
# on the home page).
_LISTED_PERMALINKS = {"tag": "tags", "thread": "threads", "person": "people"}


def _permalink(kind: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            fields = [(name, spec, conversion) for _, name, spec, conversion
                      in string.Formatter().parse(value) if name is not None]
        except ValueError:
            raise CheckFailed(f"has a '{{' or '}}' without its partner, got {value!r}",
                              "write each placeholder whole, e.g. {slug}.") from None
        for name, spec, conversion in fields:
            if name not in PERMALINK_FIELDS:
                raise CheckFailed(f"has an unknown placeholder {{{name}}}, got {value!r}",
                                  f"use {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)}.")
            if spec or conversion:
                written = name + (f"!{conversion}" if conversion else "") + \
                    (f":{spec}" if spec else "")
                raise CheckFailed(f"has a placeholder with a format, {{{written}}}, got "
                                  f"{value!r}", f"write it plain, {{{name}}}: hubgen gives "
                                  "{year} four digits, {month} and {day} two.")
        dated = [name for name, _, _ in fields if name in ("year", "month", "day")]
        if dated and kind not in _SAMPLE_FILLS:
            raise CheckFailed(f"has {{{dated[0]}}}, got {value!r}: only posts and threads have "
                              f"a date; {{{dated[0]}}} is for them",
                              f'write it without, e.g. "{_UNDATED_EXAMPLES.get(kind, "/{slug}/")}"')
        for fill in _SAMPLE_FILLS.get(kind, _UNDATED_FILLS):
            path = re.sub("/{2,}", "/", value.format(**fill))
            problem = site_path_problem(path)
            if problem is not None:
                # Said of the pattern, or of what it makes when only that shows the problem.
                shown = f"{value!r}" if site_path_problem(value) else \
                    f"{value!r}, which makes {path!r}"
                raise CheckFailed(f"{problem[0]}, got {shown}", 'e.g. "/posts/{slug}/"')
        if "slug" not in [name for name, _, _ in fields]:
            raise CheckFailed(f"must hold {{slug}}, got {value!r}",
                              'e.g. "/posts/{slug}/" or "/{year}/{month}/{slug}/"')
        if kind in _LISTED_PERMALINKS and list_index(value) == "/":
            listed = _LISTED_PERMALINKS[kind]
            raise CheckFailed(f"puts the list of all {listed} at '/', the home page's "
                              f"address, got {value!r}: the list goes in the folder before "
                              "the first placeholder",
                              f'start it with a folder of its own, e.g. "/{listed}/{{slug}}/" '
                              f'or "/{listed}/{{year}}/{{slug}}/".'
                              if kind == "thread" else
                              f'start it with a folder of its own, e.g. "/{listed}/{{slug}}/".')
        if kind in _FOLDER_PERMALINKS and not value.endswith("/"):
            raise CheckFailed(f"must end with '/', got {value!r}",
                              f"a {kind}'s page is a folder, which holds its feeds too: "
                              f'e.g. "/{kind}s/{{slug}}/".')
        if not value.endswith(("/", ".html", ".htm")):
            raise CheckFailed(f"must end with '/' or '.html', got {value!r}",
                              "a page without either is a file browsers download instead "
                              'of showing: e.g. "/posts/{slug}/" or "/posts/{slug}.html".')
        return value
    return check


def _loadable_extensions(names: tuple[str, ...]) -> tuple[str, ...]:
    import markdown
    for name in names:
        try:
            markdown.Markdown(extensions=[name])
        except Exception as exc:  # Markdown raises whatever the import or the extension raises
            raise CheckFailed(f"cannot load the Markdown extension {name!r} ({exc})",
                              "use a name Python-Markdown knows (e.g. smarty, wikilinks, "
                              "nl2br) or an importable module path; install it with pip.") \
                from None
    return names


def _extension_settings(value: Any) -> dict[str, Any]:
    import markdown
    if not isinstance(value, dict):
        raise CheckFailed(f"must be a mapping of extensions to their settings, got {value!r}",
                          "e.g. {toc: {toc_depth: 2-3}}")
    for name, settings in value.items():
        if not isinstance(settings, dict):
            raise CheckFailed(f"gives {name!r} settings that are not a mapping: {settings!r}",
                              f"e.g. {name}: {{setting: value}}")
        try:
            known = markdown.Markdown().build_extension(str(name), {}).getConfigs()
        except Exception as exc:  # whatever the import or the extension raises
            raise CheckFailed(f"names the Markdown extension {name!r}, which cannot be loaded "
                              f"({exc})", "name one Python-Markdown knows (toc, codehilite, "
                              "smarty…) or an importable module path.") from None
        unknown = [key for key in settings if key not in known]
        if unknown:
            raise CheckFailed(f"gives {name!r} a setting it does not have: {unknown[0]!r}",
                              did_you_mean(str(unknown[0]), known, f"its settings: "
                                           f"{', '.join(sorted(known)) or 'none'}."),
                              _key_place(settings, unknown[0]))
        _try_settings(str(name), settings)
    return value


# Text that sets most extensions to work: a heading, quotes and dashes, a footnote, code.
_SAMPLE_MARKDOWN = ('# A heading\n\nSome "quoted" text -- and a note[^1], `code`.\n\n'
                    "[^1]: The note.\n\n    indented code\n\n```\nfenced code\n```\n")


def _try_settings(name: str, settings: dict[str, Any]) -> None:
    """Use each setting once, on a short sample: Python-Markdown checks a setting's type
    only when it uses it, which would otherwise be in the middle of the build."""
    import markdown
    for key, setting in settings.items():
        try:
            markdown.Markdown(extensions=[name], extension_configs={name: {key: setting}}) \
                .convert(_SAMPLE_MARKDOWN)
        except Exception as exc:  # whatever the extension raises on a value it cannot use
            extension = markdown.Markdown().build_extension(name, {})
            meaning = dict(extension.getConfigInfo()).get(key) or \
                "see the extension's documentation."
            if "default" not in meaning.lower():
                meaning = f"{meaning.rstrip('.')}. Default: {extension.getConfig(key)!r}."
            raise CheckFailed(
                f"gives {name!r} a {key} it cannot use, {setting!r} ({exc})",
                f"{key}: {meaning}",
                settings.value_at(key) if isinstance(settings, MarkedMap) else None) from None


def _key_place(data: dict[str, Any], key: Any) -> tuple[int, int] | None:
    return data.key_at(key) if isinstance(data, MarkedMap) else None


def _check(rule: Callable[[Any], Any]) -> dict[str, Any]:
    return {"check": rule}


def _local_folder(value: str) -> str:
    """A folder of this machine (output, cache_dir), where a leading `~` must name a
    home folder there is; raises CheckFailed."""
    try:
        Path(value).expanduser()
    except RuntimeError:   # pathlib's word for a home folder it cannot find
        user = value[1:].split("/", 1)[0]
        raise CheckFailed(
            f"starts with '~{user}', the home folder of a user this system does not know"
            if user else "starts with '~', the home folder, but the user building has none "
            "(HOME is not set)",
            "write the folder's whole path (e.g. /srv/hub/public), or one relative to the "
            "hub's folder.") from None
    return value


@dataclass(frozen=True)
class AuthorConfig:
    """The default author of the site, used by feeds."""

    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class BrandConfig:
    """The brand and the people.yaml keys who speak for it."""

    name: str = ""
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class PermalinksConfig:
    """URL patterns per kind of page ({slug}, and {year} {month} {day} for dated items)."""

    post: str = field(default="/posts/{slug}/", metadata=_check(_permalink("post")))
    thread: str = field(default="/threads/{slug}/", metadata=_check(_permalink("thread")))
    page: str = field(default="/{slug}/", metadata=_check(_permalink("page")))
    tag: str = field(default="/tags/{slug}/", metadata=_check(_permalink("tag")))
    person: str = field(default="/people/{slug}/", metadata=_check(_permalink("person")))


@dataclass(frozen=True)
class FeedsConfig:
    """Which feeds are made and what they hold."""

    formats: tuple[str, ...] = field(default=("rss", "atom"),
                                     metadata=_check(_each_in("rss", "atom")))
    limit: int = field(default=20, metadata=_check(_at_least(1)))
    full_content: bool = True


@dataclass(frozen=True)
class MarkdownConfig:
    """Extra Python-Markdown extensions and their settings."""

    extensions: tuple[str, ...] = field(default=(), metadata=_check(_loadable_extensions))
    extension_configs: dict[str, Any] = field(default_factory=dict,
                                              metadata=_check(_extension_settings))


@dataclass(frozen=True)
class AvatarsConfig:
    """Whether avatars hosted elsewhere may be shown (each one is a third-party request)."""

    remote: bool = False


@dataclass(frozen=True)
class MenuItem:
    """One link of the site's main navigation."""

    title: str
    url: str


@dataclass(frozen=True)
class Config:
    """The whole of `hubgen.yaml`, checked, with defaults filled in."""

    # A wrong or missing title or url is an error; the stand-in lets the content be read
    # and checked meanwhile (nothing is written).
    title: str = field(metadata={**_check(_some_text), "stand_in": "Untitled hub"})
    url: str = field(metadata={**_check(absolute_http_url),
                               "stand_in": "https://hub.example.invalid/"})
    description: str = ""
    language: str = field(default="en", metadata=_check(_language_tag))
    timezone: str = field(default="UTC", metadata=_check(_iana_timezone))
    author: AuthorConfig = AuthorConfig()
    brand: BrandConfig = BrandConfig()
    theme: str = "default"
    output: str = field(default="public", metadata=_check(_local_folder))
    cache_dir: str = field(default=".hubgen-cache", metadata=_check(_local_folder))
    paginate: int = field(default=10, metadata=_check(_at_least(1)))
    permalinks: PermalinksConfig = PermalinksConfig()
    feeds: FeedsConfig = FeedsConfig()
    comments: dict[str, Any] = field(default_factory=dict)
    markdown: MarkdownConfig = MarkdownConfig()
    avatars: AvatarsConfig = AvatarsConfig()
    publish: dict[str, Any] = field(default_factory=dict)
    menu: tuple[MenuItem, ...] = ()
    copyright: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Where the file was read from; not keys of the file itself.
    path: Path = field(default=Path(CONFIG_NAME), metadata={"internal": True})
    root: Path = field(default=Path("."), metadata={"internal": True})
    # hubgen.yaml's own url, before --base-url: comment systems key their threads on it.
    declared_url: str = field(default="", metadata={"internal": True})
    # Where each key's value was written ('brand.people' → (line, column)), for errors.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False,
                                                  metadata={"internal": True})

    def position_of(self, dotted: str) -> tuple[int, int]:
        """Where a (dotted) key's value stands in the config file; (0, 0) when unknown."""
        return self.positions.get(dotted, (0, 0))

    @property
    def direction(self) -> str:
        """How the site's language is written: 'rtl' (Arabic, Hebrew, Persian, Urdu…) or
        'ltr'. A script subtag decides where there is one ('az-Arab', 'ku-Latn')."""
        language, *subtags = self.language.lower().split("-")
        scripts = [tag for tag in subtags if len(tag) == 4 and tag.isalpha()]
        if scripts:
            return "rtl" if scripts[0] in _RIGHT_TO_LEFT_SCRIPTS else "ltr"
        return "rtl" if language in _RIGHT_TO_LEFT_LANGUAGES else "ltr"

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The site's timezone."""
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of `url`, always starting and ending with '/' (e.g. '/hub/')."""
        return urlsplit(self.url).path

    @property
    def origin(self) -> str:
        """Scheme and host of `url`, without the path (e.g. 'https://x.example')."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def resolve(self, relative: str) -> Path:
        """A path from the config, made absolute against the hub's folder (`~` is the
        home folder, as in a shell)."""
        return (self.root / Path(relative).expanduser()).resolve()


def schema_keys(cls: type) -> list[str]:
    """The keys a section of the schema accepts (internal fields excluded)."""
    return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping"}


def _type_name(kind: Any) -> str:
    if kind in _TYPE_NAMES:
        return _TYPE_NAMES[kind]
    origin = typing.get_origin(kind)
    if origin is tuple:
        return "a list"
    if origin is dict:
        return "a mapping"
    if dataclasses.is_dataclass(kind):
        return "a mapping"
    return str(kind)


class _SchemaReader:
    """Walks the schema dataclasses over a parsed YAML mapping."""

    def __init__(self, path: Path, diagnostics: Diagnostics):
        self.path = path
        self.diagnostics = diagnostics
        self.positions: dict[str, tuple[int, int]] = {}

    def section(self, cls: type, data: Any, position: tuple[int, int], where: str) -> Any:
        if not isinstance(data, dict):
            self.diagnostics.error(self.path, *position,
                                   f"{where or 'the config'} must be a mapping of keys",
                                   f"write it as 'key: value' lines; keys: "
                                   f"{', '.join(schema_keys(cls))}.")
            return None
        marked = data if isinstance(data, MarkedMap) else MarkedMap(data)
        hints = typing.get_type_hints(cls)
        known = schema_keys(cls)
        for key in data:
            if key not in known:
                self._unknown_key(marked.name_of(key), known, marked.key_at(key), where)
        values: dict[str, Any] = {}
        failed = False   # a required key is missing or wrong: no section can be made
        for fld in dataclasses.fields(cls):
            if fld.metadata.get("internal"):
                continue
            dotted = f"{where}.{fld.name}" if where else fld.name
            if fld.name not in data:
                if not _has_default(fld):
                    self.diagnostics.error(self.path, *marked.position if where else (1, 1),
                                           f"missing required key '{dotted}'",
                                           f"add '{fld.name}:' to {where or 'the file'}.")
                    if "stand_in" in fld.metadata:
                        values[fld.name] = fld.metadata["stand_in"]
                    else:
                        failed = True
                continue
            self.positions[dotted] = marked.value_at(fld.name)
            value = self.value(hints[fld.name], data[fld.name], marked.value_at(fld.name), dotted)
            rule = fld.metadata.get("check")
            if value is not _FAILED and rule is not None:
                try:
                    value = rule(value)
                except CheckFailed as exc:
                    self.diagnostics.error(self.path, *(exc.position or marked.value_at(fld.name)),
                                           f"{dotted} {exc.message}", exc.hint)
                    value = _FAILED
            if value is not _FAILED:
                values[fld.name] = value
            elif "stand_in" in fld.metadata:
                values[fld.name] = fld.metadata["stand_in"]
            elif not _has_default(fld):
                failed = True
            # else: the default stands in for the wrong value, so that the content can
            # still be read and checked; the error keeps anything from being written.
        return _FAILED if failed else cls(**values)

    def value(self, kind: Any, value: Any, position: tuple[int, int], dotted: str) -> Any:
        origin = typing.get_origin(kind)
        if dataclasses.is_dataclass(kind):
            result = self.section(kind, value, position, dotted)
            return _FAILED if result is None else result
        if origin is tuple:
            item_kind = typing.get_args(kind)[0]
            if isinstance(value, str) and item_kind is str:
                value = [value]
            if value is None:
                return ()
            if not isinstance(value, list):
                return self._wrong_type(dotted, kind, value, position)
            items = []
            for index, item in enumerate(value):
                item_position = value.item_at(index) if hasattr(value, "item_at") else position
                self.positions[f"{dotted}[{index}]"] = item_position
                items.append(self.value(item_kind, item, item_position, f"{dotted}[{index}]"))
            # Every item is checked, so that all their mistakes are reported at once.
            return _FAILED if any(item is _FAILED for item in items) else tuple(items)
        if origin is dict or kind is dict:
            if value is None:
                return {}
            if not isinstance(value, dict):
                return self._wrong_type(dotted, kind, value, position)
            return value
        if kind is bool:
            if not isinstance(value, bool):
                return self._wrong_type(dotted, kind, value, position)
            return value
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return self._wrong_type(dotted, kind, value, position)
            return value
        if kind is str:
            if isinstance(value, bool) or value is None or isinstance(value, dict | list):
                return self._wrong_type(dotted, kind, value, position)
            return str(value)
        return value

    def _wrong_type(self, dotted: str, kind: Any, value: Any, position: tuple[int, int]) -> Any:
        shown = "nothing" if value is None else repr(value)
        self.diagnostics.error(self.path, *position,
                               f"{dotted} must be {_type_name(kind)}, got {shown}",
                               "write a value after the colon, or remove the line for the "
                               "default." if value is None else
                               _number_hint(value) if kind is int else _type_hint(kind))
        return _FAILED

    def _unknown_key(self, written: str, known: list[str], position: tuple[int, int],
                     where: str) -> None:
        place = f"in '{where}'" if where else "in the config"
        hint = did_you_mean(written, known, f"known keys {place}: {', '.join(known)}; "
                            "free-form data goes under 'extra:'.")
        self.diagnostics.warning(self.path, *position, f"unknown key '{written}' {place}", hint)


def _has_default(fld: dataclasses.Field) -> bool:
    return fld.default is not dataclasses.MISSING or \
        fld.default_factory is not dataclasses.MISSING


def _type_hint(kind: Any) -> str:
    if kind is bool:
        return "write true or false."
    if kind is int:
        return "write a number without quotes, e.g. 10."
    if typing.get_origin(kind) is tuple:
        return "write a list, e.g. [a, b]."
    if dataclasses.is_dataclass(kind) or typing.get_origin(kind) is dict:
        return "write it as a mapping, e.g. {key: value}."
    return "quote the value if it holds special characters."


def _number_hint(value: Any) -> str:
    """How to write a whole number for what was written instead."""
    written = str(value).strip()
    if isinstance(value, str) and re.fullmatch(r"[-+]?0[0-9]+", written):
        return f"write it without the leading zero: {int(written)}."
    if isinstance(value, float) or re.fullmatch(r"[-+]?[0-9_]*\.?[0-9_]*[eE][-+]?[0-9]+",
                                                written):
        return "write a whole number in digits alone, e.g. 10 (no point or exponent)."
    if isinstance(value, str) and re.fullmatch(r"[-+]?[0-9][0-9_]*", written):
        if "_" in written:
            return f"write it without '_': {written.replace('_', '')}."
        return f"write the number without quotes: {written}."
    return "write a number without quotes, e.g. 10."


_FAILED = object()


def find_config(start: Path, explicit: Path | None = None) -> Path:
    """The config file to use: `explicit`, else `hubgen.yaml` in `start`."""
    path = explicit if explicit is not None else start / CONFIG_NAME
    if path.is_symlink() and not path.exists():
        # exists() is False for a link leading round in a loop too: say which it is.
        leads = "leads round in a loop" if _loops(path) else "does not exist (moved or deleted?)"
        raise UsageError(f"{path} is a link to {os.readlink(path)}, which {leads}: point the "
                         "link at the hub's config again, or put the config itself in its "
                         "place")
    if not path.is_file():
        where = f"{path}" if explicit else f"{start.resolve()}"
        hub = None if explicit else _hub_above(start.resolve())
        if hub is not None:
            up = "/".join([".."] * (len(start.resolve().parts) - len(hub.parts)))
            raise UsageError(f"no hubgen config found at {where}; this folder is in the hub "
                             f"at {hub}: run hubgen there (cd {up}) or pass --config "
                             f"{up}/{CONFIG_NAME}")
        other = None if explicit else next(
            (entry.name for entry in sorted(start.iterdir()) if entry.is_file()
             and entry.name.lower() in (CONFIG_NAME, "hubgen.yml")), None)
        if other is not None:
            # A Mac or Windows finds Hubgen.yaml by this name; Linux does not.
            raise UsageError(f"no hubgen config found at {where}: hubgen reads {CONFIG_NAME}, "
                             f"not {other}; rename it {CONFIG_NAME}")
        raise UsageError(f"no hubgen config found at {where}; run hubgen in a hub's folder "
                         "or pass --config FILE")
    return path


def _loops(link: Path) -> bool:
    """Whether following `link` leads round in a loop of links."""
    try:
        os.stat(link)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _hub_above(folder: Path) -> Path | None:
    """The nearest folder above `folder` that holds a hubgen config, if any."""
    return next((parent for parent in folder.parents if (parent / CONFIG_NAME).is_file()),
                None)


def read_config(path: Path, overrides: dict[str, Any] | None = None,
                strict: bool = False) -> tuple[Config | None, list[Diagnostic]]:
    """Read and check `path`, standing in the default for each value in error.

    Returns the config and every diagnostic found. With errors among them, the
    config serves only to read and check the content, never to write a site;
    it is None when the file is no mapping of keys, or a menu item lacks its own.
    `overrides` replace top-level keys before checking (e.g. the CLI's `--base-url`).
    """
    diagnostics = Diagnostics(strict=strict)
    try:
        data = read_yaml_file(path)
    except DuplicateKeys as exc:   # an error; the rest of the file is still checked
        diagnostics.extend(exc.diagnostics)
        data = exc.data
    return _config_of(path, data, overrides, diagnostics)


def stand_in_config(path: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Every default, with stand-ins for title and url, for the hub of the config at `path`
    while that file cannot be read (`hubgen serve` starts with it, and says what is wrong)."""
    config, _ = _config_of(path, MarkedMap(), overrides, Diagnostics())
    assert config is not None   # defaults are always a config
    return config


def _config_of(path: Path, data: Any, overrides: dict[str, Any] | None,
               diagnostics: Diagnostics) -> tuple[Config | None, list[Diagnostic]]:
    if data is None:
        data = MarkedMap()
    declared = data.get("url") if isinstance(data, MarkedMap) else None
    if isinstance(data, MarkedMap) and overrides:
        for key, value in overrides.items():
            data[key] = value
    reader = _SchemaReader(path, diagnostics)
    config = reader.section(Config, data, (1, 1), "")
    if not isinstance(config, Config):
        return None, list(diagnostics)
    try:
        declared_url = absolute_http_url(str(declared)) if declared else config.url
    except CheckFailed:
        declared_url = config.url
    # The hub is the folder the config is in, even when the file is a link to one kept
    # elsewhere (a shared config): its folders are resolved, the file is not.
    root = Path(os.path.realpath(path.absolute().parent))
    config = dataclasses.replace(config, path=root / path.name, root=root,
                                 positions=reader.positions, declared_url=declared_url)
    return config, list(diagnostics)


def load_config(path: Path, overrides: dict[str, Any] | None = None,
                strict: bool = False) -> tuple[Config, list[Diagnostic]]:
    """Read and check `path`; returns the config and its warnings.

    Raises `SourceErrors` carrying every problem found (see `read_config`).
    """
    config, diagnostics = read_config(path, overrides, strict)
    if config is None or any(d.is_error for d in diagnostics):
        raise SourceErrors(diagnostics)
    return config, diagnostics
