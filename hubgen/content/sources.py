"""Finding a hub's source files and reading each into its model."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from hubgen.config import Config
from hubgen.content.documents import read_document
from hubgen.content.markdown import MarkdownRenderer, RenderedMarkdown
from hubgen.content.models import Document, DocumentKind, Person, Thread, UnfinishedDocument
from hubgen.content.people import read_people
from hubgen.content.sanitize import Community
from hubgen.content.threads import file_slug, read_thread
from hubgen.content.words import Words
from hubgen.errors import Diagnostic, Diagnostics

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
# A thread file's, in any case (`.YAML` as Windows tools write it), as a post's may be `.MD`.
YAML_SUFFIXES = (".yaml", ".yml")

# Vim swap and backup files, Emacs lock and autosave files, Vim's "4913" write test, the
# temporary files editors and downloaders write before a rename, Microsoft Office's
# "~$name.docx" beside a document open in it (it holds the name of who opened it), and
# the OS's folder notes (macOS's "._name" beside each file copied to a disk or share that
# is not its own, its .AppleDouble folder, and "Icon\r" in a folder given an icon of its
# own; Windows' and KDE's): never a source, never published, never a change for serve to
# rebuild for.
_LEFTOVER = re.compile(
    r"(~|\.swp|\.tmp|\.temp|\.part|\.crdownload|\.bak|\.orig|\.kate-swp)$"
    r"|^(\..*\.sw[a-px]|\.#.*|#.*#|4913|\.DS_Store|Thumbs\.db|\.~lock\..*|\.goutputstream-.*)$"
    r"|^(\._.+|\.AppleDouble|Icon\r|[Dd]esktop\.ini|\.directory|~\$.+)$"
    r"|^\..*\.hubgen-tmp$"
    r"|___jb_(tmp|old)___$"        # JetBrains' safe write
    r"|^sed[A-Za-z0-9]{6}$")       # sed -i's file, before it is renamed over the old one


# Version control's folders: never content, never published, never deleted from an output.
VERSION_CONTROL = frozenset({".git", ".hg", ".svn"})


def is_leftover(name: str) -> bool:
    """True for a file name no one means as content: swap, backup, lock and temp files."""
    return bool(_LEFTOVER.search(name))


# The copies sync services make of a file two people (or two machines) changed at once:
# Dropbox's and Nextcloud's "name (Ana's conflicted copy 2026-03-12).md", Dropbox's
# "(Case Conflict)" and "(Unicode Encoding Conflict)", Syncthing's
# "name.sync-conflict-20260312-101010-ABCDEFG.md", ownCloud's "name_conflict-20260312-101010.md".
_SYNC_CONFLICT = re.compile(
    r" \([^()]*conflicted copy[^()]*(?:\(\d+\)[^()]*)?\)"
    r"| \((?:Case|Unicode Encoding) Conflict(?: \d+)?\)"
    r"|\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]{7})?"
    r"|_conflict-\d{8}-\d{6}", re.IGNORECASE)


def is_sync_conflict(name: str) -> bool:
    """True for the copy a sync service (Dropbox, Syncthing, Nextcloud) made of a file
    that was changed in two places at once."""
    return bool(_SYNC_CONFLICT.search(name))


# iCloud Drive's stand-in for a file it keeps only online ("Optimize Mac Storage"):
# ".cup.svg.icloud" where cup.svg is.
_ICLOUD_PLACEHOLDER = re.compile(r"^\.(.+)\.icloud$")


def unsynced_warning(name: str) -> tuple[str, str] | None:
    """The warning, and its hint, for a file a sync service left in place of one (a
    conflicting copy, iCloud Drive's stand-in for a file not downloaded), which is left out
    of the site; None for any other file."""
    offline = _ICLOUD_PLACEHOLDER.match(name)
    if offline:
        return (f"{offline[1]} is in iCloud Drive but not downloaded to this computer; it is "
                "left out of the site", "download it (Finder: 'Download Now'), or choose "
                "'Keep Downloaded' for the hub's folder, then build again.")
    if not is_sync_conflict(name) or name.startswith("."):
        return None
    original = _SYNC_CONFLICT.sub("", name, count=1)
    return (f"a copy of {original} that a sync service made when two edits of it clashed; "
            "it is left out of the site",
            f"compare it with {original}, keep there what you need of it, then delete this copy.")


CONTENT_DIR = "content"
FOLDERS: dict[DocumentKind, str] = {"post": "posts", "page": "pages"}


@dataclass(frozen=True)
class Sources:
    """Everything read from a hub's content folder, before any cross-file work."""

    documents: tuple[Document, ...]
    threads: tuple[Thread, ...]
    people: dict[str, Person]
    people_path: Path
    # Posts and pages with mistakes in their front matter, kept only to be checked.
    unfinished: tuple[UnfinishedDocument, ...] = ()
    # people.yaml is there but could not be read at all (a YAML mistake): who is a person
    # is unknown, so no one is reported unknown.
    people_unreadable: bool = False
    # The slugs (from their file names) of thread files with mistakes, which give no
    # thread: an embed of one is no embed of a thread that does not exist.
    threads_unreadable: frozenset[str] = frozenset()


def _is_ignored_name(name: str) -> bool:
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp")) \
        or is_sync_conflict(name)


def is_ignored(path: Path) -> bool:
    """Hidden files, editor leftovers and `_drafts`-style names are not content."""
    return _is_ignored_name(path.name)


def content_root(config: Config) -> Path:
    """The hub's `content/` folder."""
    return config.root / CONTENT_DIR


def markdown_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Markdown files below `folder` in a stable order, with their relative paths."""
    if not folder.is_dir():
        return
    found: list[str] = []
    for current, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not _is_ignored_name(name)]
        prefix = os.path.relpath(current, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found += [prefix + name for name in files if not _is_ignored_name(name)
                  and name.lower().endswith(MARKDOWN_SUFFIXES)
                  and not _is_folder_readme(Path(current, name))]
    for relative in sorted(found):
        yield folder / relative, relative


def _is_folder_readme(path: Path) -> bool:
    """A README.md without front matter: what the folder is for, told to the people who
    edit it, not a post or a page (one with front matter is one)."""
    if path.name.lower() != "readme.md":
        return False
    try:
        with path.open("rb") as file:
            start = file.read(16)
    except OSError:
        return False   # read (and its error told) as any other file
    return not start.removeprefix(codecs.BOM_UTF8).startswith(b"---")


class SourceMemo(Protocol):
    """Remembers what a source file parsed into, keyed by the file's bytes."""

    def knows(self, path: Path) -> bool:
        """Whether anything is remembered of `path` (if not, it is parsed for sure)."""

    def content_hash(self, path: Path) -> str:
        """A hash of the file's bytes (raises OSError when it cannot be read)."""

    def file_hash(self, path: Path) -> Any:
        """What `note_hash` needs to know the file's hash; changes nothing in the memo,
        so it may run on a worker (raises OSError when the file cannot be read)."""

    def note_hash(self, path: Path, file_hash: Any) -> str:
        """Keep what `file_hash` found; returns the file's hash."""

    def recall(self, path: Path, content_hash: str) -> tuple[Any, list[Diagnostic]] | None:
        """What `path` gave when its bytes hashed to `content_hash`, if remembered."""

    def remember(self, path: Path, content_hash: str, parsed: Any,
                 diagnostics: list[Diagnostic]) -> None:
        """Keep what `path` gave for these bytes."""


# Runs work over items, yielding (index, result) in any order: in this process, or on
# the build's workers.
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[tuple[int, Any]]]
# Called as progress(done, total) while files are parsed.
ReadProgress = Callable[[int, int], None]


def serial_map(work: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    """The Mapper that runs everything here, in order."""
    for index, item in enumerate(items):
        yield index, work(item)


def _parse(parse: Callable[[Diagnostics], Any]) -> tuple[Any, list[Diagnostic]]:
    found = Diagnostics()
    return parse(found), list(found)


def _hash_and_parse(memo: SourceMemo, path: Path, parse: Callable[[Diagnostics], Any]
                    ) -> tuple[tuple[Any, list[Diagnostic]], Any]:
    # Hashed before it is parsed: should the file change in between, the next build
    # finds other bytes than those hashed and parses it again.
    try:
        file_hash = memo.file_hash(path)
    except OSError:  # vanished or unreadable: the parser says what is wrong
        file_hash = None
    return _parse(parse), file_hash


class _NoBody:
    """Renders no Markdown (in place of MarkdownRenderer): what a file is and where it goes
    come from its front matter and its name, not from its words."""

    def render(self, text: str, *context: str) -> RenderedMarkdown:
        """Nothing, at once."""
        return _NOTHING


class _NoText:
    """Renders no community text (in place of Community), as `_NoBody`."""

    def render(self, text: str, *context: str) -> str:
        """Nothing, at once."""
        return ""


_NOTHING = RenderedMarkdown("", "", "", (), 0)


def read_sources(config: Config, diagnostics: Diagnostics, memo: SourceMemo | None = None,
                 mapper: Mapper = serial_map, progress: ReadProgress | None = None,
                 bodies: bool = True, words: Words | None = None) -> Sources:
    """Read every post, page, thread and person of the hub; problems go to `diagnostics`.

    Files whose bytes the memo knows are not parsed again; the others are parsed
    through `mapper`, possibly on other processes. With `bodies` false, the words of
    posts, pages and messages are not rendered (their HTML is empty): enough to know
    what the hub holds and where it goes, for `hubgen new`, in a fraction of the time.
    `words` are the site's (English without): Markdown's own titles are said in them.
    """
    root = content_root(config)
    renderer: Any = MarkdownRenderer(config, words) if bodies else _NoBody()
    community: Any = Community(config.base_path) if bodies else _NoText()
    tasks: list[tuple[str, Path, Callable[[Diagnostics], Any]]] = []
    for kind, folder_name in FOLDERS.items():
        for path, relative in markdown_files(root / folder_name):
            tasks.append(("document", path, partial(read_document, path,
                                                    f"{folder_name}/{relative}", kind, config,
                                                    renderer)))
    for path in thread_files(root / "threads"):
        tasks.append(("thread", path, partial(read_thread, path, config, renderer, community)))
    people_path = root / "people.yaml"
    if people_path.is_file():
        tasks.append(("people", people_path, partial(read_people, people_path)))
    for path, (message, hint) in [*hub_folders_in_another_case(config.root),
                                  *stray_content(root)]:
        diagnostics.warning(path, 0, 0, message, hint)

    outcomes: list[tuple[Any, list[Diagnostic]] | None] = [None] * len(tasks)
    hashes: dict[int, str] = {}
    hashed_where_parsed: set[int] = set()
    for index, (_, path, _) in enumerate(tasks):
        if memo is None:
            continue
        if not memo.knows(path):
            # Parsed for sure: its bytes are hashed by whichever worker parses it, not
            # here one after another (every file of a first build).
            hashed_where_parsed.add(index)
            continue
        try:
            hashes[index] = memo.content_hash(path)
        except OSError:  # vanished or unreadable: the parser says what is wrong
            continue
        outcomes[index] = memo.recall(path, hashes[index])
    missing = [index for index, outcome in enumerate(outcomes) if outcome is None]

    def work(index: int) -> tuple[tuple[Any, list[Diagnostic]], Any]:
        _, path, parse = tasks[index]
        if memo is not None and index in hashed_where_parsed:
            return _hash_and_parse(memo, path, parse)
        return _parse(parse), None

    if progress is not None and missing:
        progress(0, len(missing))   # the stage starts: its rate counts from here
    results = mapper(work, missing)
    try:
        for done, (position, (outcome, file_hash)) in enumerate(results, start=1):
            index = missing[position]
            outcomes[index] = outcome
            if memo is not None and file_hash is not None:
                hashes[index] = memo.note_hash(tasks[index][1], file_hash)
            if memo is not None and index in hashes:
                memo.remember(tasks[index][1], hashes[index], *outcome)
            if progress is not None:
                progress(done, len(missing))
    finally:
        close = getattr(results, "close", None)
        if close is not None:   # a generator running on workers stops them
            close()

    documents: list[Document] = []
    unfinished: list[UnfinishedDocument] = []
    threads: list[Thread] = []
    people: dict[str, Person] = {}
    people_unreadable = False
    threads_unreadable: set[str] = set()
    for (kind, path, _), outcome in zip(tasks, outcomes, strict=True):
        assert outcome is not None
        parsed, found = outcome
        diagnostics.extend(found)
        if parsed is None:
            people_unreadable = people_unreadable or kind == "people"
            if kind == "thread":
                threads_unreadable.add(file_slug(path))
            continue
        if isinstance(parsed, UnfinishedDocument):
            unfinished.append(parsed)
        elif kind == "document":
            documents.append(parsed)
        elif kind == "thread":
            threads.append(parsed)
        else:
            people = parsed
    return Sources(tuple(documents), tuple(threads), people, people_path, tuple(unfinished),
                   people_unreadable, frozenset(threads_unreadable))


# What Jekyll, Eleventy and Pelican write pages in besides Markdown: never a bundle's
# resource. An .html, .htm or .txt file is one only when it opens with front matter.
_OTHER_SOURCES = (".njk", ".liquid", ".rst", ".textile", ".adoc", ".asciidoc", ".org",
                  ".pug", ".hbs", ".ejs", ".haml", ".mustache", ".jinja", ".j2")
_MAYBE_SOURCES = (".html", ".htm", ".txt")


def _opens_with_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            start = file.read(8).removeprefix(codecs.BOM_UTF8)
    except OSError:
        return False
    return start.startswith((b"---", b"+++"))


# A source named with a suffix of another kind after its own: "post.md.txt" (a text
# document renamed in Windows' Explorer, which hides the ".txt"), TextEdit's "post.md.rtf"
# (rich text).
_SAVED_WITH_SUFFIX = re.compile(
    rf"(.+(?:{'|'.join(map(re.escape, MARKDOWN_SUFFIXES + YAML_SUFFIXES))}))(\.txt|\.rtf)$",
    re.IGNORECASE)


# The names hubgen reads in content/, which a Mac or Windows also finds written in
# another case, and Linux does not.
_IN_LOWER_CASE = frozenset({"posts", "pages", "threads", "people.yaml"})


# The same, of the hub's own folder.
_HUB_IN_LOWER_CASE = frozenset({"content", "static", "templates", "themes", "i18n"})


def _named_in_another_case(name: str, meant: str, folder: bool,
                           where: str = "content/") -> tuple[str, str]:
    """The warning, and its hint, for `name` in `where`, which hubgen reads as `meant`."""
    shown = f"{where}{meant}/" if folder else f"{where}{meant}"
    return (f"hubgen reads {shown}, and finds {name} by that name only where case "
            "does not count in file names (macOS, Windows), not on Linux, where most sites "
            "are built", f"rename it {meant}.")


def _in_another_case(folder: Path, names: list[str], known: frozenset[str],
                     folders: list[str], where: str) -> Iterator[tuple[Path, tuple[str, str]]]:
    """Each of `names` in `folder` that is one of the `known` names written in another
    case, with the warning to give."""
    for name in names:
        if name.lower() in known and name not in known:
            yield folder / name, _named_in_another_case(name, name.lower(), name in folders,
                                                        where)


def hub_folders_in_another_case(hub: Path) -> Iterator[tuple[Path, tuple[str, str]]]:
    """The folders of the hub named as hubgen's own in another case (Static/, Content/),
    each with the warning to give."""
    try:
        names = sorted(entry.name for entry in os.scandir(hub) if entry.is_dir())
    except OSError:
        return
    yield from _in_another_case(hub, names, _HUB_IN_LOWER_CASE, names, "")


# What the names below in posts/ and pages/ have in common: cheap to look for.
_MAY_BE_MISPLACED = re.compile(
    "|".join([r"\.(?:icloud|txt|rtf)$", "conflict",
              *(re.escape(suffix) + "$" for suffix in _OTHER_SOURCES + _MAYBE_SOURCES)]),
    re.IGNORECASE)


def _saved_with_suffix(meant: str, added: str) -> tuple[str, str]:
    """The warning, and its hint, for a source whose editor added `added` to its name."""
    if added.lower() == ".rtf":
        return (f"this file is rich text (RTF), not {meant}, so it is not built",
                f"save it as plain text named {meant} (TextEdit: Format > Make Plain Text, "
                "then save).")
    return (f"this file's name ends in '{added}' after {meant}, so it is not built (Windows "
            f"hides the suffix: a text document renamed {meant} keeps its '.txt')",
            f"rename it {meant} (in Explorer, View > Show > File name extensions shows the "
            "suffix to remove).")


def stray_content(root: Path) -> Iterator[tuple[Path, tuple[str, str]]]:
    """Files in `content/` that look like content but are not read where they are: a
    Markdown file outside posts/ and pages/ (a README aside), a page written in another
    format than Markdown, Jekyll's `_posts/` folder, a thread file in a folder of
    threads/, `people.yml` for `people.yaml`, a source named with '.txt' after its
    suffix, and what a sync service left in place of a file; each with the warning to
    give."""
    if not root.is_dir():
        return
    documents = tuple(root / name for name in FOLDERS.values())
    for current, folders, files in os.walk(root):
        here = Path(current)
        in_documents = here in documents or any(folder in here.parents for folder in documents)
        if "_posts" in folders and any(
                name.lower().endswith(MARKDOWN_SUFFIXES)
                for _, _, names in os.walk(here / "_posts") for name in names):
            yield here / "_posts", (
                "Jekyll's _posts/ folder is not read (a name starting with '_' keeps a file "
                "or folder out), so its posts are not built",
                "move its files into content/posts/ itself.")
        folders[:] = sorted(name for name in folders if not _is_ignored_name(name))
        if here == root:
            yield from _in_another_case(root, [*folders, *files], _IN_LOWER_CASE, folders,
                                        "content/")
            # What such a folder holds is told by the folder's warning.
            folders[:] = [name for name in folders if name.lower() not in _IN_LOWER_CASE
                          or name in _IN_LOWER_CASE]
        in_threads = here != root / "threads" and (root / "threads") in here.parents
        for name in sorted(files):
            # Of the many posts, only a name that may be one of those below is looked at.
            if in_documents and not _MAY_BE_MISPLACED.search(name):
                continue
            path = here / name
            unsynced = unsynced_warning(name)
            if unsynced is not None:
                yield path, unsynced
                continue
            if _is_ignored_name(name) or name.lower() == "readme.md":
                continue
            saved_as = _SAVED_WITH_SUFFIX.match(name)
            suffix = path.suffix.lower()
            if saved_as:
                yield path, _saved_with_suffix(*saved_as.groups())
            elif in_documents and (suffix in _OTHER_SOURCES or (suffix in _MAYBE_SOURCES
                                   and _opens_with_front_matter(path))):
                yield path, (f"hubgen builds pages from Markdown files, not {suffix} ones, "
                             "so this one is not built",
                             "write it in Markdown, in a file ending .md (HTML in it is "
                             "kept as written).")
            elif in_documents:
                continue
            elif name.lower().endswith(MARKDOWN_SUFFIXES):
                yield path, ("this Markdown file is not in content/posts/ or content/pages/, "
                             "so it is not built", "move it into one of them.")
            elif in_threads and path.suffix.lower() in YAML_SUFFIXES:
                yield path, ("thread files are read from content/threads/ itself, not its "
                             "folders, so this one is not built", "move it up a folder.")
            elif here == root and name == "people.yml" and not (root / "people.yaml").exists():
                yield path, ("hubgen reads the people of the hub from content/people.yaml",
                             "rename this file to people.yaml.")


def thread_files(folder: Path) -> Iterator[Path]:
    """The thread files of a hub, in a stable order."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in YAML_SUFFIXES and path.is_file() and not is_ignored(path):
            yield path
