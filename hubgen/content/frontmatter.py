"""Front matter: the YAML block between `---` lines at the top of a Markdown file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hubgen.errors import Diagnostic, SourceErrors, editor_lines
from hubgen.yamlfile import DuplicateKeys, MarkedMap, load_yaml


@dataclass(frozen=True)
class SplitSource:
    """A Markdown file split into its metadata and its body."""

    metadata: MarkedMap
    body: str
    body_line: int  # the 1-based line where the body starts


def split_front_matter(text: str, path: Path) -> SplitSource:
    """Separate the front matter from the body; raises SourceErrors when it is malformed."""
    text = text.removeprefix("\ufeff")
    lines = editor_lines(text, keepends=True)
    if lines and lines[0].rstrip() in ("+++", "{"):   # Hugo's TOML or JSON front matter
        raise SourceErrors([Diagnostic(
            path, 1, 1, "the front matter is TOML or JSON; hubgen reads YAML front matter",
            "write it as YAML between '---' lines: title = \"Hello\" becomes title: Hello.")])
    blank = next((index for index, line in enumerate(lines) if line.strip()), 0)
    if blank and lines[blank].rstrip() == "---":
        raise SourceErrors([Diagnostic(
            path, blank + 1, 1, "the front matter's '---' must be the file's first line",
            f"delete the blank line{'s' if blank > 1 else ''} above it: with "
            f"{'them' if blank > 1 else 'it'}, the '---' is Markdown, not front matter.")])
    if not lines or lines[0].rstrip() != "---":
        raise SourceErrors([Diagnostic(
            path, 1, 1, "the file has no front matter",
            "start the file with a '---' line, then 'title: ...', then another '---' line.")])
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1:])
            break
    else:
        dashes = next((index for index in range(1, len(lines))
                       if re.fullmatch(r"-{4,}|-{3}\S.*|\.{4,}", lines[index].strip())), None)
        if dashes is not None:   # meant as the end, written otherwise
            raise SourceErrors([Diagnostic(
                path, dashes + 1, 1, f"the front matter is never closed: "
                f"{lines[dashes].strip()!r} is not '---'",
                "end the front matter with a line holding exactly three dashes, '---'.")])
        raise SourceErrors([Diagnostic(
            path, 1, 1, "the front matter is never closed",
            "end the front matter with a line holding only '---'.")])
    found: list[Diagnostic] = []
    try:
        data = load_yaml(yaml_text, path, line_offset=1)
    except DuplicateKeys as exc:   # the rest of the file can still be checked
        data, found = exc.data, exc.diagnostics
    if data is None:
        data = MarkedMap()
    if not isinstance(data, MarkedMap):
        raise SourceErrors([*found, Diagnostic(
            path, 2, 1, "the front matter must be a mapping of keys",
            "write 'key: value' lines, e.g. 'title: Hello'.")])
    if found:
        raise DuplicateKeys(found, SplitSource(data, body, index + 2))
    return SplitSource(data, body, index + 2)
