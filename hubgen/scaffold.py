"""`hubgen new`: a small complete hub, or one post, page or thread with its front matter."""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from hubgen.build.cache import BuildCache
from hubgen.build.persist import load_cache
from hubgen.build.pipeline import cache_key
from hubgen.build.workers import default_jobs, map_unordered
from hubgen.config import CONFIG_NAME, Config
from hubgen.content.documents import named_by
from hubgen.content.models import Document, Thread
from hubgen.content.slugs import slugify
from hubgen.content.sources import FOLDERS, read_sources
from hubgen.content.themes import default_theme_chain, theme_chain
from hubgen.content.words import Words, read_words
from hubgen.errors import Diagnostics, HubgenError, SourceErrors, UsageError, display_path
from hubgen.library import build_library
from hubgen.plan import plan_site
from hubgen.plan.routes import Route
from hubgen.plan.urls import Urls, output_file

SITE_CONFIG = """\
# hubgen.yaml: the configuration of this hub. Every key is optional but title and url.
# The full list, with defaults: `hubgen schema` prints a JSON Schema your editor can use.

# The hub's name, shown in the header, the <title> of every page and the feeds.
title: {quoted_title}
# Where the hub will live: an absolute URL. A subpath (https://example.com/hub/) is kept in
# every link.
url: https://hub.example.com/
# One sentence about the hub, for the home page, feeds and search engines.
description: Where we talk with the people who use what we make
# The language of the pages (the lang attribute, the theme's words and dates: en, de, fr, es…).
language: en
# Dates written without an offset are read in this IANA timezone.
timezone: UTC
# The default author of posts and feeds.
author: {{name: {quoted_team}, email: hello@example.com}}
# The brand, and the people.yaml keys who speak for it (their replies count as the brand's).
brand: {{name: {quoted_title}, people: [team]}}
# How many posts a list page shows.
paginate: 10
# The main navigation.
menu:
  - {{title: Posts, url: /}}
  - {{title: Conversations, url: /threads/}}
  - {{title: About, url: /about/}}
# Feeds: RSS and Atom, the 20 newest entries, with whole posts.
feeds: {{formats: [rss, atom], limit: 20, full_content: true}}
# Comments under posts and threads: uncomment and fill in one provider. With load: click,
# nothing is requested from the provider until a reader asks.
# comments:
#   provider: giscus
#   load: click
#   giscus: {{repo: org/name, repo_id: R_..., category: Comments, category_id: DIC_...}}
# Free-form values for your templates (site.extra).
extra: {{}}
"""

SITE_PEOPLE = """\
# The people who take part: brand voices (role: brand), moderators and community members.
# Posts name their author by key; thread messages too.
team: {name: The Team, role: brand, bio: "The people who answer here."}
sam: {name: Sam Rivera, role: community, bio: "An early member of the community."}
"""

SITE_POST = """\
---
title: Welcome to the conversation
date: {date}
tags: [community]
author: team
summary: Why this hub exists and how to take part.
---
This hub is where we talk with the people who use what we make: our posts, the best
conversations from around the web, and the people in them.

Read [about the hub](/about/), or follow along with the feed.
"""

SITE_PAGE = """\
---
title: About
summary: What this hub is and how to join in.
---
We publish here, and we keep the best community conversations here too, every voice
credited and linked to where it was said.
"""

SITE_THREAD = """\
# A curated conversation. Message text is community text: it is shown safely, never as HTML.
title: Our first conversation
date: {date}
summary: The first thread kept on this hub.
tags: [community]
source: {{platform: forum, url: "https://forum.example.com/t/welcome/1"}}
status: archived
messages:
  - id: "1"
    author: team
    date: {date}
    text: "Welcome! What would you like to read here?"
    url: "https://forum.example.com/t/welcome/1/1"
  - id: "2"
    author: sam
    date: {later}
    text: "Stories about how things are made, please."
    url: "https://forum.example.com/t/welcome/1/2"
    reply_to: "1"
  - id: "3"
    author: team
    date: {latest}
    text: "Noted: that is what the next post is about."
    url: "https://forum.example.com/t/welcome/1/3"
    reply_to: "2"
"""


class ScaffoldRefused(HubgenError):
    """`hubgen new` would overwrite something."""


def new_site(folder: Path, now: datetime | None = None) -> list[Path]:
    """Write a small, complete hub into an empty (or new) folder; returns the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not empty; hubgen new site needs a new or empty folder")
    moment = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    words = folder.resolve().name.replace("-", " ").replace("_", " ").split()
    title = " ".join(word[:1].upper() + word[1:] for word in words) or "My Hub"
    stamp = moment.strftime("%Y-%m-%d %H:%M")
    files = {
        CONFIG_NAME: SITE_CONFIG.format(quoted_title=json.dumps(title, ensure_ascii=False),
                                        quoted_team=json.dumps(f"{title} Team",
                                                               ensure_ascii=False)),
        "content/people.yaml": SITE_PEOPLE,
        f"content/posts/{moment:%Y-%m-%d}-welcome.md": SITE_POST.format(date=stamp),
        "content/pages/about.md": SITE_PAGE,
        # The conversation ends now: a reply dated later would be in the feeds ahead of time.
        "content/threads/first-conversation.yaml": SITE_THREAD.format(
            date=(moment - timedelta(minutes=9)).isoformat(),
            later=(moment - timedelta(minutes=5)).isoformat(), latest=moment.isoformat()),
    }
    written = []
    try:
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        for empty in ("static", "templates"):
            (folder / empty).mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write a new hub in {folder}: {exc.strerror or exc}; "
                         "choose a folder you can write to") from None
    return written


def _write_new(path: Path, text: str) -> Path:
    """Create a file that must not exist yet (atomically refused when it does)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        if not path.parent.is_dir():
            raise _cannot_write(path, "a file stands where its folder should be") from None
        raise ScaffoldRefused(f"{path} already exists; hubgen new never overwrites. "
                              "Choose another title, or pass --slug.") from None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror or str(exc)) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _cannot_write(path: Path, reason: str) -> UsageError:
    return UsageError(f"cannot write {path}: {reason}")


# A file name stays well under the 255 bytes file systems allow, date and suffix included.
_SLUG_CHARACTERS = 80
_SLUG_BYTES = 180


def _short_slug(slug: str) -> str:
    """The slug, cut at a word's end when it is longer than a file name should be."""
    if len(slug) <= _SLUG_CHARACTERS and len(slug.encode("utf-8")) <= _SLUG_BYTES:
        return slug
    cut = slug[:_SLUG_CHARACTERS]
    while len(cut.encode("utf-8")) > _SLUG_BYTES:
        cut = cut[:-1]
    words = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return words.strip("-")


# What the site makes itself at fixed places, where a page's URL could land.
_GENERATED_FILES = {"index.html", "404.html", "feed.xml", "atom.xml", "sitemap.xml",
                    "robots.txt"}


def _made_by_the_site(output: str, urls: Urls) -> bool:
    """True when `output` is a file the site makes itself even before it has the items that
    fill it: its fixed files, or the lists of threads, tags and people where the
    permalinks put them."""
    made = _GENERATED_FILES | {output_file(urls.index(kind)) for kind in
                               ("thread", "tag", "person")}
    return output.lower() in made


def _cached_sources(config: Config, words: Words) -> BuildCache | None:
    """The sources the last build parsed, when it read them under this very config: what
    a file parses into does not hang on --drafts, --future or --strict, so any of those
    builds will do. Only read: `new` never writes the cache."""
    cache = load_cache(config.resolve(config.cache_dir))
    keys = {cache_key(config, *flags, words)
            for flags in itertools.product((False, True), repeat=3)}
    return cache if cache.config_key in keys else None


def planned_routes(config: Config, now: datetime) -> tuple[dict[str, Route], tuple[Path, ...]]:
    """Every file the hub makes now, drafts and future items included, by its output path
    in lower case (one file on many disks), as the build reads and plans it; and the posts
    and pages whose front matter the build cannot read (they have no URL yet).

    Mistakes in the hub's files are the build's to report.
    """
    diagnostics = Diagnostics()
    try:
        themes = theme_chain(config)
    except SourceErrors:
        themes = default_theme_chain()
    words = read_words(config, themes, Diagnostics())
    sources = read_sources(config, diagnostics, _cached_sources(config, words),
                           mapper=partial(map_unordered, jobs=default_jobs()), bodies=False)
    library = build_library(config, sources, now, include_drafts=True, include_future=True,
                            diagnostics=diagnostics)
    routes: dict[str, Route] = {}
    for route in plan_site(library, Urls(config), themes, diagnostics).routes:
        routes.setdefault(route.output.lower(), route)
    return routes, tuple(document.source for document in sources.unfinished)


def _holder(route: Route, root: Path) -> tuple[str, str]:
    """What holds a planned file, and the slug it has there ('' for none)."""
    item = route.context.get("document") or route.context.get("thread")
    where = display_path(route.source, root) if route.source is not None else ""
    if route.kind == "alias":
        return f"{where} (one of its aliases)", ""
    if isinstance(item, Document | Thread):
        return where, item.slug
    return where, ""


def _refuse_taken_url(kind: str, slug: str, config: Config, moment: datetime) -> None:
    """Refuse a new item whose URL the hub already plans (a post, page, thread, alias,
    static file or list of any kind), or one the site makes itself."""
    urls = Urls(config)
    pattern = getattr(config.permalinks, kind)
    path = urls.permalink(pattern, slug, moment if kind != "page" else None)
    output = output_file(path)
    routes, unreadable = planned_routes(config, moment)
    content = config.root / "content"
    for source in unreadable:   # named by its file until the build can read its slug
        rel_path = source.relative_to(content).as_posix()
        if kind in FOLDERS and rel_path.startswith(f"{FOLDERS[kind]}/") and \
                named_by(rel_path, kind, config.tz)[1] == slug:
            raise ScaffoldRefused(f"{display_path(source, config.root)} (whose front matter "
                                  f"has mistakes: build shows them) is named '{slug}' too; two "
                                  "items cannot share a URL. Choose another title, or pass "
                                  "--slug.")
    taken = routes.get(output.lower())
    if taken is not None and taken.source is not None:
        where, its_slug = _holder(taken, config.root)
        what = f"the slug '{slug}' ({path})" if its_slug == slug else f"the URL {path}"
        raise ScaffoldRefused(f"{where} already has {what}; two items cannot share a URL. "
                              "Choose another title, or pass --slug.")
    if taken is not None or _made_by_the_site(output, urls):
        raise ScaffoldRefused(f"{path} is a page the site makes itself; choose another "
                              "title, or pass --slug.")


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_content(kind: str, title: str, config: Config, slug: str | None = None,
                now: datetime | None = None) -> Path:
    """Write a new post, page or thread with its front matter; returns its path."""
    slug = _short_slug(slugify(slug or title))
    if not slug:
        raise UsageError(f"the title {title!r} makes an empty slug; pass --slug")
    moment = (now or datetime.now(UTC)).astimezone(config.tz).replace(second=0, microsecond=0)
    # A people.yaml key, or nothing: the build reads any other name as an unknown person.
    author = config.brand.people[0] if config.brand.people else ""
    content = config.root / "content"
    _refuse_taken_url(kind, slug, config, moment)
    if kind == "post":
        # With its offset: in the hour a clock repeats when summer time ends, a local time
        # alone is read as the first of the two.
        stamp = moment.isoformat(sep=" ", timespec="minutes")
        lines = ["---", f"title: {_yaml_text(title)}", f"date: {stamp}",
                 "tags: []"]
        if author:
            lines.append(f"author: {_yaml_text(author)}")
        lines += ["summary: \"\"", "draft: true", "---", "", "Write here.", ""]
        return _write_new(content / "posts" / f"{moment:%Y-%m-%d}-{slug}.md", "\n".join(lines))
    if kind == "page":
        lines = ["---", f"title: {_yaml_text(title)}", "summary: \"\"", "---", "",
                 "Write here.", ""]
        return _write_new(content / "pages" / f"{slug}.md", "\n".join(lines))
    if kind == "thread":
        lines = [f"title: {_yaml_text(title)}", f"date: {moment.isoformat()}",
                 "summary: \"\"", "tags: []",
                 "# platform: twitter, mastodon, bluesky, reddit, hackernews, discourse or forum",
                 'source: {platform: mastodon, url: ""}',
                 "status: archived", "draft: true",
                 "# Add messages, or fill this file with `hubgen import PLATFORM export.json`.",
                 "messages: []", ""]
        return _write_new(content / "threads" / f"{slug}.yaml", "\n".join(lines))
    raise UsageError(f"hubgen new makes a site, post, page or thread, not {kind!r}")
