"""Finding a hub's source files and reading each into its model."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hubgen.config import Config
from hubgen.content.documents import read_document
from hubgen.content.markdown import MarkdownRenderer
from hubgen.content.models import Document, DocumentKind, Person, Thread
from hubgen.content.people import read_people
from hubgen.content.sanitize import Community
from hubgen.content.threads import read_thread
from hubgen.errors import Diagnostics

MARKDOWN_SUFFIXES = (".md", ".markdown")
CONTENT_DIR = "content"
FOLDERS: dict[DocumentKind, str] = {"post": "posts", "page": "pages"}


@dataclass(frozen=True)
class Sources:
    """Everything read from a hub's content folder, before any cross-file work."""

    documents: tuple[Document, ...]
    threads: tuple[Thread, ...]
    people: dict[str, Person]
    people_path: Path


def is_ignored(path: Path) -> bool:
    """Hidden files, editor leftovers and `_drafts`-style names are not content."""
    name = path.name
    return name.startswith((".", "_", "#")) or name.endswith(("~", ".swp", ".tmp"))


def content_root(config: Config) -> Path:
    """The hub's `content/` folder."""
    return config.root / CONTENT_DIR


def markdown_files(folder: Path) -> Iterator[tuple[Path, str]]:
    """Markdown files below `folder` in a stable order, with their relative paths."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(is_ignored(Path(part)) for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES:
            yield path, relative.as_posix()


def read_sources(config: Config, diagnostics: Diagnostics) -> Sources:
    """Read every post, page and person of the hub; problems go to `diagnostics`."""
    root = content_root(config)
    renderer = MarkdownRenderer(config)
    documents: list[Document] = []
    for kind, folder_name in FOLDERS.items():
        for path, relative in markdown_files(root / folder_name):
            document = read_document(path, f"{folder_name}/{relative}", kind, config,
                                     renderer, diagnostics)
            if document is not None:
                documents.append(document)
    community = Community()
    threads: list[Thread] = []
    for path in thread_files(root / "threads"):
        thread = read_thread(path, config, renderer, community, diagnostics)
        if thread is not None:
            threads.append(thread)
    people_path = root / "people.yaml"
    people = read_people(people_path, diagnostics)
    return Sources(tuple(documents), tuple(threads), people, people_path)


def thread_files(folder: Path) -> Iterator[Path]:
    """The thread files of a hub, in a stable order."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.y*ml")):
        if path.suffix in (".yaml", ".yml") and path.is_file() and not is_ignored(path):
            yield path
