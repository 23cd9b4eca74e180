"""The text of an imported thread file: its header comment, its YAML, and the top-level
blocks of an existing file that a re-import replaces while keeping the rest byte for byte.

A file made by `hubgen import` starts with a comment naming the platform and the thread:

    # imported by hubgen import mastodon from https://social.example/@ana/1 (id https://…)

The build ignores comments; a re-import reads the line to find the file again and to know
that it may merge into it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from hubgen.content.sources import YAML_SUFFIXES, is_sync_conflict
from hubgen.yamlfile import MarkedList, MarkedMap, reads_as_text

MARKER = re.compile(r"^# imported by hubgen import (?P<platform>[a-z]+) from (?P<url>\S+) "
                    r"\(id (?P<id>[^)\s]*)\)\s*$")
HEADER_HELP = (
    "# Import again to add new replies: title, summary, tags, status, consent and each\n"
    "# message's featured, removed and answers stay as you set them; message text, dates\n"
    "# and replies follow the platform. Take a message down with removed: true.\n")


@dataclass(frozen=True)
class ImportMark:
    """What the header of an imported file says: platform, thread address and id."""

    platform: str
    url: str
    thread_id: str

    def header(self) -> str:
        """The comment lines that open the file."""
        return (f"# imported by hubgen import {self.platform} from {_one_word(self.url)} "
                f"(id {_id_text(self.thread_id)})\n{HEADER_HELP}")

    def same_thread(self, other: ImportMark) -> bool:
        """True when both marks name the same thread of the same platform."""
        return self.platform == other.platform and \
            _thread_key(self.platform, self.thread_id) == \
            _thread_key(other.platform, other.thread_id)


# What would end the header's comment line (YAML also breaks lines at U+0085, U+2028 and
# U+2029), or end the address in it: an address holds none of these but percent-encoded.
_NOT_IN_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f]")


def _one_word(url: str) -> str:
    return _NOT_IN_ADDRESS.sub(lambda match: quote(match[0]), url)


def _id_text(thread_id: str) -> str:
    return quote(thread_id, safe="/:@?&=+$,;~.-_!*'%#")


# A Discourse topic is its forum and its number: its slug follows its title, and earlier
# imports named the topic by an address that held the slug.
_DISCOURSE_TOPIC = re.compile(r"(?P<forum>.+?)/t/(?:[^/]+/)?(?P<number>\d+)/?")


def _thread_key(platform: str, thread_id: str) -> str:
    text = _id_text(thread_id)
    topic = _DISCOURSE_TOPIC.fullmatch(text) if platform == "discourse" else None
    return f"{topic['forum']}/t/{topic['number']}" if topic else text


def read_mark(path: Path) -> ImportMark | None:
    """The import mark of a thread file, or None when it was not made by an import."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as stream:
            first = stream.readline()
    except OSError:
        return None
    match = MARKER.match(first)
    if not match:
        return None
    return ImportMark(match["platform"], match["url"], match["id"])


def find_imported(folder: Path, mark: ImportMark) -> Path | None:
    """The thread file imported earlier from the same thread, if there is one."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        # A sync service's conflicting copy holds the same mark, and is not built.
        if path.suffix.lower() in YAML_SUFFIXES and not path.name.startswith(".") \
                and not is_sync_conflict(path.name):
            found = read_mark(path)
            if found is not None and found.same_thread(mark):
                return path
    return None


class Flow(dict):
    """A mapping written on one line: {platform: mastodon, url: "..."}."""


class FlowList(list):
    """A list written on one line: [a, b]."""


class _ThreadDumper(yaml.SafeDumper):
    """Block style, list items indented under their key, multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list items under their key (`messages:` then `  - id: ...`)."""
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        """Never write YAML anchors and aliases: each value is written out."""
        return True


def format_moment(moment: datetime) -> str:
    """ISO 8601 with its offset, to the second (or millisecond when it has one)."""
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Quoted where hubgen's YAML 1.2 reader would read the plain word as something else
    # (`0o17` a number, where PyYAML's YAML 1.1 writes it bare).
    style = "|" if "\n" in value else None if reads_as_text(value) else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def dump_flow(fields: dict[str, Any]) -> str:
    """`fields` as one line of YAML: `{name: ..., role: ...}`, quoted as hubgen reads it."""
    return yaml.dump(fields, Dumper=_ThreadDumper, default_flow_style=True,
                     allow_unicode=True, sort_keys=False, width=1_000_000).strip()


def _moment(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    if value.tzinfo is None:
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp",
                                       value.isoformat(sep=" ", timespec="seconds"))
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", format_moment(value))


_ThreadDumper.add_representer(str, _text)
_ThreadDumper.add_representer(datetime, _moment)
_ThreadDumper.add_representer(
    Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_ThreadDumper.add_representer(
    FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def plain_data(value: Any) -> Any:
    """A value read from YAML (MarkedMap, MarkedList) as plain dicts and lists."""
    if isinstance(value, MarkedMap | dict) and not isinstance(value, Flow):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, MarkedList | list) and not isinstance(value, FlowList):
        return [plain_data(item) for item in value]
    return value


def _one_line_mappings(value: Any, depth: int = 0) -> Any:
    """Small mappings and lists inside a message (author, source) on one line."""
    if isinstance(value, dict) and depth > 0:
        return Flow(value)
    if isinstance(value, list) and depth > 0:
        return FlowList(value)
    if isinstance(value, dict):
        return {key: _one_line_mappings(item, depth + 1) for key, item in value.items()}
    return value


def dump_block(key: str, value: Any) -> str:
    """`key: value` as YAML text ending in a newline (a top-level block of the file)."""
    if key == "messages" and isinstance(value, list):
        value = [_one_line_mappings(message) for message in value]
    elif isinstance(value, dict) and not isinstance(value, Flow):
        value = Flow(value)
    elif isinstance(value, list) and not isinstance(value, FlowList):
        value = FlowList(value)
    return yaml.dump({key: value}, Dumper=_ThreadDumper, allow_unicode=True, sort_keys=False,
                     width=1_000_000, default_flow_style=False)


def dump_thread(mark: ImportMark, fields: dict[str, Any]) -> str:
    """A whole new thread file: the header, then each top-level key in order."""
    return mark.header() + "".join(dump_block(key, value) for key, value in fields.items())


def _spans(lines: list[str], data: MarkedMap) -> dict[str, tuple[int, int]] | None:
    """Where each top-level key's block lies (line indexes, end excluded); None when the
    file's layout is not one key a line at the margin."""
    starts = []
    for key in data:
        line, column = data.key_at(key)
        if column != 1 or line < 1 or not isinstance(key, str):
            return None
        starts.append((line - 1, key))
    starts.sort()
    spans = {}
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        while end - 1 > start and (not lines[end - 1].strip()
                                   or lines[end - 1].startswith("#")):
            end -= 1           # blank lines and comments before the next key belong to it
        spans[key] = (start, end)
    return spans


def replace_blocks(text: str, data: MarkedMap, blocks: dict[str, str],
                   before: str = "messages") -> str | None:
    """`text` with the top-level blocks of `blocks` replaced (or added before `before`);
    every other byte stays. None when the file's layout does not allow it."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    spans = _spans(lines, data)
    if spans is None:
        return None
    edits: list[tuple[int, int, str]] = []
    added = ""
    for key, block in blocks.items():
        if key in spans:
            edits.append((*spans[key], block))
        else:
            added += block
    if added:
        at = spans[before][0] if before in spans else len(lines)
        edits.append((at, at, added))
    for start, end, block in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[start:end] = [block]
    return "".join(lines)


def comment_lines(lines: list[str]) -> set[int]:
    """The indexes of the `lines` of a YAML file that hold a comment: a '#' outside all the
    scanner reads as tokens, so never one in a quoted or block text ('… #NorthwindChat')."""
    text = "".join(lines)
    read = bytearray(len(text) + 1)      # 1 where a token's text lies
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        start, end = token.start_mark.index, token.end_mark.index
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            # The scanner counts the comment of a block's first line (`|-  # note`) in it.
            header_end = text.find("\n", start)
            start = end if header_end < 0 else min(header_end, end)
        read[start:end] = b"\x01" * (end - start)
    line_starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    return {bisect.bisect_right(line_starts, match.start()) - 1
            for match in re.finditer("#", text) if not read[match.start()]}


def _identifier(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value).strip()


_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[A-Za-z_][\w-]*):(?P<value>[ \t].*|)$")
_BLOCK_SCALAR = re.compile(r"\s*[|>][-+0-9]*\s*(?:#.*)?$")
_DUMPED_COLUMN = 5          # `  - id: …`: where dump_block puts a message's first key


def _trailing_comment(value: str) -> str:
    """The `  # comment` ending a line's value ('' when it has none)."""
    for found in re.finditer(r"[ \t]+#", value):
        try:
            yaml.safe_load(f"k:{value[:found.start()]}")
        except yaml.YAMLError:
            continue
        return value[found.start():].rstrip("\n")
    return ""


def _carry_comments(old: list[str], new: list[str]) -> tuple[list[str], bool]:
    """`new` (a message's lines as dumped) with the comments of `old` (its lines in the
    file): a comment line goes before the key it stood before, a comment at a line's end
    to the same key's line. False when one found no place (it is then left out)."""
    new = list(new)
    pending: list[str] = []
    kept = True
    block_indent = -1            # inside a block scalar's text: '#' there is text
    for line in old:
        body = line.rstrip("\n")
        indent = len(body) - len(body.lstrip())
        if block_indent >= 0 and (not body.strip() or indent > block_indent):
            continue
        block_indent = -1
        if body.strip().startswith("#"):
            pending.append(body + "\n")       # as the curator indented it
            continue
        match = _KEY_LINE.match(body)
        if match is None:
            continue
        value = match["value"]
        if _BLOCK_SCALAR.match(value):
            block_indent = len(match["indent"])
        comment = _trailing_comment(value)
        key = match["key"]
        at = next((i for i, other in enumerate(new)
                   if re.match(rf"\s*(?:- )?{re.escape(key)}:", other)), None)
        if at is None:
            kept = kept and not (comment or pending)
            pending = []
            continue
        if comment and not (_BLOCK_SCALAR.match(new[at].split(":", 1)[1]) or
                            new[at].rstrip("\n").endswith(":")):
            new[at] = new[at].rstrip("\n") + comment + "\n"
        elif comment:
            kept = False
        new[at:at] = pending
        pending = []
    return new + pending, kept


def messages_block(text: str, data: MarkedMap, messages: list[dict[str, Any]]
                   ) -> tuple[str, bool]:
    """The `messages:` block of `text` with `messages` in it: a message the merge left as
    it was keeps its lines byte for byte, comments included; a changed one is written
    anew with the comments of its lines carried over. The flag is False when a comment of
    the file's messages could not be kept."""
    block = dump_block("messages", messages)
    items = data.get("messages")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    spans = _spans(lines, data)
    if not isinstance(items, MarkedList) or not items or spans is None \
            or "messages" not in spans:
        return block, True
    start, end = spans["messages"]
    has_comments = any(start < line < end for line in comment_lines(lines))
    places = [items.item_at(index) for index in range(len(items))]
    starts = [line - 1 for line, _ in places]
    identifiers = [_identifier(item.get("id")) if isinstance(item, MarkedMap) else ""
                   for item in items]
    if any(column != _DUMPED_COLUMN for _, column in places) \
            or any(not start < first < end for first in starts) \
            or starts != sorted(set(starts)) or "" in identifiers \
            or len(set(identifiers)) != len(identifiers):
        return block, not has_comments
    originals = {}
    for index, identifier in enumerate(identifiers):
        stop = starts[index + 1] if index + 1 < len(starts) else end
        originals[identifier] = (plain_data(items[index]), lines[starts[index]:stop])
    out = lines[start:starts[0]]           # `messages:` and any comment under it
    kept = True
    for message in messages:
        original = originals.get(_identifier(message.get("id")))
        if original is not None and original[0] == message:
            out += original[1]
            continue
        dumped = dump_block("messages", [message]).splitlines(keepends=True)[1:]
        if original is not None:
            dumped, carried = _carry_comments(original[1], dumped)
            kept = kept and carried
        out += dumped
    return "".join(out), kept
