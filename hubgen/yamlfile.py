"""YAML parsed safely, with the line and column of every key and value kept.

Mappings come back as `MarkedMap` and sequences as `MarkedList`: plain dicts
and lists that also know where each of their entries stood in the file, so a
later stage can point at the exact spot of a bad value. Only PyYAML's safe
constructors are used.
"""

from __future__ import annotations

import contextlib
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, SequenceNode
from yaml.resolver import Resolver

from hubgen.errors import (
    LINE_BREAK,
    Diagnostic,
    Diagnostics,
    SourceErrors,
    editor_lines,
    is_utf16,
    line_and_column,
    saved_as_utf16,
    undecodable,
)
from hubgen.wording import did_you_mean

Position = tuple[int, int]  # 1-based line, 1-based column

# How deeply lists and mappings may nest. No hub file needs more than a few levels; a
# value nested hundreds deep would exhaust Python's recursion while it is read.
MAX_DEPTH = 100


class MarkedMap(dict):
    """A dict that remembers where each key and each value stood."""

    # How each key that is no text was written (`~`, `1`, `true`); shared and empty until
    # a map has one.
    written_keys: Mapping[Any, str] = MappingProxyType({})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.position: Position = (0, 0)
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}

    def name_of(self, key: Any) -> str:
        """`key` as the file writes it: `~` rather than None, `true` rather than True."""
        return self.written_keys.get(key, str(key))

    def key_at(self, key: Any) -> Position:
        """Where `key` was written (the mapping's own place when unknown)."""
        return self.key_positions.get(key, self.position)

    def value_at(self, key: Any) -> Position:
        """Where the value of `key` was written (its key's place when unknown)."""
        return self.value_positions.get(key, self.key_at(key))

    def text_item_positions(self, key: str, kept: int) -> dict[str, Position]:
        """Where each of the first `kept` non-empty items of the list under `key` was
        written, as 'key[N]' (N counting those items), for a message about one of them;
        empty when `key` holds no list (a comma-separated text, say)."""
        written = self.get(key)
        if not isinstance(written, MarkedList):
            return {}
        # The texts kept are the list's non-empty ones, in order (twice written, twice kept).
        places = [written.item_at(index) for index, text in enumerate(written)
                  if str(text).strip()]
        return {f"{key}[{index}]": place for index, place in enumerate(places[:kept])}


class MarkedList(list):
    """A list that remembers where each item stood."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.position: Position = (0, 0)
        self.item_positions: list[Position] = []

    def item_at(self, index: int) -> Position:
        """Where item `index` was written (the list's own place when unknown)."""
        if 0 <= index < len(self.item_positions):
            return self.item_positions[index]
        return self.position


# Spaces that YAML does not read as spaces: a Mac types a no-break space with Option-Space,
# and text copied from a web page or a word processor carries them. After a key's colon,
# in an indentation or at a key's end one turns the line into something else.
_ODD_SPACES = "".join(map(chr, (0xa0, 0x1680, *range(0x2000, 0x200c), 0x202f, 0x205f, 0x3000)))
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
# One at a key's start or end, or after a colon in it (`name:` and the value, read as one).
_ODD_KEY_SPACE = re.compile(rf"(?:^ *|(?<=:)|(?=[{_ODD_SPACES} ]+$))([{_ODD_SPACES}])")
# Such a space where YAML's syntax needs an ordinary one: in the indentation (or after a
# list's dash), or right after or before a key's colon.
_ODD_SYNTAX_SPACE = re.compile(
    rf"(?:^|(?<=\r))[ {_ODD_SPACES}-]*?(?P<indent>[{_ODD_SPACES}])"
    rf"|(?:(?:^|(?<=\r))[ -]*|[{{,] *)[\w.-]+"
    rf"(?:(?P<before>[{_ODD_SPACES}])+:|:(?P<after>[{_ODD_SPACES}]))", re.MULTILINE)


def _odd_space_problem(char: str) -> tuple[str, str]:
    """The message and hint for a space YAML does not read as one, where one is needed."""
    name = unicodedata.name(char, "space").lower()
    return (f"a {name} (U+{ord(char):04X}) where YAML needs an ordinary space",
            "replace it with an ordinary space (a Mac types a no-break space with "
            "Option-Space; text copied from a web page or a document can hold one).")


def _odd_space_before(text: str, line: int) -> int | None:
    """The index of the last space YAML does not read as one, where its syntax needs an
    ordinary space, on lines 1 to `line` of `text`; None when there is none."""
    if not _ODD_SPACE.search(text):
        return None
    ends = [match.start() for match in LINE_BREAK.finditer(text)]
    found = None
    for match in _ODD_SYNTAX_SPACE.finditer(text, 0, ends[line - 1] if line <= len(ends)
                                            else len(text)):
        group = next(name for name in ("indent", "before", "after") if match[name])
        found = match.start(group)
    return found


class _Lines:
    """Where a mark of YAML's parser stands as an editor numbers lines.

    YAML 1.1 (PyYAML, libyaml) also breaks lines at U+0085, U+2028 and U+2029, which
    editors show within a line; in a text holding one, lines are counted from the mark's
    character index.
    """

    def __init__(self, text: str, line_offset: int = 0):
        self.line_offset = line_offset
        self.starts: list[int] | None = None
        if any(char in text for char in "\x85\u2028\u2029"):
            self.starts = [0, *(match.end() for match in LINE_BREAK.finditer(text))]

    def at(self, mark: yaml.Mark) -> Position:
        """The 1-based line (below the offset) and column of `mark`."""
        if self.starts is None:
            return (mark.line + 1 + self.line_offset, mark.column + 1)
        line = bisect_right(self.starts, mark.index) - 1
        return (line + 1 + self.line_offset, mark.index - self.starts[line] + 1)


class _TooDeep(yaml.MarkedYAMLError):
    """A list or mapping nested deeper than MAX_DEPTH."""


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose containers remember positions and which refuses duplicate keys."""

    lines = _Lines("")
    depth = 0
    # (the key as first written, where; as written again, where)
    duplicate_keys: list[tuple[str, Position, str, Position]]
    # Where a plain key holds a space YAML does not read as one, and that space.
    odd_spaces: list[tuple[Position, str]]
    merged_keys: dict[int, set[int]]   # a mapping node's id → its merged key nodes' ids

    def flatten_mapping(self, node: MappingNode) -> None:
        # Which keys a merge (`<<: *member`) brought in: the mapping's own may override them.
        before = {id(key_node) for key_node, _ in node.value}
        super().flatten_mapping(node)
        merged = {id(key_node) for key_node, _ in node.value} - before
        if merged:
            self.merged_keys.setdefault(id(node), set()).update(merged)

    @contextlib.contextmanager
    def _one_level_deeper(self, mark: yaml.Mark) -> Iterator[None]:
        """Count a list or mapping entered at `mark`; _TooDeep past MAX_DEPTH."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(problem="the value is nested too deeply", problem_mark=mark)
            yield
        finally:
            self.depth -= 1

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # The pure-Python composer recurses too (libyaml's is checked in _parse).
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        with self._one_level_deeper(self.peek_event().start_mark):
            return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if not isinstance(node, MappingNode | SequenceNode):
            try:
                return super().construct_object(node, deep)
            except (ValueError, TypeError, KeyError):   # a value tagged by hand: !!int abc
                raise ConstructorError(None, None, f"{node.value!r} cannot be read as "
                                       f"!!{node.tag.rsplit(':', 1)[-1]}",
                                       node.start_mark) from None
        with self._one_level_deeper(node.start_mark):
            return super().construct_object(node, deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> MarkedMap:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        self.flatten_mapping(node)
        merged = self.merged_keys.get(id(node), set())
        result = MarkedMap()
        result.position = self.lines.at(node.start_mark)
        written: dict[Any, tuple[str, Position]] = {}   # the keys the mapping writes itself
        names: dict[Any, str] = {}   # the keys that are no text, as written
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if type(key) is str:
                # One object for every file's 'title' or 'date': the build cache (pickled)
                # then writes and reads each once, not once per post or message.
                key = sys.intern(key)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError("while reading a mapping", node.start_mark,
                                       "found a key that cannot be used as a name",
                                       key_node.start_mark) from None
            key_pos = self.lines.at(key_node.start_mark)
            # A plain key's style is None to PyYAML's parser, '' to libyaml's.
            odd = _ODD_KEY_SPACE.search(key) if type(key) is str and not key.isascii() \
                and not key_node.style else None
            if odd is not None:
                self.odd_spaces.append(((key_pos[0], key_pos[1] + odd.start(1)), odd[1]))
                # 'title' and a space: the rest of the file is checked as meant.
                key = sys.intern(key.strip(" " + _ODD_SPACES) or key)
            as_written = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            if type(key) is not str:
                names[key] = as_written
            if id(key_node) not in merged:
                if key in written:
                    self.duplicate_keys.append((*written[key], as_written, key_pos))
                written[key] = (as_written, key_pos)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_positions[key] = key_pos
            result.value_positions[key] = self.lines.at(value_node.start_mark)
        if names:
            result.written_keys = names
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> MarkedList:
        if not isinstance(node, SequenceNode):
            raise ConstructorError(None, None, "expected a sequence", node.start_mark)
        result = MarkedList(self.construct_object(child, deep=True) for child in node.value)
        result.position = self.lines.at(node.start_mark)
        result.item_positions = [self.lines.at(child.start_mark) for child in node.value]
        return result


def _construct_timestamp(loader: _MarkedLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date; an impossible one (2026-02-30) stays the text it is, for the reader of
    the field to report at its place while the rest of the file is still read."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


# No leading zero: `08540` or `0800123456` (a postcode, a phone number, an id) stays the
# text written, where YAML 1.1 read octal and 1.2 drops the zeros.
_YAML12_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$")
# YAML 1.1's floats without the sexagesimal ones (`1:30.5` is text, as `1:16` is).
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X)


def _construct_int(loader: _MarkedLoader, node: yaml.ScalarNode) -> int:
    """A YAML 1.2 whole number: 010 is ten, 0o10 eight, 0x10 sixteen."""
    text = str(loader.construct_scalar(node))
    if not _YAML12_INT.match(text):   # tagged !!int by hand
        raise ValueError(text)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


def _yaml12_scalars() -> None:
    """Booleans and whole numbers as YAML 1.2 reads them.

    Only true and false are booleans: YAML 1.1 reads `on: [posts]` as `True: [posts]` and
    the country code `no` as False. Digits with a leading zero are the text written (1.1
    reads `paginate: 010` as 8), `1:16` and `1:30.5` are text, not sexagesimal numbers,
    and `1_000` is text.
    """
    dropped = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    resolvers = {first: [(tag, regexp) for tag, regexp in entries if tag not in dropped]
                 for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    _MarkedLoader.yaml_implicit_resolvers = resolvers
    _MarkedLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"))
    _MarkedLoader.add_implicit_resolver("tag:yaml.org,2002:int", _YAML12_INT,
                                        list("-+0123456789"))
    _MarkedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _MarkedLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT,
                                        list("-+0123456789."))


_yaml12_scalars()


def reads_as_text(value: str) -> bool:
    """True when `value`, written plain (unquoted), reads back as this very text here
    (not `0o17` or `.inf`, numbers to this reader, nor `true`, `null`, a date)."""
    resolvers = _MarkedLoader.yaml_implicit_resolvers
    candidates = resolvers.get(value[:1] if value else "", []) + resolvers.get(None, [])
    return not any(regexp.match(value) for _tag, regexp in candidates)
_MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _MarkedLoader.construct_mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _MarkedLoader.construct_sequence)


try:
    from yaml.cyaml import CParser
except ImportError:  # a PyYAML built without libyaml: the pure-Python parser alone
    _PARSERS: tuple[type[_MarkedLoader], ...] = (_MarkedLoader,)
else:
    class _FastMarkedLoader(CParser, _MarkedLoader):  # type: ignore[misc]
        """The same loader on libyaml's parser, several times faster.

        Its error messages are libyaml's own, so a file it refuses is read again with
        the pure-Python parser to report the wording (and hints) hubgen documents.
        """

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _PARSERS = (_FastMarkedLoader, _MarkedLoader)


# What YAML's parser calls what a user wrote, in the user's words.
_OPENED = {"a quoted scalar": "a quoted value", "a flow sequence": "a list in [ ]",
           "a flow mapping": "a mapping in { }", "a flow node": "a value in [ ] or { }"}


# Quotes that word processors and smart-quote settings type, which YAML reads as text,
# opening a value.
_CURLY_QUOTE = re.compile(r"(?:^|(?<=[\s\[{,]))[“”„‟‘’‚‛«»‹›]")


def _syntax_hint(problem: str, text: str, line: int) -> str:
    """A hint for the YAML mistakes people make most."""
    lines = editor_lines(text)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "never closed" in problem:
        return "close it: a quote with the same quote, '[' with ']', '{' with '}'."
    if "\t" in source_line or "'\\t'" in problem:
        return "YAML does not allow tabs for indentation: indent with spaces."
    curly = _CURLY_QUOTE.search(source_line)
    if curly is not None and ("mapping values are not allowed" in problem
                              or "expected ','" in problem):
        return (f"{curly[0]} is no quote to YAML: quote the value with straight quotes, e.g. "
                "title: \"Q1: why?\" (smart quotes, or text copied from a document, give "
                "curly ones).")
    if "mapping values are not allowed" in problem:
        return ("a value holding ': ' must be quoted, e.g. title: \"Q1: why?\"; "
                "or check the indentation of this line.")
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "each line of a mapping needs 'key: value'; check for a missing colon."
    if "found undefined alias" in problem or "found character '*'" in problem \
            or "found character '@'" in problem or "found character '`'" in problem:
        return "a value starting with *, &, @ or ` must be quoted."
    if "expected ',' or ']'" in problem:
        return "a list opened with '[' must be closed with ']' on the same value."
    if "expected ',' or '}'" in problem:
        return "a mapping opened with '{' must be closed with '}' on the same value."
    if "expected <block end>" in problem or "bad indentation" in problem:
        return "check the indentation: items of one mapping or list line up exactly."
    if "found unexpected end of stream" in problem or "unexpected end" in problem:
        return "a quote or bracket is opened and never closed."
    return "check the YAML syntax around this spot."


class DuplicateKeys(SourceErrors):
    """Keys written twice, or holding a space YAML does not read as one: errors, though the
    file was read. `data` is what it holds (the last value of each key written twice, a
    key without that space), so that the rest of it can still be checked."""

    def __init__(self, diagnostics: list[Diagnostic], data: Any):
        super().__init__(diagnostics)
        self.data = data


class _NestedTooDeep(SourceErrors):
    """Values nested deeper than MAX_DEPTH."""


def load_yaml(text: str, path: Path, line_offset: int = 0) -> Any:
    """Parse YAML text from `path`, keeping positions.

    `line_offset` shifts reported lines (front matter starts below the `---`).
    Raises `SourceErrors` with the file, line and column of a syntax error, or
    `DuplicateKeys` for keys written twice.
    """
    if _too_deep_for_libyaml(text):   # the pure-Python parser says where, safely
        return _parse(_PARSERS[-1], text, path, line_offset)
    try:
        return _parse(_PARSERS[0], text, path, line_offset)
    except DuplicateKeys:
        raise
    except SourceErrors as first:
        if len(_PARSERS) == 1:
            raise
        try:
            return _parse(_PARSERS[-1], text, path, line_offset)
        except DuplicateKeys:
            raise
        except SourceErrors as second:
            # Both refuse the file. The two differ on some details (libyaml takes a tab
            # after "key:"): a mistake found before the place where the other parser
            # stopped is one that parser let pass, so the later one is the real one.
            # Only the pure-Python parser's composer counts the depth as it goes.
            if _place(first) > _place(second) and not isinstance(second, _NestedTooDeep):
                raise first from None
            raise


# libyaml composes nested values by recursion in C: some thousands of levels crash the
# process (Python's recursion limit does not stop it).
_LIBYAML_DEPTH = 2000
_DEEPLY_INDENTED = re.compile(rf"^[ \t?:-]{{{_LIBYAML_DEPTH}}}", re.MULTILINE)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def _too_deep_for_libyaml(text: str) -> bool:
    """Whether `text` may nest values deeper than libyaml can safely read: a nested block
    is indented further, a nested flow value opens one more bracket. Cheap: most files have
    neither long indentation nor thousands of brackets."""
    if _DEEPLY_INDENTED.search(text):
        return True
    if text.count("[") + text.count("{") < _LIBYAML_DEPTH:
        return False
    brackets = _NOT_A_BRACKET.sub("", text)
    return max(accumulate(1 if char in "[{" else -1 for char in brackets)) >= _LIBYAML_DEPTH


def _place(error: SourceErrors) -> tuple[int, int]:
    diagnostic = error.diagnostics[0]
    return (diagnostic.line, diagnostic.column)


def _parse(parser: type[_MarkedLoader], text: str, path: Path, line_offset: int) -> Any:
    loader: _MarkedLoader | None = None
    lines = _Lines(text, line_offset)
    try:
        # The pure-Python reader checks every character as it is made.
        loader = parser(text)
        loader.lines = lines
        loader.duplicate_keys = []
        loader.odd_spaces = []
        loader.merged_keys = {}
        data = loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        index = exc.position
        if exc.encoding != "unicode":   # libyaml counts the bytes of the UTF-8 text
            index = len(text.encode("utf-8")[:index].decode("utf-8", errors="ignore"))
        line, column = line_and_column(text, index)
        raise SourceErrors([Diagnostic(path, line + line_offset, column,
                                       *_unreadable_character(exc.character))]) from None
    except _TooDeep as exc:
        assert exc.problem_mark is not None
        raise _NestedTooDeep([Diagnostic(
            path, *lines.at(exc.problem_mark), "the value is nested too deeply",
            f"hubgen reads lists and mappings nested up to {MAX_DEPTH} levels; check for "
            "brackets opened and never closed.")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        at_the_end = exc.problem_mark is not None and \
            lines.at(exc.problem_mark)[0] - line_offset > len(editor_lines(text.rstrip()))
        opened = (exc.context or "").strip().removeprefix("while scanning ")
        opened = opened.removeprefix("while parsing ")
        # A bracket left open runs on into a later line's key (one indented no deeper than
        # the line it opened on): its opening is the place.
        # (A quote left open inside it is the likelier mistake: see below.)
        ran_on = exc.problem_mark is not None and exc.context_mark is not None and \
            "expected ','" in problem and \
            exc.problem_mark.line > exc.context_mark.line and \
            _indentation(text, exc.problem_mark) <= _indentation(text, exc.context_mark) and \
            _quote_running_on(text, lines, exc.problem_mark) is None
        if (at_the_end or ran_on or "end of stream" in problem) and \
                exc.context_mark is not None and opened in _OPENED:
            # The file ended inside a quote or a bracket: where it was opened is the place.
            mark = exc.context_mark
            problem = f"{_OPENED[opened]} opened here is never closed"
        elif exc.context_mark is not None and opened == "a simple key":
            mark = exc.context_mark   # the line without its colon, not the one after it
        odd = _odd_space_before(text, lines.at(mark)[0] - line_offset) if mark else None
        if odd is not None:
            # The space made a key's line text (or ended the mapping): where YAML stopped
            # is a line or two further on.
            line, column = line_and_column(text, odd)
            raise SourceErrors([Diagnostic(path, line + line_offset, column,
                                           *_odd_space_problem(text[odd]))]) from None
        line, column = lines.at(mark) if mark else (0, 0)
        hint = _syntax_hint(problem, text, line - line_offset)
        quoted_from = _quote_running_on(text, lines, mark) if mark else None
        if quoted_from is not None and "never closed" not in problem:
            hint = (f"a quoted value may run on from line {quoted_from}: check for a missing "
                    "closing quote.")
        raise SourceErrors([Diagnostic(path, line, column, f"YAML syntax error: {problem}",
                                       hint)]) from None
    except yaml.YAMLError as exc:
        raise SourceErrors([Diagnostic(path, 0, 0, f"YAML error: {exc}",
                                       "check the YAML syntax.")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if loader.duplicate_keys or loader.odd_spaces:
        raise DuplicateKeys([*(_duplicate(path, *twice) for twice in loader.duplicate_keys),
                             *(Diagnostic(path, *place, *_odd_space_problem(char))
                               for place, char in loader.odd_spaces)], data)
    return data


def _indentation(text: str, mark: yaml.Mark) -> int:
    """How far the line holding `mark` is indented."""
    start = text.rfind("\n", 0, mark.index) + 1
    line = text[start:mark.index]
    return len(line) - len(line.lstrip(" "))


def _quote_running_on(text: str, lines: _Lines, mark: yaml.Mark) -> int | None:
    """The line where a quoted value opens that runs over several lines up to the mistake
    at `mark`: a missing closing quote makes the value end at the next quote, lines later,
    and the mistake shows only after it. None when there is no such value."""
    last: yaml.ScalarToken | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                last = token
    except yaml.YAMLError:
        pass   # the scanner stops at the mistake, or before it
    if last is None:
        return None
    opened, closed = lines.at(last.start_mark)[0], lines.at(last.end_mark)[0]
    return opened if opened < closed and closed >= lines.at(mark)[0] - 1 else None


def _duplicate(path: Path, first: str, first_place: Position, second: str,
               second_place: Position) -> Diagnostic:
    """The error for a key a mapping writes twice, or two keys YAML reads as one (1, true)."""
    if first == second:
        return Diagnostic(path, *second_place, f"the key '{second}' is written twice (first at "
                          f"line {first_place[0]})",
                          "remove one of the two; YAML would silently keep only the last.")
    return Diagnostic(path, *second_place, f"the key '{second}' is read as the same key as "
                      f"'{first}' (line {first_place[0]}): only the last would be kept",
                      f"quote both to keep them apart, e.g. '{first}': and '{second}':, or "
                      "remove one.")


def _unreadable_character(code: int) -> tuple[str, str]:
    """The message and hint for a character YAML does not allow."""
    if code < 0x20 or 0x7f <= code < 0xa0:
        return (f"an invisible control character U+{code:04X}",
                "delete it (text pasted from a word processor can carry one: U+000B is "
                "Word's line break).")
    return (f"a character YAML does not allow, U+{code:04X}",
            "delete it, or write the text it belongs to in a quoted value with \\u escapes.")


def warn_unknown_keys(data: MarkedMap, known: Sequence[str], path: Path,
                      diagnostics: Diagnostics, where: str, otherwise: str) -> None:
    """Warn of each key of `data` that is not `known`, at the key: "unknown key 'x' `where`",
    hinting the nearest known key, or `otherwise` when none is near."""
    for key in data:
        if key not in known:
            written = data.name_of(key)
            diagnostics.warning(path, *data.key_at(key), f"unknown key '{written}' {where}",
                                did_you_mean(written, known, otherwise))


def read_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file; an unreadable file is a SourceErrors too."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceErrors([undecodable(path, exc)]) from None
    except OSError as exc:
        raise SourceErrors([Diagnostic(path, 0, 0, f"cannot read the file: {exc.strerror}")]) \
            from None
    if is_utf16(text):
        raise SourceErrors([saved_as_utf16(path)])
    return load_yaml(text, path)
