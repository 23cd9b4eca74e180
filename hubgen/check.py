"""`hubgen check`: everything build checks, without writing, plus what only a built site shows:
broken internal links and anchors, feeds that are incomplete or relative, mixed content,
community questions waiting for an answer, and what is held back as draft or scheduled."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from hubgen.build import BuildOptions, BuildResult, build_site
from hubgen.build.workers import map_unordered
from hubgen.content.html_links import srcset_candidates
from hubgen.content.markdown import REF_SHORTCODE
from hubgen.content.models import Document, Thread, is_bundle_path
from hubgen.content.sources import MARKDOWN_SUFFIXES
from hubgen.errors import Diagnostic, SourceErrors, display_path, source_text
from hubgen.library import Item, Library, embedded_hint, why_left_out
from hubgen.plan.planner import MovedPages
from hubgen.plan.routes import Route
from hubgen.plan.urls import Urls

_RESOURCE_TAGS = {"img", "script", "link", "iframe", "source", "video", "audio", "embed"}
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Finding:
    """One problem (or note) of a check, where it can be traced to a file and a line."""

    kind: str           # build, link, anchor, feed, mixed-content, listening, draft, scheduled,
                        # usage (no check could run)
    severity: str       # error, warning, info
    path: str           # the source file when known, else the output file; "" for none
    line: int
    column: int
    message: str
    hint: str = ""

    def text(self, root: Path | None = None) -> str:
        """`path:line:col: severity: message`, then (given the hub's folder `root`) the line
        with a caret under the spot, as a build shows it, then the hint."""
        where = self.path or "hubgen"
        if self.line > 0:
            where = f"{where}:{self.line}:{max(self.column, 1)}"
        lines = [f"{where}: {self.severity}: {self.message}"]
        excerpt = Diagnostic(root / self.path, self.line, self.column, self.message).excerpt() \
            if root is not None and self.line > 0 else None
        if excerpt is not None:
            lines += [f"    {excerpt[0]}", f"    {excerpt[1]}"]
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


@dataclass
class CheckReport:
    """Everything a check found."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when any finding is an error."""
        return any(f.severity == "error" for f in self.findings)

    def as_json(self) -> str:
        """The findings as stable, sorted JSON for CI."""
        ordered = sorted(self.findings, key=lambda f: (f.path, f.line, f.column, f.kind,
                                                       f.message))
        data = {"ok": not self.failed,
                "errors": sum(f.severity == "error" for f in ordered),
                "warnings": sum(f.severity == "warning" for f in ordered),
                "findings": [{**asdict(f), "path": f.path or None} for f in ordered]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class _PageFacts:
    """What check needs of a built page: its ids and every URL it points at."""

    ids: frozenset[str]
    links: tuple[tuple[str, str, str], ...]      # (tag, attribute, url)


# libxml2 reads a page as browsers do where it matters here: the text of a <textarea> or
# <title> holds no links, the first of two same attributes counts, "&copyb" in a value
# stays as written. huge_tree: no depth limit on a deeply nested page.
_HTML = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                         collect_ids=False, huge_tree=True)


def _facts_of(html: bytes) -> _PageFacts:
    """The ids of a page (or part of one) and every URL it points at, with the tag and
    attribute; what a <template> holds is inert until a reader consents (comment
    embeds), so its links are left out."""
    root = etree.fromstring(html, _HTML) if html.strip() else None
    if root is None:
        return _PageFacts(frozenset(), ())
    ids: set[str] = set()
    links: list[tuple[str, str, str]] = []
    inert = set()
    for template in root.iter("template"):
        inert.add(template)
        inert.update(template.iterdescendants())
    for element in root.iter(etree.Element):
        attributes = element.attrib
        if not attributes:
            continue
        tag = element.tag
        if "id" in attributes:
            ids.add(attributes["id"])
        if tag == "a" and "name" in attributes:
            ids.add(attributes["name"])
        if inert and element in inert:
            continue
        for attribute in ("href", "src", "poster"):
            if attributes.get(attribute):
                links.append((tag, attribute, attributes[attribute]))
        if attributes.get("srcset"):   # <img srcset> and <picture><source srcset>
            links += [(tag, "srcset", url) for url, _ in srcset_candidates(attributes["srcset"])]
    return _PageFacts(frozenset(ids), tuple(links))


@lru_cache(maxsize=1 << 16)
def _resolved(page_url: str, link: str) -> tuple[str, str, str]:
    """Where `link`, on the page at `page_url`, leads: its origin, its path (decoded) and
    its fragment (as written). A host is one in any case: the origin is in lower case."""
    parts = urlsplit(urljoin(page_url, link))
    return f"{parts.scheme}://{parts.netloc.lower()}", unquote(parts.path), parts.fragment


def _place_of(source: Path | None, needles: tuple[str, ...]) -> tuple[int, int]:
    """Where the first of `needles` found is written in `source`: (line, column), or (0, 0)."""
    if source is None:
        return (0, 0)
    try:
        text, lines = source_text(source)
    except OSError:
        return (0, 0)
    # Most links a check places are made by a template, written in no source: a search of
    # the whole text says so at once, where one line after another took a big hub minutes.
    needles = tuple(needle for needle in needles if needle and needle in text)
    # Written whole first (a link's target, a word of its own), then as part of another:
    # 'cup.svg' is the link of '![cup](cup.svg)', not of 'image: /images/cup.svg' above it.
    for whole in (True, False):
        for needle in needles:
            found = re.compile(rf"(?:^|(?<=[\s(<\[\"'=]))({re.escape(needle)})"
                               rf"(?=$|[\s)>\]\"'#?])") if whole else None
            for number, line in enumerate(lines, 1):
                match = found.search(line) if found is not None else None
                if match is not None:
                    return (number, match.start(1) + 1)
                if not whole and needle in line:
                    return (number, line.index(needle) + 1)
    return (0, 0)


def _source_written(link: str) -> str:
    """The source file a link names: Hugo's ref (`{{< ref "p" >}}` names p.md), Pelican's
    {filename}, or the link's path."""
    ref = REF_SHORTCODE.fullmatch(link.strip())
    if ref is None:
        return unquote(urlsplit(link).path).removeprefix("{filename}")
    target = ref["target"].split("#", 1)[0]
    return target if target.lower().endswith(MARKDOWN_SUFFIXES) else target + ".md"


class _Checker:
    def __init__(self, result: BuildResult, root: Path):
        self.result = result
        self.root = root
        self.config = result.config
        self.files = result.files
        self.report = CheckReport()
        self.sources = {route.output: route.source for route in result.plan.routes}
        self.pages: dict[str, _PageFacts] = {}
        self._targets: dict[str, str | None] = {}    # site path: the output file it names
        self._placed: set[str] = set()     # the needles of findings placed in a source
        self._unplaced: list[tuple[tuple[str, ...], Finding]] = []
        self._said: set[Finding] = set()
        self._moves: MovedPages | None = None   # made for the first broken link
        # What a build leaves out (drafts, posts dated later, and their aliases, feeds and
        # tags): check makes it, to check its own links, but from a published page a link
        # to it leads nowhere.
        self.routes = {route.output: route for route in result.plan.routes}
        self.published = result.published if result.published is not None else \
            frozenset(self.routes)
        self.held_back = self.routes.keys() - self.published

    def add(self, kind: str, severity: str, output: str, needle: str | tuple[str, ...],
            message: str, hint: str = "") -> None:
        """Note a finding, placed where its `needle` (the first of several found) is written:
        in the page's own source, else in the config."""
        needles = (needle,) if isinstance(needle, str) else needle
        source = self.sources.get(output)
        line, column = _place_of(source, needles)
        if line == 0 and any(needles):
            # Not written in the page's own source: a link the config or a template makes,
            # the same on every page. Name the config when it holds it, and say it once.
            line, column = _place_of(self.config.path, needles)
            source = self.config.path if line else None
            message = re.sub(r" \(on [^)]*\)", "", message)
            if any(f.message == message for f in self.report.findings) or \
                    any(f.message == message for _, f in self._unplaced):
                return
        path = display_path(source, self.root) if source is not None else f"(output) {output}"
        finding = Finding(kind, severity, path, line, column, message, hint)
        if finding in self._said:
            return   # a link written twice, or shown again on a card: one finding tells it
        self._said.add(finding)
        if source is None and any(needles):
            # Perhaps a post's image on a list's card: kept until the end, and dropped if
            # the post's own finding places it.
            self._unplaced.append((needles, finding))
            return
        self._placed.update(needles)
        self.report.findings.append(finding)

    def finish(self) -> None:
        """Add the findings no source placed, unless one that was placed said the same."""
        self.report.findings += [finding for needles, finding in self._unplaced
                                 if not self._placed.intersection(filter(None, needles))]
        self._unplaced = []

    def read_pages(self, jobs: int) -> None:
        """Read every built page's ids and links, on `jobs` workers (the parsing is most
        of a check's time on a big hub)."""
        files = self.files
        outputs = [output for output in sorted(files) if output.endswith(".html")]
        for index, facts in map_unordered(lambda output: _facts_of(files[output]), outputs,
                                          jobs):
            self.pages[outputs[index]] = facts

    def page(self, output: str) -> _PageFacts:
        if output not in self.pages:
            self.pages[output] = _facts_of(self.files[output])
        return self.pages[output]

    def target_file(self, path: str) -> str | None:
        """The output file a site path names (without the base path), if it exists."""
        if path not in self._targets:
            relative = path.lstrip("/")
            candidates = [relative] if relative and not relative.endswith("/") else []
            candidates += [posixpath.join(relative, "index.html") if relative else "index.html"]
            self._targets[path] = next((c for c in candidates if c in self.files), None)
        return self._targets[path]

    def links(self) -> None:
        origin = self.config.origin
        base = unquote(self.config.base_path)   # as a link's path is compared: decoded
        # As the pages write it: a root-relative link of a source is found there without it.
        encoded_base = Urls(self.config).url("/")
        secure = self.config.url.startswith("https://")
        for output in sorted(self.files):
            if not output.endswith(".html"):
                continue
            page_url = origin + base + (output[:-len("index.html")] if output.endswith(
                "index.html") else output)
            for tag, attribute, link in self.page(output).links:
                if link.startswith(("mailto:", "tel:", "data:", "javascript:")):
                    continue
                if link[:7].lower() == "http://" and secure:
                    resource = tag in _RESOURCE_TAGS or (tag == "link" and attribute == "href")
                    self.add("mixed-content", "error" if resource else "warning", output, link,
                             f"{'loads' if resource else 'links to'} {link} over plain http "
                             "on an https site",
                             "use https:// (browsers block http resources on https pages).")
                # A root-relative link leads to the same place from every page.
                try:
                    link_origin, path, fragment = _resolved(
                        origin + "/" if link[:1] == "/" and link[:2] != "//" else page_url,
                        link)
                except ValueError:   # Python's urlsplit refuses it: so would a browser
                    self.add("link", "error", output, link,
                             f"broken link: {link} (on {output}) is no valid address",
                             "a host in '[ ]' must be an IPv6 address, e.g. http://[::1]/; "
                             "check the link.")
                    continue
                if link_origin != origin:
                    continue
                if path + "/" == base:
                    path = base
                if not path.startswith(base):
                    self.add("link", "error", output, link,
                             f"{link} points outside the site's base path {base}",
                             "write site links root-relative (/about/) and hubgen adds the "
                             "base path.")
                    continue
                target = self.target_file(path[len(base) - 1:])
                if target is None or target in self.held_back:
                    # Found in the source as written (/about/ that the page makes
                    # /hub/about/, ../about/), else as resolved.
                    needles = ("/" + link[len(encoded_base):] if encoded_base != "/" and
                               link.startswith(encoded_base) else "", link,
                               path[len(base) - 1:])
                if target in self.held_back and output in self.published:
                    self._held_back_link(output, target, link, needles)
                    continue
                if target is None:
                    self.add("link", "error", output, needles,
                             f"broken link: {link} (on {output}) leads to no page",
                             self._page_of_source(output, link) or
                             self._base_path_twice(path[len(base) - 1:], base) or
                             self._moved_page(path[len(base) - 1:]) or
                             "check the path, or the slug of the page it should reach.")
                    continue
                # "#top" needs no element: browsers scroll to the top for it (HTML spec).
                if fragment and target.endswith(".html") and \
                        unquote(fragment) not in self.page(target).ids and \
                        unquote(fragment).lower() != "top":
                    # The link whole first: its fragment alone may be written earlier
                    # in the source, in another link or as a hashtag.
                    self.add("anchor", "error", output, (link, "#" + fragment),
                             f"missing anchor: {link} (on {output}): {target} has no "
                             f"element with id '{unquote(fragment)}'",
                             "headings get ids from their text; check the spelling.")

    def _base_path_twice(self, path: str, base: str) -> str:
        """For a link written with the base path (which hubgen then adds again) to a page
        there is, the hint to write it from the site's root; empty for any other link."""
        if base == "/" or not path.startswith(base):
            return ""
        meant = path[len(base) - 1:]
        if self.target_file(meant) is None:
            return ""
        return f"write the link from the site's root ({meant}): hubgen adds the base path " \
               f"{base} to it."

    def _moved_page(self, path: str) -> str:
        """For a link to the old address of a post, page or thread now published elsewhere
        (a permalink edited), the hint naming where it is; empty for any other link."""
        if self._moves is None:
            self._moves = MovedPages(self.result.library, Urls(self.config))
        moved = self._moves.moved_to(path)
        if moved is None:
            return ""
        item, now_at = moved
        urls = self._moves.urls
        forward = f" (or add aliases: [{path}] to its front matter, which forwards the old " \
                  "address)" if isinstance(item, Document) else ""
        return f"'{item.title}' ({item.rel_path}) is at {urls.url(now_at)} now: link " \
               f"there{forward}."

    def _page_of_source(self, output: str, link: str) -> str:
        """For a link to a Markdown file (Hugo's ref, Pelican's {filename}), the hint naming
        the page it is the source of; empty for any other link."""
        written = _source_written(link)
        if not written.lower().endswith(MARKDOWN_SUFFIXES):
            return ""
        source = self.sources.get(output)
        # '/posts/x.md' (Pelican's {filename}/posts/x.md) is in content/; 'x.md' beside the
        # page's own source.
        near = self.root / "content" / written.lstrip("/") if written.startswith("/") else \
            source.parent / written if source is not None else None
        documents = self.result.library.documents
        found = next((d for d in documents if near is not None
                      and d.source.resolve() == near.resolve()), None)
        if found is None and not is_bundle_path(written) and "/" not in written:
            # A bare name, as Hugo's ref takes it, when one file has it.
            named = [d for d in documents if d.source.name == written]
            found = named[0] if len(named) == 1 else None
        if found is None:
            return ""
        urls = Urls(self.config)
        url = urls.url(urls.document(found))
        return f"link to the page, not its source: {url} is the page of {found.rel_path}."

    def _held_back_link(self, output: str, target: str, link: str,
                        needles: tuple[str, ...]) -> None:
        """A published page's link to a page the build leaves out: an error where it is
        written (one of `needles`), in the page's source or the config (one the theme makes,
        to a draft that check's build counts as a neighbour say, is not made by the build)."""
        if _place_of(self.sources.get(output), needles) == (0, 0) and \
                _place_of(self.config.path, needles) == (0, 0):
            return
        self.add("link", "error", output, needles,
                 f"link to an unpublished page: {link} (on {output}) leads to "
                 f"{self._held_back_page(target)}: the published site has no page there",
                 "publish it first, or take the link out until it is published.")

    def _held_back_page(self, target: str) -> str:
        """What a page the build leaves out is, and why it is left out."""
        route = self.routes[target]
        library = self.result.library
        item = _item_of(route) or next(
            (i for i in (*library.documents, *library.threads) if i.source == route.source
             and route.source is not None), None)
        reason = _held_back(library, item) if item is not None else ""
        if item is None or not reason:
            return "a page that only drafts and posts dated later make"
        kind = {"alias": "an old address of ", "feed": "the feed of ",
                "ics": "the calendar file of "}.get(route.kind, "")
        return f"{kind}'{item.title}', which is {reason}"

    def embeds(self) -> None:
        """A published page that embeds a draft or scheduled thread shows nothing in its
        place."""
        library = self.result.library
        held_back = {thread.slug: (thread, reason) for thread in library.threads
                     if (reason := _held_back(library, thread))}
        for document in library.documents:
            if _held_back(library, document):
                continue
            for embed in document.embeds:
                if embed.slug in held_back:
                    thread, reason = held_back[embed.slug]
                    self.report.findings.append(Finding(
                        "embed", "error", display_path(document.source, self.root),
                        embed.line, embed.column,
                        f"the embedded thread '{embed.slug}' is {reason}: the published page "
                        "shows nothing in its place", embedded_hint(thread)))

    def feeds(self) -> None:
        for route in self.result.plan.of_kind("feed"):
            output = route.output
            try:
                root = ET.fromstring(self.files[output])
            except ET.ParseError as exc:
                self.add("feed", "error", output, "", f"{output} is not well-formed XML: {exc}")
                continue
            if root.tag == "rss":
                self._rss(output, root)
            else:
                self._atom(output, root)

    def _require_absolute(self, output: str, what: str, value: str | None) -> None:
        if not value:
            self.add("feed", "error", output, "", f"{output}: {what} is missing")
        elif not value.startswith(("http://", "https://")):
            self.add("feed", "error", output, "", f"{output}: {what} is not absolute: {value}")

    def _content_links(self, output: str, html: str | None) -> None:
        if not html:
            return
        for _tag, _attribute, link in _facts_of(html.encode("utf-8")).links:
            if not link.startswith(("http://", "https://", "mailto:", "tel:", "data:")):
                self.add("feed", "error", output, "",
                         f"{output}: a link inside an entry is not absolute: {link}")

    def _rss(self, output: str, root: ET.Element) -> None:
        channel = root.find("channel")
        if channel is None:
            self.add("feed", "error", output, "", f"{output}: no <channel>")
            return
        for name in ("title", "description"):
            if not channel.findtext(name):
                self.add("feed", "error", output, "", f"{output}: the channel has no <{name}>")
        self._require_absolute(output, "the channel <link>", channel.findtext("link"))
        for item in channel.findall("item"):
            if not item.findtext("title"):
                self.add("feed", "error", output, "", f"{output}: an item has no <title>")
            if not item.findtext("pubDate"):
                self.add("feed", "error", output, "", f"{output}: an item has no <pubDate>")
            self._require_absolute(output, "an item <link>", item.findtext("link"))
            self._require_absolute(output, "an item <guid>", item.findtext("guid"))
            self._content_links(output, item.findtext(
                "{http://purl.org/rss/1.0/modules/content/}encoded"))

    def _atom(self, output: str, root: ET.Element) -> None:
        for name in ("id", "title", "updated"):
            if not root.findtext(ATOM + name):
                self.add("feed", "error", output, "", f"{output}: the feed has no <{name}>")
        for entry in root.findall(ATOM + "entry"):
            for name in ("title", "updated", "published"):
                if not entry.findtext(ATOM + name):
                    self.add("feed", "error", output, "", f"{output}: an entry has no <{name}>")
            self._require_absolute(output, "an entry <id>", entry.findtext(ATOM + "id"))
            link = entry.find(ATOM + "link")
            self._require_absolute(output, "an entry <link>",
                                   link.get("href") if link is not None else None)
            self._content_links(output, entry.findtext(ATOM + "content"))

    def notes(self) -> None:
        library = self.result.library
        for waiting in library.listening_report():
            path = display_path(waiting.thread.source, self.root)
            for node in waiting.nodes:
                position = node.message.position
                self.report.findings.append(Finding(
                    "listening", "info", path, position[0], position[1],
                    f"{node.speaker.name} is waiting for a brand reply: "
                    f"{node.message.text[:80]!r}", "answer it where it was asked."))
        for item in (*library.posts, *library.pages, *library.threads):
            if item.draft:
                self.report.findings.append(Finding(
                    "draft", "info", display_path(item.source, self.root), 0, 0,
                    f"'{item.title}' is a draft: build leaves it out"))
            elif library.is_scheduled(item):
                self.report.findings.append(Finding(
                    "scheduled", "info", display_path(item.source, self.root), 0, 0,
                    f"'{item.title}' is scheduled for {item.date.isoformat()}: build leaves it "
                    "out until then"))


def _item_of(route: Route) -> Item | None:
    item = route.context.get("document") or route.context.get("thread")
    return item if isinstance(item, Document | Thread) else None


def _held_back(library: Library, item: Item) -> str:
    """Why a build leaves an item out ('a draft', 'scheduled for …'), or '' when it does not.
    (An upcoming or live thread is published before its date.)"""
    return why_left_out(item) if item.draft or library.is_scheduled(item) else ""


def _diagnostic_finding(diagnostic: Diagnostic, root: Path) -> Finding:
    return Finding("build", diagnostic.severity.value,
                   display_path(diagnostic.path, root) if diagnostic.path else "",
                   diagnostic.line, diagnostic.column, diagnostic.message, diagnostic.hint)


def check_site(options: BuildOptions) -> CheckReport:
    """Check the hub the options name, writing nothing; drafts and future posts are included
    so that their links are checked too, and reported as notes."""
    root = options.root
    try:
        # Built without strict, which would stop at the first warning before the links
        # and feeds are checked: warnings become errors at the end instead.
        result = build_site(BuildOptions(**{**options.__dict__, "drafts": True, "future": True,
                                            "published": True, "strict": False}), write=False)
    except SourceErrors as exc:
        return CheckReport([_diagnostic_finding(d, root) for d in exc.diagnostics])
    checker = _Checker(result, root)
    checker.report.findings += [_diagnostic_finding(d, root) for d in result.warnings]
    checker.read_pages(options.jobs)
    checker.links()
    checker.embeds()
    checker.feeds()
    checker.notes()
    checker.finish()
    if options.strict:
        checker.report.findings = [
            Finding(f.kind, "error" if f.severity == "warning" else f.severity, f.path, f.line,
                    f.column, f.message, f.hint) for f in checker.report.findings]
    return checker.report
