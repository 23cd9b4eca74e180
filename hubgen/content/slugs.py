"""Slugs: readable, URL-safe names made from titles and file names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter plus marks.
_TRANSLITERATION = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "Þ": "th",
    "ı": "i", "&": " and ", "'": "", "’": "",
})
_SEPARATORS = re.compile(r"[^\w]+", re.UNICODE)
# The longest name of one file or folder that common file systems hold (ext4 counts
# UTF-8 bytes); a slug is a folder's name in the output.
NAME_MAX = 255


def name_bytes(name: str) -> int:
    """How many bytes `name` takes as a file's name."""
    # A file name that is not UTF-8 (a static file's) is held as escapes: its own bytes.
    return len(name.encode("utf-8", "surrogateescape"))


def too_long_for_a_name(name: str) -> bool:
    """True when `name` cannot be one file's or folder's name (more than NAME_MAX bytes)."""
    return name_bytes(name) > NAME_MAX


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Make a lowercase slug: Latin accents dropped (Café → cafe), other scripts kept.

    Words are joined by hyphens; an empty result stays empty so callers can
    report it.
    """
    text = text.translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        # Drop accents on Latin letters; keep the marks other scripts need
        # (Devanagari vowel signs, Japanese dakuten...).
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).lower()
    return _SEPARATORS.sub("-", text).replace("_", "-").strip("-")


# What an address keeps as written (RFC 3986's unreserved characters).
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")


def explicit_slug(written: str) -> tuple[str, str]:
    """The slug a `slug:` written in a file gives, and what in it was not kept ('' when
    nothing): one of letters, digits, '-', '_', '.' and '~' is kept as it is (an old URL,
    say); any other is made a slug as a title is ('.' and '..' make an empty one)."""
    if _UNRESERVED.fullmatch(written) and written not in (".", ".."):
        return written, ""
    slug = slugify(written)
    if slug == written:     # a slug in another script (日本語), already as slugify makes it
        return slug, ""
    return slug, " ".join(dict.fromkeys(char for char in written
                                        if not _UNRESERVED.match(char)))


def slug_changed(written: str, slug: str, dropped: str) -> tuple[str, str]:
    """The warning, and its hint, for a `slug:` that the address cannot keep as written."""
    return (f"'slug' {written!r} becomes {slug!r} in the address, since it holds {dropped!r}",
            "a slug of letters, digits, '-', '_', '.' and '~' is kept as written; write "
            f"'slug: {slug}' to say what the address is.")


@lru_cache(maxsize=65536)
def name_order(name: str) -> tuple[str, str]:
    """A key that sorts names as a reader expects: accents and case aside (Émile beside
    Emma, not after Zoë), the name as written breaking ties so the order never varies."""
    folded = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
    return ("".join(char for char in folded if not unicodedata.combining(char)).casefold(),
            name)
