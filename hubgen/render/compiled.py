"""What a build learns of each template and keeps for the next: its compiled code, and
which variables and templates it reads (`TemplateReads`).

Both are kept per template with a checksum of its source, and worked out again only
when that source changed. Working out what a template reads means parsing it and
walking its tree, which costs more than loading its compiled code: a sixth of a
`hubgen serve` rebuild after a post is edited, where every rebuild asks it of the
card template (see Renderer.card).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import jinja2
import jinja2.bccache
import jinja2.meta


class TemplateReads(NamedTuple):
    """What one template reads, its own source only (not what it imports)."""

    variables: frozenset[str]           # read but never set in it: the page's or globals
    templates: tuple[str | None, ...]   # imported, included or extended; None: by expression


def _read_from_tree(env: jinja2.Environment, source: str) -> TemplateReads:
    tree = env.parse(source)
    return TemplateReads(frozenset(jinja2.meta.find_undeclared_variables(tree)),
                         tuple(jinja2.meta.find_referenced_templates(tree)))


def template_reads(env: jinja2.Environment, name: str) -> TemplateReads:
    """What template `name` reads, kept by the environment's bytecode cache where it is
    one of hubgen's; raises jinja2.TemplateError when it is missing or does not parse."""
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, name)
    kept = env.bytecode_cache
    if not isinstance(kept, MemoryBytecodeCache | FolderBytecodeCache):
        return _read_from_tree(env, source)
    key = kept.get_cache_key(name, filename)
    checksum = kept.get_source_checksum(source)
    reads = kept.load_reads(key, checksum)
    if reads is None:
        reads = _read_from_tree(env, source)
        kept.dump_reads(key, checksum, reads)
    return reads


class _OfTheWords(jinja2.BytecodeCache):
    """Compiled code kept for a template's source and the words compiled into it (see
    saying.SaidWords): a template compiled with other words is compiled again."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        said = getattr(environment, "words_digest", "")
        return super().get_bucket(environment, name, filename, f"{source}\0{said}")


class MemoryBytecodeCache(_OfTheWords):
    """Compiled templates kept between builds (Jinja checks each against its source)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._reads: dict[str, tuple[str, TemplateReads]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def load_reads(self, key: str, checksum: str) -> TemplateReads | None:
        """What the template of `key` reads, if kept for the source of `checksum`."""
        kept = self._reads.get(key)
        return kept[1] if kept is not None and kept[0] == checksum else None

    def dump_reads(self, key: str, checksum: str, reads: TemplateReads) -> None:
        """Keep what the template of `key`, with the source of `checksum`, reads."""
        self._reads[key] = (checksum, reads)


_SEAL_SIZE = 16


def _seal(code: bytes) -> bytes:
    return hashlib.blake2b(code, digest_size=_SEAL_SIZE).digest()


class FolderBytecodeCache(_OfTheWords, jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in a folder, written by whichever process compiled them.

    Jinja checks each against its template's source and its own version, and
    hubgen against a hash of its code: a file cut short or damaged is compiled
    again. What a template reads is kept beside it, in a small JSON file, on the
    same terms. Each file is
    written through `write_whole(path, write)` (the build cache's: see
    build/persist.py), which has `write` fill a temporary file and moves it into place.
    """

    def __init__(self, folder: Path, write_whole: Callable[[Path, Callable[[Path], object]],
                                                           object]):
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))
        self._write_whole = write_whole

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # Jinja's checksum is of the template's source, not of the compiled code: a byte
        # changed in the code would run as it is, or crash the interpreter. Each file is
        # sealed with a hash of its code, and one whose seal fails is compiled afresh.
        try:
            data = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:
            return
        seal, code = data[:_SEAL_SIZE], data[_SEAL_SIZE:]
        if _seal(code) != seal:
            return
        try:
            bucket.bytecode_from_string(code)
        except Exception:  # whatever a file of another Jinja raises: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # Not Jinja's own write: its temporary file names no process, so the cache's sweep
        # could not tell a killed build's from one being written.
        code = bucket.bytecode_to_string()
        self._keep(Path(self._get_cache_filename(bucket)), _seal(code) + code)

    def load_reads(self, key: str, checksum: str) -> TemplateReads | None:
        """What the template of `key` reads, if kept for the source of `checksum` (a
        file that is damaged or not of this form is ignored)."""
        try:
            kept = json.loads(self._reads_file(key).read_bytes())
            variables, templates = kept["variables"], kept["templates"]
            if kept["checksum"] == checksum and isinstance(variables, list) \
                    and isinstance(templates, list) \
                    and all(isinstance(v, str) for v in variables) \
                    and all(t is None or isinstance(t, str) for t in templates):
                return TemplateReads(frozenset(variables), tuple(templates))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def dump_reads(self, key: str, checksum: str, reads: TemplateReads) -> None:
        """Keep what the template of `key`, with the source of `checksum`, reads; whole
        or not at all, as workers may write it at once."""
        text = json.dumps({"checksum": checksum, "variables": sorted(reads.variables),
                           "templates": list(reads.templates)})
        self._keep(self._reads_file(key), text.encode())

    def _reads_file(self, key: str) -> Path:
        name = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        return Path(self.directory) / f"__hubgen_reads_{name}.json"

    def _keep(self, path: Path, data: bytes) -> None:
        # A full disk or a read-only folder leaves it unwritten: worked out again next time.
        with contextlib.suppress(OSError):
            self._write_whole(path, lambda temporary: temporary.write_bytes(data))
