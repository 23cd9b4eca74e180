"""The hashes the build cache keys and checks its contents by.

None of them guards against an attacker (the cache holds nothing another user
could plant): they tell apart the bytes of a source file, a fingerprint's inputs,
or a cache file written whole from one cut short or changed. XXH3's 128 bits do
that at several gigabytes a second, seven times SHA-256's speed here; a big
hub's 66 MB of cache files are checked on every build.
"""

from __future__ import annotations

import os

import xxhash


def stat_stamp(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a file's bytes changed without reading them: its size and times, and
    its inode (a file written anew, then given back its old time, is caught by these)."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def bytes_digest(data: bytes | memoryview) -> str:
    """A 32-character hex hash of some bytes."""
    return xxhash.xxh3_128_hexdigest(data)


class StreamDigest:
    """The same hash as `bytes_digest`, of bytes given piece by piece."""

    def __init__(self) -> None:
        self._state = xxhash.xxh3_128()

    def update(self, data: bytes | memoryview) -> None:
        """Add the next piece."""
        self._state.update(data)

    def hexdigest(self) -> str:
        """The hash of every piece so far, as `bytes_digest` gives it."""
        return self._state.hexdigest()
