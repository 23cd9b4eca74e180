"""`hubgen import`, step by step: get the export, read it, match its people, write the files.

    source (file, stdin or --url) → JSON → platform reader → ImportedThread
        → people.yaml authors → thread YAML (new, or merged into the earlier import)
        → checked like a build reads it → people.yaml, then the thread, each atomically
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any, BinaryIO

from hubgen.config import Config, find_config, load_config
from hubgen.content.dates import out_of_range
from hubgen.content.markdown import MarkdownRenderer
from hubgen.content.sanitize import Community, plain_line
from hubgen.content.slugs import slugify
from hubgen.content.sources import content_root, thread_files
from hubgen.content.threads import STATUSES, file_slug, read_thread
from hubgen.errors import (
    Diagnostic,
    Diagnostics,
    HubgenError,
    SourceErrors,
    UsageError,
    display_path,
    undecodable,
)
from hubgen.importers.discourse import forum_of
from hubgen.importers.fetching import API_BASE_VARIABLE, Fetcher
from hubgen.importers.json_export import (
    ExportError,
    JsonValue,
    ShapeError,
    deep_nesting,
    parse_json,
)
from hubgen.importers.merging import MergedMessages, merge_messages
from hubgen.importers.models import (
    PLATFORM_LABELS,
    ImportedMessage,
    ImportedThread,
    ReadContext,
)
from hubgen.importers.people_file import PeopleBook
from hubgen.importers.platforms import PLATFORM_NAMES, READERS, platform_of
from hubgen.importers.staged_file import StagedFile, locked, write_atomically
from hubgen.importers.thread_yaml import (
    Flow,
    ImportMark,
    dump_block,
    dump_thread,
    find_imported,
    messages_block,
    plain_data,
    read_mark,
    replace_blocks,
)
from hubgen.wording import plural
from hubgen.yamlfile import MarkedList, MarkedMap, load_yaml

SLUG_LENGTH = 60
SLUG_BYTES = 120
# Platforms whose export does not say when a post was edited (a Discourse post may be
# edited at any time). Mastodon and Reddit record an edit's time, a Bluesky post is never
# edited, a Hacker News comment only in its first two hours.
EDITS_UNKNOWN = frozenset({"discourse"})


@dataclass(frozen=True)
class ImportOptions:
    """What the command was asked to do."""

    platform: str
    source: str | None = None          # a file, '-' for standard input; None with `url`
    url: str | None = None             # fetch from the platform's API instead
    api_base: str | None = None        # another API address (tests, mirrors, an AppView)
    source_url: str | None = None      # the thread's address, when the file does not say
    slug: str | None = None
    title: str | None = None
    tags: tuple[str, ...] | None = None
    status: str | None = None
    force: bool = False
    root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    stdin: BinaryIO | None = None


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for the command to print."""

    platform: str
    thread_path: Path
    people_path: Path
    outcome: str                       # created | updated | unchanged | replaced
    messages: int
    participants: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    replaced: tuple[str, ...] = ()     # ids whose platform edit replaced the file's text
    new_people: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()


def _source_name(options: ImportOptions) -> str:
    if options.source == "-":
        return "<stdin>"
    return options.source or options.url or ""


def _export(options: ImportOptions) -> Any:
    """The export's JSON, from the file, standard input, or the platform's API."""
    if options.url:
        api_base = options.api_base or os.environ.get(API_BASE_VARIABLE) or None
        return READERS[options.platform].fetch(options.url, Fetcher(api_base))
    name = _source_name(options)
    if options.source == "-":
        # None: standard input was closed when the command started ('<&-'), as empty.
        stream = options.stdin or (sys.stdin.buffer if sys.stdin is not None else None)
        raw = stream.read() if stream is not None else b""
    else:
        path = Path(options.source or "")
        if not path.is_absolute():
            path = options.root / path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ExportError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise ExportError(f"{name} is a folder, not a saved JSON file") from None
        except OSError as exc:
            raise ExportError(f"{name}: cannot read it ({exc.strerror})") from None
    return parse_json(raw, name)


def _possible_dates(thread: ImportedThread, name: str, tz: tzinfo) -> ImportedThread:
    """`thread` without the replies dated where no calendar reaches (a Bluesky client's
    `0001-01-01T00:00:00Z`), which would stop the whole thread from building: each is
    skipped with a note naming it, and an impossible `edited` time is dropped."""
    kept: list[ImportedMessage] = []
    notes = list(thread.notes)
    for index, message in enumerate(thread.messages):
        if out_of_range(message.date, tz):
            if index == 0:
                raise ExportError(f"{name}: the thread's first post ({message.id}) is dated "
                                  f"{message.date.isoformat()}, which no calendar shows")
            notes.append(f"skipped message {message.id} ({message.url or 'no address'}): its "
                         f"date {message.date.isoformat()} is not a real time; its replies "
                         "go under the post above it")
            continue
        if message.edited is not None and out_of_range(message.edited, tz):
            message = dataclasses.replace(message, edited=None)
        kept.append(message)
    if len(kept) == len(thread.messages):
        return thread
    return dataclasses.replace(thread, messages=tuple(kept), notes=tuple(notes))


def read_export(options: ImportOptions, data: Any, tz: tzinfo = UTC) -> ImportedThread:
    """The conversation in `data`, read as the platform the command names."""
    reader = READERS[options.platform]
    name = _source_name(options)
    if not reader.looks_like(data):
        other = platform_of(data)
        if other is not None:
            raise ExportError(f"{name} holds a {READERS[other].EXPORT}, not a {reader.EXPORT}: "
                              f"import it with 'hubgen import {other}'")
    context = ReadContext(name, options.url or options.source_url or "")
    try:
        with deep_nesting():
            thread = reader.read(JsonValue(data), context)
    except ShapeError as exc:
        raise ExportError(f"{name}: not a {reader.EXPORT} hubgen can read: {exc}") from None
    except RecursionError:
        raise ExportError(f"{name}: its replies are nested too deeply to read") from None
    if not thread.messages:
        raise ExportError(f"{name}: the export holds no message hubgen can import")
    thread = _possible_dates(thread, name, tz)
    title = plain_line(thread.title) or f"{PLATFORM_LABELS[thread.platform]} thread"
    return dataclasses.replace(thread, title=title)


def _shortened(slug: str) -> str:
    """`slug` cut at a hyphen to at most SLUG_LENGTH characters and SLUG_BYTES bytes (a
    file name holds 255 bytes, and a letter of some scripts takes 4)."""
    if len(slug) <= SLUG_LENGTH and len(slug.encode()) <= SLUG_BYTES:
        return slug
    cut = slug[:SLUG_LENGTH]
    while len(cut.encode()) > SLUG_BYTES:
        cut = cut[:-1]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def _default_slug(thread: ImportedThread) -> str:
    slug = _shortened(slugify(thread.title))
    return slug or _shortened(f"{thread.platform}-{slugify(thread.root.id) or 'thread'}")


def _addresses(folder: Path, own: Path | None) -> dict[str, Path]:
    """The thread files of the hub by the slug of their address (`slug:`, else the file's
    name), as the build gives it; `own` (the file being written) left out."""
    found: dict[str, Path] = {}
    for path in thread_files(folder):
        if own is not None and path.with_suffix("") == own.with_suffix(""):
            continue
        slug = ""
        try:
            data = load_yaml(path.read_text(encoding="utf-8-sig"), path)
        except (HubgenError, OSError, UnicodeDecodeError):
            data = None
        if isinstance(data, MarkedMap) and isinstance(data.get("slug"), str):
            slug = slugify(data["slug"])
        found.setdefault(slug or file_slug(path), path)
    return found


def _holding_others(folder: Path, own: Path, thread: ImportedThread,
                    root: Path) -> list[str]:
    """A note for each other thread file of the platform that holds messages of `thread`
    already (an earlier import of one of its replies): they would be published twice."""
    ids = {message.id for message in thread.messages}
    urls = {message.url for message in thread.messages if message.url}
    notes = []
    for path in thread_files(folder):
        if path.with_suffix("") == own.with_suffix(""):
            continue
        try:
            data = load_yaml(path.read_text(encoding="utf-8-sig"), path)
        except (HubgenError, OSError, UnicodeDecodeError):
            continue
        source = data.get("source") if isinstance(data, MarkedMap) else None
        messages = data.get("messages") if isinstance(data, MarkedMap) else None
        if not isinstance(source, MarkedMap) or source.get("platform") != thread.platform \
                or not isinstance(messages, MarkedList):
            continue
        shared = sum(1 for message in messages if isinstance(message, MarkedMap) and (
            str(message.get("id", "")).strip() in ids or message.get("url") in urls))
        if shared:
            notes.append(f"{display_path(path, root)} already holds "
                         f"{plural(shared, 'message')} of this thread (an import of one of "
                         "its replies?): the hub publishes them twice; remove that file, or "
                         "those messages from it")
    return notes


def _target(options: ImportOptions, thread: ImportedThread, mark: ImportMark,
            folder: Path, root: Path) -> tuple[Path, str]:
    """The thread file to write, and a note when its name had to change."""
    earlier = find_imported(folder, mark)
    if options.slug is None:
        if earlier is not None:
            return earlier, ""
        wanted = _default_slug(thread)
        # A file of that name is replaced only with --force (see _may_merge); another
        # thread whose `slug:` gives it the address takes the name.
        taken = _addresses(folder, folder / f"{wanted}.yaml")
        slug, number = wanted, 2
        while slug in taken:
            slug = f"{wanted}-{number}"
            number += 1
            if (folder / f"{slug}.yaml").exists() or (folder / f"{slug}.yml").exists():
                taken[slug] = folder / f"{slug}.yaml"
        if slug == wanted:
            return folder / f"{slug}.yaml", ""
        other = taken[wanted]
        return folder / f"{slug}.yaml", (
            f"{display_path(other, root)} already has the address /threads/{wanted}/; "
            f"wrote {slug}.yaml instead (--slug names it)")
    if not options.slug or slugify(options.slug) != options.slug:
        raise UsageError(f"--slug must be lowercase words joined by hyphens, e.g. "
                         f"{slugify(options.slug) or 'brew-thread'!r}; got "
                         f"{options.slug!r}")
    if len(options.slug.encode()) > SLUG_BYTES:
        raise UsageError(f"--slug is too long for a file name ({len(options.slug.encode())} "
                         f"bytes; at most {SLUG_BYTES}): e.g. "
                         f"{_shortened(options.slug)!r}")
    wanted = folder / f"{options.slug}.yaml"
    if earlier is not None and earlier != wanted:
        # Two files of one thread would publish it twice, the curator's work in one only.
        raise UsageError(f"this thread was imported before, into {earlier.name}; import "
                         "again without --slug to update that file, or rename the file "
                         f"to {wanted.name} first")
    other = _addresses(folder, wanted).get(options.slug)
    if other is not None:
        raise UsageError(f"{display_path(other, root)} already has the address "
                         f"/threads/{options.slug}/ (its slug: or file name); choose "
                         "another --slug")
    return wanted, ""


def _earlier_authors(path: Path, mark: ImportMark) -> dict[str, str]:
    """Each message of the earlier import of this thread, by id: the people.yaml key of its
    author ({} when there is none, or it cannot be read: the merge then says why)."""
    earlier = read_mark(path) if path.is_file() else None
    if earlier is None or not earlier.same_thread(mark):
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8-sig"), path)
    except (HubgenError, OSError, UnicodeDecodeError):
        return {}
    messages = data.get("messages") if isinstance(data, MarkedMap) else None
    if not isinstance(messages, MarkedList):
        return {}
    return {str(m.get("id")).strip(): m["author"] for m in messages
            if isinstance(m, MarkedMap) and isinstance(m.get("author"), str)
            and m.get("id") is not None}


def _withdrawn_title(thread: ImportedThread, author: Any, people: PeopleBook,
                     untitled: bool) -> ImportedThread:
    """`thread` with a neutral title when its first post is by someone who withdrew: their
    words name neither the thread, nor its file, nor its address."""
    person = people.people.get(author) if isinstance(author, str) else None
    if person is None or not person.withdrawn:
        return thread
    label = PLATFORM_LABELS[thread.platform]
    title = f"{label} thread of {thread.root.date:%Y-%m-%d}"
    note = (f"the first post is by {author}, who has withdrawn (people.yaml): the title and "
            f"file name are not made from their words ({title!r})")
    if untitled:
        note += "; pass --title to name the thread"
    return dataclasses.replace(thread, title=title, notes=(*thread.notes, note))


def _message_fields(thread: ImportedThread, people: PeopleBook,
                    earlier: dict[str, str]) -> list[dict[str, Any]]:
    # A post never changes its author: an account whose post is in the file already is
    # that post's author, whatever its handle has become since.
    for message in thread.messages:
        if message.id in earlier:
            people.remember(message.author, earlier[message.id])
    fields = []
    for message in thread.messages:
        entry: dict[str, Any] = {"id": message.id, "author": people.author(message.author),
                                 "date": message.date}
        if message.edited is not None:
            entry["edited"] = message.edited
        if message.url:
            entry["url"] = message.url
        if message.reply_to is not None:
            entry["reply_to"] = message.reply_to
        entry["text"] = message.text
        fields.append(entry)
    return fields


def _curated_fields(options: ImportOptions) -> dict[str, Any]:
    """The top-level fields the command line sets (a re-import changes only these)."""
    fields: dict[str, Any] = {}
    if options.title is not None:
        fields["title"] = options.title
    if options.tags is not None:
        fields["tags"] = list(options.tags)
    if options.status is not None:
        fields["status"] = options.status
    return fields


def _new_file(thread: ImportedThread, mark: ImportMark, options: ImportOptions,
              messages: list[dict[str, Any]]) -> str:
    fields: dict[str, Any] = {"title": options.title or thread.title,
                              "date": thread.root.date}
    if options.tags:
        fields["tags"] = list(options.tags)
    fields["source"] = Flow(platform=thread.platform, url=thread.url)
    fields["status"] = options.status or "archived"
    fields["messages"] = messages
    return dump_thread(mark, fields)


def _existing_messages(data: MarkedMap, path: Path, config: Config) -> list[Any]:
    """The messages of the earlier import, which the merge must not lose any of."""
    messages = data.get("messages")
    if messages is None:
        return []
    where = display_path(path, config.root)
    if not isinstance(messages, MarkedList):
        raise ExportError(f"{where}:{data.value_at('messages')[0]}: 'messages' is not a list; "
                          "fix the file, or pass --force to import the thread afresh")
    for index, message in enumerate(messages):
        if not isinstance(message, MarkedMap):
            raise ExportError(f"{where}:{messages.item_at(index)[0]}: a message that is not a "
                              "mapping; fix the file, or pass --force to import the thread "
                              "afresh")
    return list(messages)


def _check(staged: StagedFile, final: Path, config: Config, text: str,
           earlier: str) -> list[Diagnostic]:
    """Read the staged file as the build would; errors stop the import, warnings return.
    An error on a line the file held before (`earlier`) is the curator's: it says so."""
    diagnostics = Diagnostics()
    read_thread(staged.temporary, config, MarkdownRenderer(config), Community(config.base_path),
                diagnostics)
    found = [dataclasses.replace(d, path=final) for d in diagnostics]
    errors = [d for d in found if d.is_error]
    if errors:
        lines = text.lstrip("\ufeff").splitlines()
        kept = set(earlier.lstrip("\ufeff").splitlines())
        where = display_path(final, config.root)

        def told(d: Diagnostic) -> str:
            line = lines[d.line - 1] if 0 < d.line <= len(lines) else None
            mine = " (a line of yours, kept from the file)" \
                if line is not None and line.strip() and line in kept else ""
            return f"{where}:{d.line}: {d.message}{mine}"

        raise ExportError("the imported thread would not build: " + "; ".join(
            told(d) for d in errors))
    return found


@dataclass(frozen=True)
class _Composed:
    """The thread file's new text, the merge behind it, and what it means for the file."""

    text: str
    merged: MergedMessages
    outcome: str


def _check_options(options: ImportOptions) -> None:
    if options.platform not in READERS:
        raise UsageError(f"unknown platform {options.platform!r}; choose one of "
                         f"{', '.join(PLATFORM_NAMES)}")
    if options.status is not None and options.status not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}")
    if options.source is None and options.url is None:
        raise UsageError("give a file (the saved export, or - for standard input) or --url")
    if options.source is not None and options.url is not None:
        raise UsageError("give either a saved export (a file, or - for standard input) "
                         "or --url, not both")
    if options.title is not None and not plain_line(options.title):
        raise UsageError("--title must not be empty: give the thread's title, or leave "
                         "--title out")
    if options.source_url is not None and options.platform == "discourse" \
            and forum_of(options.source_url) is None:
        raise UsageError("--source-url must be the topic's https address "
                         f"(https://FORUM/t/SLUG/ID); got {options.source_url!r}")


def _may_merge(path: Path, mark: ImportMark, options: ImportOptions, config: Config) -> bool:
    """True to merge into `path`, False to write it afresh; refuses another's file."""
    twin = path.with_suffix(".yml" if path.suffix == ".yaml" else ".yaml")
    if twin.exists() and not path.exists():
        raise ExportError(f"{display_path(twin, config.root)} already holds the thread "
                          f"'{path.stem}'; choose another --slug")
    if not path.exists():
        return False
    earlier = read_mark(path)
    if earlier is not None and earlier.same_thread(mark):
        return True
    if not options.force:
        origin = "was not made by hubgen import" if earlier is None else \
            f"was imported from another thread ({earlier.platform} {earlier.url})"
        raise ExportError(f"{display_path(path, config.root)} {origin}; hubgen leaves it "
                          "alone (pass --force to replace it, or --slug to write another file)")
    return False


def _compose(path: Path, thread: ImportedThread, mark: ImportMark, options: ImportOptions,
             incoming: list[dict[str, Any]], config: Config) -> _Composed:
    """The text of the thread file: a new one, or the earlier import merged with this one."""
    if not _may_merge(path, mark, options, config):
        merged = merge_messages([], incoming, thread.root.id, thread.fallback_parent, config.tz)
        return _Composed(_new_file(thread, mark, options, merged.messages), merged,
                         "replaced" if path.exists() else "created")
    earlier = path.read_bytes()
    try:
        old_text = path.read_text(encoding="utf-8-sig")   # a BOM and CRLF line ends set aside
    except UnicodeDecodeError as exc:
        raise SourceErrors([undecodable(path, exc)]) from None
    data = load_yaml(old_text, path)
    if not isinstance(data, MarkedMap):
        raise ExportError(f"{display_path(path, config.root)} is not a mapping of keys; "
                          "fix it or pass --force to import it afresh")
    merged = merge_messages(_existing_messages(data, path, config), incoming, thread.root.id,
                            thread.fallback_parent, config.tz, thread.withheld,
                            edits_known=thread.platform not in EDITS_UNKNOWN)
    blocks = {key: dump_block(key, value) for key, value in _curated_fields(options).items()}
    blocks["messages"], comments_kept = messages_block(old_text, data, merged.messages)
    merged.comments_lost = not comments_kept
    text = replace_blocks(old_text, data, blocks)
    if text is None:           # a layout that cannot be edited in place: written afresh
        whole = {key: plain_data(value) for key, value in data.items() if key != "messages"}
        whole.update(_curated_fields(options))
        whole["messages"] = merged.messages
        text = dump_thread(mark, whole)
        merged.comments_lost = bool(
            {line.strip() for line in old_text.splitlines() if line.strip().startswith("#")}
            - {line.strip() for line in text.splitlines()})
    return _Composed(_as_written_in(earlier, text), merged,
                     "updated" if text != old_text else "unchanged")


def _as_written_in(earlier: bytes, text: str) -> str:
    """`text` with the line ends and byte order mark of the file it replaces, so that a
    merge changes only the lines it changes."""
    if b"\r\n" in earlier:
        text = text.replace("\n", "\r\n")
    return "\ufeff" + text if earlier.startswith(codecs.BOM_UTF8) else text


def _write(path: Path, text: str, people: PeopleBook, platform: str,
           config: Config) -> list[Diagnostic]:
    """Check the thread as the build reads it, then write people.yaml and the thread."""
    try:
        earlier = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        earlier = ""
    rel = display_path(path, config.root)
    try:
        staged = StagedFile(path, text.encode("utf-8"))
    except OSError as exc:
        raise _not_written(rel, exc) from None
    try:
        warnings = _check(staged, path, config, text, earlier)
        people_rel = display_path(people.path, config.root)
        try:
            staged_people = people.stage(f"added by hubgen import {platform} for {rel}")
        except OSError as exc:
            raise _not_written(people_rel, exc) from None
        try:
            _commit_both(staged, rel, staged_people, people_rel)
        finally:
            if staged_people is not None:
                staged_people.discard()
    except BaseException:
        staged.discard()
        raise
    return warnings


def _commit_both(thread: StagedFile, thread_rel: str, people: StagedFile | None,
                 people_rel: str) -> None:
    """Put the thread, then people.yaml in place; should people.yaml be refused (a file
    made immutable, or mounted read-only on its own), the thread is put back as it was, so
    that no thread names people its people.yaml does not hold."""
    before = thread.path.read_bytes() if thread.path.is_file() else None
    try:
        thread.commit()
    except OSError as exc:
        raise _not_written(thread_rel, exc, replacing=True) from None
    if people is None:
        return
    try:
        people.commit()
    except OSError as exc:
        if before is None:
            thread.path.unlink()
        else:
            write_atomically(thread.path, before)
        raise _not_written(people_rel, exc, replacing=True) from None


def _not_written(rel: str, exc: OSError, replacing: bool = False) -> HubgenError:
    """The error for a file the import cannot write: its folder another user's or
    read-only (its temporary file is made first, so nothing is written then), or, when
    `replacing`, the file itself unchangeable."""
    if replacing:
        return HubgenError(f"cannot write {rel}: {exc.strerror or exc}; nothing was written. "
                           "The file may not be replaced (made immutable, or mounted "
                           "read-only on its own): make it writable and import again.")
    folder = os.path.dirname(exc.filename) if exc.filename else "its folder"
    return HubgenError(f"cannot write {rel}: {exc.strerror or exc} in {folder}; nothing was "
                       "written. Make the folder writable and import again.")


def _notes(thread: ImportedThread, merged: MergedMessages) -> tuple[str, ...]:
    notes = list(thread.notes)
    if merged.moved:
        notes.append(f"{plural(merged.moved, 'reply', 'replies')} whose parent is not in the "
                     f"export {'was' if merged.moved == 1 else 'were'} placed under the "
                     "nearest earlier post it holds")
    if merged.newer:
        notes.append(f"{plural(merged.newer, 'message')} of the file "
                     f"{'was' if merged.newer == 1 else 'were'} edited after this export "
                     "was made; the newer text is kept")
    if merged.curated:
        notes.append(f"kept your text of {plural(len(merged.curated), 'message')} the "
                     f"platform did not edit since: {', '.join(merged.curated)}")
    if merged.replaced:
        one = len(merged.replaced) == 1
        notes.append(f"{plural(len(merged.replaced), 'message')} edited on the platform since "
                     f"the file was written {'has' if one else 'have'} its new text; an edit "
                     f"of yours to {'it' if one else 'them'} is replaced (redo it): "
                     f"{', '.join(merged.replaced)}")
    if merged.differed:
        one = len(merged.differed) == 1
        notes.append(f"the text of {plural(len(merged.differed), 'message')} in the file "
                     f"differed from the export's and {'was' if one else 'were'} replaced by "
                     f"it ({PLATFORM_LABELS[thread.platform]} does not say which posts were "
                     f"edited); an edit of yours to {'it' if one else 'them'} is gone (redo "
                     f"it): {', '.join(merged.differed)}")
    if merged.comments_lost:
        notes.append("some comments of yours in the file could not be kept where the "
                     "import rewrote it (a comment at the end of a text block, or in a "
                     "layout it cannot edit line by line): see your version control")
    if merged.withheld:
        notes.append(f"{plural(merged.withheld, 'message')} of the file "
                     f"{'is' if merged.withheld == 1 else 'are'} no longer public on the "
                     "platform; taken down (removed: true)")
    if merged.kept:
        notes.append(f"{plural(merged.kept, 'message')} of the file "
                     f"{'is' if merged.kept == 1 else 'are'} not in this export; kept "
                     "(set removed: true to take one down)")
    return tuple(notes)


def import_thread(options: ImportOptions) -> ImportReport:
    """Import one conversation into the hub; raises HubgenError subclasses on failure."""
    _check_options(options)
    config, _warnings = load_config(find_config(options.root, options.config_file))
    thread = read_export(options, _export(options), config.tz)
    # people.yaml and the thread file are read, merged and written by one import at a time.
    with locked(content_root(config)):
        return _import_locked(options, config, thread)


def _import_locked(options: ImportOptions, config: Config,
                   thread: ImportedThread) -> ImportReport:
    people = PeopleBook(content_root(config) / "people.yaml")
    mark = ImportMark(thread.platform, thread.url, thread.thread_id)
    folder = content_root(config) / "threads"
    earlier = find_imported(folder, mark)
    incoming = _message_fields(
        thread, people, _earlier_authors(earlier, mark) if earlier is not None else {})
    thread = _withdrawn_title(thread, incoming[0]["author"], people,
                              options.title is None and earlier is None)
    path, renamed = _target(options, thread, mark, folder, config.root)
    if renamed:
        thread = dataclasses.replace(thread, notes=(*thread.notes, renamed))
    thread = dataclasses.replace(thread, notes=(
        *thread.notes, *_holding_others(folder, path, thread, config.root)))
    composed = _compose(path, thread, mark, options, incoming, config)
    people.keep_only({m["author"] for m in composed.merged.messages
                      if isinstance(m.get("author"), str)})
    for (platform, handle), (keys, key) in people.shared.items():
        thread = dataclasses.replace(thread, notes=(*thread.notes, (
            f"{handle} is the {PLATFORM_LABELS.get(platform, platform)} handle of "
            f"{len(keys)} people of people.yaml ({', '.join(keys)}); its messages here are "
            f"{key}'s, as before: give the handle to one person only, and set the author: "
            "of its messages to that person")))
    changed = composed.outcome != "unchanged"
    warnings = _write(path, composed.text, people, thread.platform, config) if changed else []
    merged = composed.merged
    return ImportReport(
        platform=thread.platform, thread_path=path, people_path=people.path,
        outcome=composed.outcome, messages=len(merged.messages),
        participants=len({str(m["author"]) for m in merged.messages}), added=merged.added,
        updated=merged.updated, unchanged=merged.unchanged, kept=merged.kept,
        replaced=tuple(merged.replaced + merged.differed) if changed else (),
        new_people=tuple(p.key for p in people.new) if changed else (),
        notes=_notes(thread, merged), warnings=tuple(warnings))


def report_lines(report: ImportReport, root: Path) -> list[str]:
    """What the command prints after an import."""
    label = PLATFORM_LABELS[report.platform]
    where = display_path(report.thread_path, root)
    counts = f"{plural(report.messages, 'message')}, " \
        f"{plural(report.participants, 'participant')}"
    if report.outcome == "unchanged":
        lines = [f"{where} is up to date with this {label} export ({counts}); nothing written"]
    elif report.outcome == "updated":
        kept = "your edits are kept" if not report.replaced else \
            "your edits are kept, but for the text of " + \
            plural(len(report.replaced), "message") + " taken from the platform (note below)"
        lines = [f"Updated {where} from {label}: {report.added} new, {report.updated} edited, "
                 f"{report.unchanged} unchanged ({counts}); {kept}"]
    else:
        verb = "Replaced" if report.outcome == "replaced" else "Wrote"
        lines = [f"{verb} {where} from {label} ({counts})"]
    people = display_path(report.people_path, root)
    if report.new_people:
        lines.append(f"  new people in {people}: {', '.join(report.new_people)}")
    elif report.outcome != "unchanged":
        lines.append(f"  no new people: every author is already in {people}")
    lines += [f"  note: {note}" for note in report.notes]
    return lines
