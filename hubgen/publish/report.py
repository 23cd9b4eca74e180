"""What one publish did (or, in a dry run, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PublishReport:
    """The files a publish added, updated and removed at the target, those of the target
    it left alone because no publish of hubgen's wrote them, those of the output folder
    it did not ship because the build did not write them, and where it went."""

    target: str
    kind: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    detail: str = ""
    shipped: bool = True   # False for a host that deploys the folder itself
