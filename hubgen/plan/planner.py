"""The planner: from the Library to the list of routes that make up the site."""

from __future__ import annotations

import os
import unicodedata
from datetime import datetime
from pathlib import Path

from hubgen.config import Config
from hubgen.content.models import Document, Person, Thread
from hubgen.content.slugs import NAME_MAX, name_bytes, too_long_for_a_name
from hubgen.content.sources import (
    MARKDOWN_SUFFIXES,
    VERSION_CONTROL,
    is_leftover,
    unsynced_warning,
)
from hubgen.content.themes import Theme
from hubgen.content.words import Words, english_words
from hubgen.errors import Diagnostics
from hubgen.library import Item, Library
from hubgen.plan.pagination import paginate
from hubgen.plan.routes import MANIFEST_NAME, Route, SitePlan
from hubgen.plan.urls import Urls, is_plain_relative

FEED_FILES = {"rss": "feed.xml", "atom": "atom.xml"}
# Publish targets whose hosts read `_headers` and `_redirects` from the deployed folder.
HOST_FILE_TYPES = ("netlify", "cloudflare")
HOST_FILES = ("/_headers", "/_redirects")
# A person's page lists this many of their posts (the newest as cards, the rest as a
# compact list), then goes on to /people/KEY/page/2/.
PERSON_POSTS_PER_PAGE = 100
# /people/ lists this many, the team first, then goes on to /people/page/2/.
PEOPLE_PER_PAGE = 120
_ROLE_ORDER = {"brand": 0, "moderator": 1, "community": 2}
# What to do of an alias whose URL another item needs.
_ALIAS_HINT = "remove it from 'aliases', or change it to the old URL it stands for."


def tag_feed_title(config: Config, tag_name: str) -> str:
    """The title of a tag's feeds."""
    return f"{config.title}: {tag_name}"


def threads_feed_title(config: Config, words: Words | None = None) -> str:
    """The title of the feeds of all conversations."""
    return (words or english_words())("conversations_feed", site=config.title)


def thread_feed_title(config: Config, thread_title: str) -> str:
    """The title of the feeds of one conversation's messages."""
    return f"{thread_title} · {config.title}"


def _is_static_junk(relative: Path) -> bool:
    return any(part in VERSION_CONTROL or is_leftover(part) for part in relative.parts)


def static_files(folders: list[Path], diagnostics: Diagnostics | None = None) -> dict[str, Path]:
    """Site path → file for every static file; later folders override earlier ones. A link
    that is not published (to nothing, to a folder, out of the folder) is a warning in
    `diagnostics`, when given."""
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        real_folder = folder.resolve()
        own: dict[str, Path] = {}
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            unsynced = unsynced_warning(relative.name)
            if unsynced is not None or _is_static_junk(relative):
                if diagnostics is not None and unsynced and not is_leftover(relative.name):
                    diagnostics.warning(path, 0, 0, *unsynced)
                continue
            if path.is_symlink() and diagnostics is not None:
                left_out = _link_left_out(path, real_folder)
                if left_out:
                    diagnostics.warning(path, 0, 0, *left_out)
            # A link that leads out of the static folder is not published: nothing outside
            # the hub's folders goes out by a link.
            if not path.is_file() or \
                    not Path(os.path.realpath(path)).is_relative_to(real_folder):
                continue
            # Published under the name as a keyboard types it (NFC): a file named on a Mac
            # may store é as e and an accent (NFD), which a link typed as é never reaches
            # on a web server, nor in serve.
            site_path = "/" + unicodedata.normalize("NFC", relative.as_posix())
            if site_path in own and diagnostics is not None:
                diagnostics.error(path, 0, 0, f"two files have the URL {site_path}: "
                                  f"{own[site_path].name} and {path.name}",
                                  "their names differ only in how their accented letters are "
                                  "stored (Unicode NFC and NFD, as copies from macOS may be): "
                                  "keep one of them.")
            own[site_path] = found[site_path] = path
    return found


def _link_left_out(link: Path, real_folder: Path) -> tuple[str, str] | None:
    """Why a link in a static folder is not published (the message and the hint), or None
    when it is."""
    try:
        target = Path(os.path.realpath(link))   # a loop is no error here, as resolve()'s is
    except OSError:   # no longer there, or not to be read
        return None
    if not target.exists():
        return (f"{link.name} is a link to {os.readlink(link)}, which does not exist (or "
                "leads round in a loop); it is not published",
                "point it at the file, or remove it.")
    if target.is_dir():
        # Python's walk does not go into a linked folder (it may lead back up the tree).
        return (f"{link.name} is a link to a folder ({target}), which is not followed inside "
                "a static folder: nothing in it is published",
                "copy the folder in, or make the static folder itself the link.")
    if not target.is_relative_to(real_folder):
        return (f"{link.name} is a link to {target}, outside the static folder; it is not "
                "published", "copy the file in: a link out is not followed, so that nothing "
                "outside the hub's folders is published by mistake.")
    return None


def bundle_files(folder: Path) -> dict[str, Path]:
    """The files of a page bundle's folder but its Markdown (each of those is a post or a
    page of its own) and another bundle's folder in it (that one publishes its own, or,
    a draft, none), by path relative to it: published beside the page, where its relative
    links (![A photo](photo.jpg)) lead."""
    nested = [path.parent for path in folder.rglob("index.*")
              if path.parent != folder and path.name.lower().endswith(MARKDOWN_SUFFIXES)]
    return {path.lstrip("/"): file for path, file in static_files([folder]).items()
            if not file.name.lower().endswith(MARKDOWN_SUFFIXES)
            and not any(part.startswith(("_", ".")) for part in Path(path).parts)
            and not any(file.is_relative_to(inner) for inner in nested)}


def static_folders(themes: list[Theme], site_root: Path) -> list[Path]:
    """Static folders from the farthest parent theme to the site's own `static/`."""
    return [theme.static for theme in reversed(themes)] + [site_root / "static"]


def _newest(items: tuple[Item, ...] | list[Item]) -> datetime | None:
    dates = [i.lastmod for i in items if i.lastmod is not None]
    return max(dates) if dates else None


def _feed_routes(library: Library, first_path: str, title: str, items: tuple[Item, ...],
                 html_path: str, **context: object) -> list[Route]:
    config = library.config
    chosen = tuple(i for i in items if i.kind != "page")[: config.feeds.limit]
    return [Route(path=first_path + FEED_FILES[fmt], kind="feed", feed_format=fmt, title=title,
                  context={"items": chosen, "html_path": html_path, **context},
                  lastmod=_newest(chosen) or context.get("lastmod"))  # type: ignore[arg-type]
            for fmt in config.feeds.formats]


def _listing_routes(library: Library, first_path: str, template: str, title: str,
                    items: tuple[Item, ...], **context: object) -> list[Route]:
    return [Route(path=pager.path, kind="html", template=template, title=title,
                  context={"pager": pager, "items": pager.items, **context},
                  lastmod=_newest(pager.items), in_sitemap=bool(items))
            for pager in paginate(items, library.config.paginate, first_path)]


def _thread_routes(library: Library, urls: Urls) -> list[Route]:
    config = library.config
    index = urls.index("thread")
    routes = _listing_routes(library, index, "threads.html", library.words("conversations"),
                             library.threads)
    routes += _feed_routes(library, index, threads_feed_title(config, library.words),
                           library.threads, index)
    for thread in library.threads:
        path = urls.thread(thread)
        conversation = library.conversation(thread)
        routes.append(Route(path=path, kind="html", template="thread.html", title=thread.title,
                            context={"thread": thread, "conversation": conversation},
                            source=thread.source, lastmod=thread.lastmod, in_sitemap=True))
        if thread.status == "upcoming":
            routes.append(Route(path=path + "event.ics", kind="ics", title=thread.title,
                                context={"thread": thread}, source=thread.source))
        routes += [Route(path=path + FEED_FILES[fmt], kind="feed", feed_format=fmt,
                         title=thread_feed_title(config, thread.title),
                         context={"thread": thread, "conversation": conversation,
                                  "html_path": path},
                         source=thread.source, lastmod=thread.lastmod)
                   for fmt in config.feeds.formats]
    return routes


def _people_routes(library: Library, urls: Urls) -> list[Route]:
    routes = []
    for person in library.visible_people:
        contributions = library.contributions_of(person)
        # A prolific voice's posts run over several pages; what they said in the
        # conversations stands on the first.
        for pager in paginate(library.posts_by(person), PERSON_POSTS_PER_PAGE,
                              urls.person(person)):
            said = contributions if pager.number == 1 else ()
            dates = [p.lastmod for p in pager.items if p.lastmod] + \
                [c.node.message.date for c in said if c.node.message.date]
            routes.append(Route(path=pager.path, kind="html", template="person.html",
                                title=person.name,
                                context={"person": person, "posts": pager.items,
                                         "pager": pager, "contributions": said},
                                source=person.source, lastmod=max(dates) if dates else None,
                                in_sitemap=True))
    newest = {}
    for route in routes:
        person = route.context["person"]
        if route.lastmod is not None and (person.key not in newest
                                          or route.lastmod > newest[person.key]):
            newest[person.key] = route.lastmod
    # The team and the moderators first: a big community goes on over the later pages.
    listed = sorted(library.visible_people, key=lambda p: _ROLE_ORDER.get(p.role, 3))
    for pager in reversed(paginate(listed, PEOPLE_PER_PAGE, urls.index("person"))):
        dates = [newest[p.key] for p in pager.items if p.key in newest]
        routes.insert(0, Route(path=pager.path, kind="html", template="people.html",
                               title=library.words("people"),
                               context={"people": pager.items, "pager": pager},
                               lastmod=max(dates) if dates else None,
                               in_sitemap=bool(pager.items)))
    return routes


def host_file_hosts(config: Config) -> tuple[str, ...]:
    """The hosts among the `publish:` targets that read `_headers` and `_redirects`."""
    targets = config.publish.values() if isinstance(config.publish, dict) else ()
    return tuple(sorted({t["type"] for t in targets
                         if isinstance(t, dict) and t.get("type") in HOST_FILE_TYPES}))


def plan_site(library: Library, urls: Urls, themes: list[Theme],
              diagnostics: Diagnostics) -> SitePlan:
    """Every route of the site. Two routes with one path are an error naming both sources."""
    config = library.config
    routes: list[Route] = []

    for pager in paginate(library.posts, config.paginate, "/"):
        routes.append(Route(path=pager.path, kind="html", template="index.html",
                            title=config.title,
                            context={"pager": pager, "items": pager.items},
                            lastmod=_newest(pager.items) if pager.number > 1
                            else library.newest_date,
                            in_sitemap=True))

    posts = library.posts
    for index, post in enumerate(posts):
        neighbours = {"newer": posts[index - 1] if index > 0 else None,
                      "older": posts[index + 1] if index + 1 < len(posts) else None}
        routes.append(Route(path=urls.document(post), kind="html",
                            template=post.template or "post.html", title=post.title,
                            context={"document": post, **neighbours}, source=post.source,
                            lastmod=post.lastmod, in_sitemap=True))
    for page in library.pages:
        routes.append(Route(path=urls.document(page), kind="html",
                            template=page.template or "page.html", title=page.title,
                            context={"document": page}, source=page.source,
                            lastmod=page.lastmod, in_sitemap=True))

    routes += _thread_routes(library, urls)
    routes += _people_routes(library, urls)

    routes.append(Route(path=urls.index("tag"), kind="html", template="tags.html",
                         title=library.words("tags"),
                        context={"tags": tuple(library.tags.values())},
                        lastmod=library.newest_date, in_sitemap=bool(library.tags)))
    for tag in library.tags.values():
        first = urls.tag(tag.slug)
        routes += _listing_routes(library, first, "tag.html", tag.name, tag.items, tag=tag)
        routes += _feed_routes(library, first, tag_feed_title(config, tag.name), tag.items,
                               first)

    routes += _feed_routes(library, "/", config.title, library.posts, "/")
    for document in library.documents:
        target = urls.document(document)
        for index, alias in enumerate(document.aliases):
            path = _alias_path(alias)
            routes.append(Route(path=path, kind="alias", title=document.title,
                                context={"target": target, "alias": alias},
                                source=document.source,
                                position=document.positions.get(f"aliases[{index}]")
                                or document.position_of("aliases")))
    routes.append(Route(path="/404.html", kind="html", template="404.html",
                        title=library.words("page_not_found")))
    routes.append(Route(path="/sitemap.xml", kind="sitemap"))
    statics = static_files(static_folders(themes, config.root), diagnostics)
    if "/robots.txt" not in statics:   # a robots.txt of the site's (or theme's) own wins
        routes.append(Route(path="/robots.txt", kind="robots"))

    for path, file in statics.items():
        if path.lower() == "/" + MANIFEST_NAME:
            diagnostics.error(file, 0, 0, f"{path} is the name of hubgen's own list of the "
                              "files it wrote into the output folder",
                              "rename the file, or delete it if it came with a copy of an "
                              "earlier build's output.")
            continue
        routes.append(Route(path=path, kind="static", source=file))
    for document in library.documents:
        if document.is_bundle:
            url = urls.document(document)
            folder = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
            routes += [Route(path=folder + relative, kind="static", source=file)
                       for relative, file in bundle_files(document.source.parent).items()]

    hosts = host_file_hosts(config)
    taken = {route.path for route in routes}
    for path in HOST_FILES if hosts else ():
        if path not in taken:   # a `_headers` of the site's own static/ wins
            routes.append(Route(path=path, kind="hostfile",
                                context={"hosts": hosts, "items": (*library.documents,
                                                                   *library.threads)}))

    _report_collisions(routes, config.root, diagnostics)
    return SitePlan(tuple(routes))


def _alias_path(alias: str) -> str:
    """Where an alias's forwarding page goes: the file an alias ending in .html or .htm
    names, else the folder of the alias ('/old' and '/v1.2' → '/old/', '/v1.2/')."""
    # A host serves a file by its extension: one named 'v1.2' or 'page.php' went out as
    # application/octet-stream, which browsers download instead of following.
    if alias.endswith("/") or alias.lower().endswith((".html", ".htm")):
        return alias
    return alias + "/"


def _describe(route: Route, root: Path) -> str:
    if route.source is None:
        return f"the generated {route.template or route.kind} page"
    try:
        where = route.source.relative_to(root).as_posix()
    except ValueError:
        where = str(route.source)
    person = route.context.get("person")
    return f"the person '{person.key}' of {where}" if isinstance(person, Person) else where


def _blame(first: Route, second: Route) -> Route:
    """The route whose file should change: one that set its slug, of two people the one
    written later, else one with a file."""
    people = [route.context.get("person") for route in (first, second)]
    if all(isinstance(person, Person) for person in people):
        return first if people[0].position > people[1].position else second
    for route in (second, first):
        document = route.context.get("document")
        if isinstance(document, Document) and "slug" in document.positions:
            return route
    return second if second.source is not None else first


def _report_collisions(routes: list[Route], root: Path, diagnostics: Diagnostics) -> None:
    seen: dict[str, Route] = {}
    told: set[Path | str | None] = {d.path for d in diagnostics.errors}
    for route in routes:
        if not is_plain_relative(route.output):
            # Reading refuses such a path where it is written (an alias, a permalink, a
            # person's key); this last guard says so only of a file nothing blamed yet.
            if route.source not in told:
                told.add(route.source)
                _report_unwritable(route, root, diagnostics)
            continue
        if too_long_for_a_name(route.output):   # cheap first: only a long path may
            name = next((name for name in route.output.split("/")
                         if too_long_for_a_name(name)), None)
            if name is not None:
                if name not in told:   # one page's HTML and feeds share the name
                    told.add(name)
                    _report_too_long(route, name, root, diagnostics)
                continue
        key = route.output.lower()
        first = seen.setdefault(key, route)
        if first is route:
            continue
        if route.kind == "alias" or first.kind == "alias":
            _report_alias(*((route, first) if route.kind == "alias" else (first, route)),
                          root, diagnostics)
            continue
        blame = _blame(first, route)
        hint = _rename_hint(blame, first if blame is route else route)
        if (first.source and route.source and first.source != route.source
                and _same_letters(str(first.source), str(route.source))):
            hint += (" The two file names look alike: they differ only in how their accented "
                     "letters are stored (Unicode NFC and NFD, as copies from macOS may be).")
        diagnostics.error(blame.source, *_naming_place(blame),
                          f"two items have the URL {route.path}: {_describe(first, root)} "
                          f"and {_describe(route, root)}", hint)
    _report_files_in_folders(seen, root, diagnostics)


def _report_files_in_folders(files: dict[str, Route], root: Path,
                             diagnostics: Diagnostics) -> None:
    """A route written as a file where another needs a folder of that name (static/about
    beside the page /about/): no disk holds both, and whichever was written last won."""
    folders: set[str] = set()
    for output, route in files.items():
        folder = output.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            file = files.get(folder)
            if file is not None:
                _report_file_and_folder(file, route, root, diagnostics)
            folder = folder.rpartition("/")[0]


def _report_file_and_folder(file: Route, folder: Route, root: Path,
                            diagnostics: Diagnostics) -> None:
    """The file `file` writes is the name of a folder `folder` writes into: an alias is
    what should change, else a static file, else the item that set its slug."""
    both = (file, folder)
    blame = next((route for kind in ("alias", "static") for route in both
                  if route.kind == kind), None) or _blame(file, folder)
    hint = _rename_hint(blame, folder if blame is file else file)
    diagnostics.error(blame.source, *_naming_place(blame),
                      f"{file.path} is a file ({_describe(file, root)}) where {folder.path} "
                      f"needs a folder ({_describe(folder, root)})", hint)


def _naming_place(route: Route) -> tuple[int, int]:
    """Where a route's URL is chosen: an alias's line, a page's `slug:`, a person's key."""
    document = route.context.get("document")
    person = route.context.get("person")
    return route.position or (
        document.position_of("slug") if isinstance(document, Document) else
        person.position if isinstance(person, Person) else (0, 0))


def _rename_hint(blame: Route, other: Route) -> str:
    """How to part `blame` from `other`, which wants its URL (or a folder of that name)."""
    if blame.kind == "alias":
        return _ALIAS_HINT
    if isinstance(blame.context.get("person"), Person):
        whom = "one of them" if isinstance(other.context.get("person"), Person) else \
            "the person"
        return (f"give {whom} another key in people.yaml (a person's key makes their URL), "
                "and use the new key where they are named.")
    if blame.kind == "static":
        return "rename or move the static file" + (
            f": hubgen makes {other.path} itself." if other.source is None else
            ", or give the other item another 'slug:'.")
    return "give one of them another 'slug:' in its front matter, or rename the file."


def _same_letters(one: str, other: str) -> bool:
    """Whether two names read the same once their letters are stored alike (NFC)."""
    return unicodedata.normalize("NFC", one) == unicodedata.normalize("NFC", other)


def _report_unwritable(route: Route, root: Path, diagnostics: Diagnostics) -> None:
    """A route whose file cannot be written inside the output folder."""
    if route.kind == "static" and "\\" in route.path:
        diagnostics.error(route.source, 0, 0, f"{_describe(route, root)} has '\\' in its name, "
                          "which Windows and many hosts read as a folder separator",
                          "rename it without '\\'.")
        return
    diagnostics.error(route.source, *(route.position or (0, 0)),
                      f"the URL {route.path} leads out of the output folder",
                      "write the path as the site shows it, without '.' or '..'.")


def _report_too_long(route: Route, name: str, root: Path, diagnostics: Diagnostics) -> None:
    """A route with a folder or file name too long for the disk to hold."""
    item = route.context.get("document") or route.context.get("thread")
    person = route.context.get("person")
    position = route.position or (
        item.positions.get("slug", (0, 0)) if isinstance(item, Document | Thread) else
        person.position if isinstance(person, Person) else (0, 0))
    diagnostics.error(route.source, *position,
                      f"the URL of {_describe(route, root)} holds a name of "
                      f"{name_bytes(name)} bytes ({name[:40]}...), more than the "
                      f"{NAME_MAX} a file or folder name may hold",
                      "give the person a shorter key in people.yaml, and use it where they "
                      "are named." if isinstance(person, Person) else
                      "give it a shorter 'slug:', or rename the file.")


def _report_alias(alias: Route, other: Route, root: Path, diagnostics: Diagnostics) -> None:
    """An alias whose URL another route has: the alias is what should change."""
    if other.kind == "alias":
        taken = "an alias of the same page, listed twice" if other.source == alias.source \
            else f"an alias of {_describe(other, root)} too"
    elif other.source == alias.source:
        taken = "the page's own URL"
    else:
        taken = f"the URL of {_describe(other, root)}"
    if other.path != alias.path:
        taken += f" ({other.path}: URLs that differ only in case are one file on many disks)"
    diagnostics.error(alias.source, *(alias.position or (0, 0)),
                      f"the alias {alias.path} is {taken}",
                      _ALIAS_HINT)


class MovedPages:
    """Which published post, page or thread a site path that no page has now looks like
    the old address of: a permalink edited, or a page made a post, moves every such page,
    and a link or a bookmark to its old address finds the 404 page."""

    def __init__(self, library: Library, urls: Urls):
        self.urls = urls
        self._by_slug: dict[str, list[Item]] = {}
        for item in (*library.documents, *library.threads):
            self._by_slug.setdefault(item.slug, []).append(item)

    def moved_to(self, old_path: str) -> tuple[Item, str] | None:
        """The item a site path ('/posts/x/', '/posts/x.html') was, by the slug that names
        it, and its address now; None when no item, or more than one, fits, or the item is
        there still."""
        folder, _, name = old_path.rpartition("/")
        if name in ("", "index.html", "index.htm"):
            folder, _, name = folder.rpartition("/")
        else:
            name = name.removesuffix(".html").removesuffix(".htm")
        # The page of a list (/page/3/), of a tag or of a person that went: no post moved.
        if (name.isdigit() and folder.endswith("/page")) or \
                old_path.startswith((self.urls.index("tag"), self.urls.index("person"))):
            return None
        found = self._by_slug.get(name, []) if name else []
        if len(found) != 1:
            return None
        [item] = found
        now_at = self.urls.document(item) if isinstance(item, Document) else \
            self.urls.thread(item)
        return None if now_at == old_path else (item, now_at)
