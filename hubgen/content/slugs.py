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


@lru_cache(maxsize=65536)
def name_order(name: str) -> tuple[str, str]:
    """A key that sorts names as a reader expects: accents and case aside (Émile beside
    Emma, not after Zoë), the name as written breaking ties so the order never varies."""
    folded = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
    return ("".join(char for char in folded if not unicodedata.combining(char)).casefold(),
            name)
