"""The one error family of hubgen, and the diagnostics a build collects.

A problem in a user's file is a value (`Diagnostic`) with a path, a line, a
column, a message and a hint, until the CLI (or serve's overlay) prints it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

# The line breaks editors count. str.splitlines() also breaks at U+2028, U+2029, U+0085,
# \x0b, \x0c and \x1c-\x1e, which would shift every line number below one of them.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


# A line longer than EXCERPT_LIMIT characters is shown as the EXCERPT_WIDTH around the spot.
EXCERPT_LIMIT = 400
EXCERPT_WIDTH = 200

# What str.splitlines() breaks at besides \n, \r\n and \r.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def editor_lines(text: str, keepends: bool = False) -> list[str]:
    """The lines of `text` as an editor numbers them: broken at \\n, \\r\\n and \\r only."""
    # Nearly every file holds none: splitlines is then the same, and several times faster
    # (a `char in text` search per character is faster still than one regex search).
    if not any(char in text for char in _OTHER_BREAKS):
        return text.splitlines(keepends)
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at `index`, lines counted as editors
    count them."""
    before = text[:index]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return len(LINE_BREAK.findall(before)) + 1, index - line_start + 1


def undecodable(path: Path, exc: UnicodeDecodeError) -> Diagnostic:
    """The error for a file that is not UTF-8, at its first byte that is not."""
    if exc.object[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return saved_as_utf16(path)
    before = exc.object[:exc.start].decode("utf-8", errors="replace")
    line, column = line_and_column(before, len(before))
    byte = exc.object[exc.start]
    return Diagnostic(path, line, column, f"the file is not UTF-8 text: byte 0x{byte:02X} "
                      f"here ({exc.reason})", "save the file as UTF-8 (an editor's "
                      "'Save with encoding' or 'Reopen with encoding' does it).")


def is_utf16(text: str) -> bool:
    """True when `text`, read as UTF-8, is UTF-16 without its byte order mark: a NUL
    beside every letter of Latin script."""
    if "\x00" not in text[:256]:
        return False
    sample = text[:256]
    sides = {index % 2 for index, char in enumerate(sample) if char == "\x00"}
    return sample.count("\x00") * 4 >= len(sample) and len(sides) == 1


def saved_as_utf16(path: Path) -> Diagnostic:
    """The error for a file saved as UTF-16, as Notepad's 'Unicode' saves it: the whole
    file, since its lines read as UTF-8 are only noise."""
    return Diagnostic(path, 0, 0, "the file is saved as UTF-16 (Notepad's 'Unicode'), not "
                      "UTF-8", "save it as UTF-8: in Notepad 'Save As' with the encoding "
                      "'UTF-8'; in another editor 'Save with encoding' does it.")


def caret_padding(text: str) -> str:
    """Blank space as wide on a terminal as `text`: tabs kept, wide (CJK, emoji)
    characters two cells, combining marks none."""
    return "".join("\t" if char == "\t" else
                   "  " if unicodedata.east_asian_width(char) in ("W", "F") else
                   "" if unicodedata.combining(char) else " "
                   for char in text)


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop a build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one place of a user's file.

    `line` and `column` are 1-based; 0 means "the whole file".
    """

    path: Path | None
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """True when this diagnostic stops the build."""
        return self.severity is Severity.ERROR

    def location(self, root: Path | None = None) -> str:
        """`path:line:col`, with the path relative to `root` where possible."""
        if self.path is None:
            return "hubgen"
        shown = display_path(self.path, root)
        if self.line <= 0:
            return shown
        return f"{shown}:{self.line}:{max(self.column, 1)}"

    def as_warning(self) -> Diagnostic:
        """The same diagnostic, demoted to a warning."""
        return Diagnostic(self.path, self.line, self.column, self.message, self.hint,
                          Severity.WARNING)

    def as_error(self) -> Diagnostic:
        """The same diagnostic, promoted to an error (used by `--strict`)."""
        return Diagnostic(self.path, self.line, self.column, self.message, self.hint,
                          Severity.ERROR)

    def excerpt(self) -> tuple[str, str] | None:
        """The offending line of the file and a caret under the column, when known."""
        if self.path is None or self.line <= 0:
            return None
        try:
            _, lines = source_text(self.path)
        except OSError:
            return None
        if self.line > len(lines):
            return None
        text = lines[self.line - 1]
        column = min(max(self.column, 1), len(text) + 1)
        before = text[: column - 1]
        if len(text) > EXCERPT_LIMIT:
            # A paragraph kept on one line (an export, a long message) would fill the
            # terminal, the caret lost pages below: the stretch around the spot is shown.
            start = max(0, min(column - 1 - EXCERPT_WIDTH // 2, len(text) - EXCERPT_WIDTH))
            end = start + EXCERPT_WIDTH
            before = ("…" if start else "") + text[start: column - 1]
            text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
        # Keep tabs in the caret line so the caret stands under the right character.
        padding = caret_padding(before)
        return text.replace("\t", "    "), padding.replace("\t", "    ") + "^"

    def sort_key(self) -> tuple[str, int, int]:
        """Order diagnostics by file, then line, then column."""
        return (str(self.path or ""), self.line, self.column)


def source_text(path: Path) -> tuple[str, tuple[str, ...]]:
    """A source file's text and its lines as an editor counts them (bytes that are not
    UTF-8 replaced), read once for as long as it is unchanged; OSError if unreadable.

    A file with thousands of problems (a big thread's messages each dated before their
    parent) is read once for all their excerpts, and check places every link of a big
    hub's pages in a few sources, not reading them again for each.
    """
    stat = path.stat()
    # The change time too: an edit of the same size within one tick of the clock.
    return _source_text(path, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _source_text(path: Path, *version: int) -> tuple[str, tuple[str, ...]]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    return text, tuple(editor_lines(text))


def display_path(path: Path, root: Path | None) -> str:
    """Show `path` relative to `root` when it lies inside it (a file there that is a link
    to one elsewhere, a shared hubgen.yaml, is shown where it is in `root`)."""
    if root is not None:
        base = root.resolve()
        # realpath, not resolve(): a link that loops is shown too, not an error.
        for place in (Path(os.path.realpath(path.parent)) / path.name,
                      Path(os.path.realpath(path))):
            try:
                return place.relative_to(base).as_posix()
            except ValueError:
                pass
    return str(path)


class HubgenError(Exception):
    """Base of every error hubgen raises on purpose."""


class UsageError(HubgenError):
    """The command was asked for something impossible (a bad option, a refused folder)."""


class SourceErrors(HubgenError):
    """One or more problems in the user's files; carries every diagnostic found."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics: list[Diagnostic] = sorted(diagnostics, key=Diagnostic.sort_key)
        count = sum(1 for d in self.diagnostics if d.is_error)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the hub's files")


class TemplateMistake(ValueError):
    """A call of a template that cannot be meant (a word no word file has, a date style
    misspelt, a kind of list page there is none of), told at the template's line with
    what to write instead."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


class RenderError(Exception):
    """A route could not be rendered (a template's problem); carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Diagnostics:
    """A collector: every stage adds what it finds and keeps going."""

    def __init__(self, strict: bool = False):
        self.strict = strict
        self._items: list[Diagnostic] = []

    def error(self, path: Path | None, line: int, column: int, message: str,
              hint: str = "") -> None:
        """Record an error at a place."""
        self._items.append(Diagnostic(path, line, column, message, hint))

    def warning(self, path: Path | None, line: int, column: int, message: str,
                hint: str = "") -> None:
        """Record a warning at a place; with `strict` it counts as an error."""
        severity = Severity.ERROR if self.strict else Severity.WARNING
        self._items.append(Diagnostic(path, line, column, message, hint, severity))

    def add(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic made elsewhere (strict mode promotes warnings)."""
        if self.strict and not diagnostic.is_error:
            diagnostic = diagnostic.as_error()
        self._items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record several diagnostics."""
        for diagnostic in diagnostics:
            self.add(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that stop a build, in file order."""
        return sorted((d for d in self._items if d.is_error), key=Diagnostic.sort_key)

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics that do not stop a build, in file order."""
        return sorted((d for d in self._items if not d.is_error), key=Diagnostic.sort_key)

    def raise_if_errors(self) -> None:
        """Stop here when anything recorded so far is an error."""
        if any(d.is_error for d in self._items):
            raise SourceErrors(self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self._items, key=Diagnostic.sort_key))

    def __len__(self) -> int:
        return len(self._items)
