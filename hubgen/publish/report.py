"""What one publish did (or, in a dry run, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PublishReport:
    """The files a publish added, updated and removed at the target, and where it went."""

    target: str
    kind: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    detail: str = ""
