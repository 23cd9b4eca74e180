"""The benchmark's command: what it compares, and how it judges the issue's targets.

The peers build the posts only; hubgen's ratios to them must come from its build of the
same posts, and the hub with threads, which only hubgen builds, is shown beside them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import write_corpus
from benchmarks.measure import Measurement
from benchmarks.run import WITH_THREADS, Figures, table, targets

ROOT = Path(__file__).parent.parent


def _figures(cold: float, rebuild: float, edit: float, memory: float = 100.0) -> Figures:
    return Figures(cold=[Measurement(cold, memory)], memory=[memory], unchanged=[rebuild],
                   post_edit=[edit], template_edit=[cold / 2], files=1000, stages="read 1 s")


def _target(lines: list[str], label: str) -> str:
    (line,) = [line for line in lines if line.startswith(f"- {label}:")]
    return line


def test_a_ratio_to_a_peer_is_judged_on_the_posts_both_tools_build():
    results = {1000: {"hubgen": _figures(2.0, 0.2, 0.15),
                      WITH_THREADS: _figures(3.0, 0.6, 0.2),
                      "hugo": _figures(1.5, 1.5, 1.5),
                      "pelican": _figures(7.0, 7.0, 7.0)}}
    lines = targets(results)
    assert _target(lines, "cold 1,000 / Hugo") == \
        "- cold 1,000 / Hugo: 1.33, with threads 2.00 (target ≤ 1.50) met"
    assert _target(lines, "cold 1,000 / Pelican").endswith("(target ≤ 0.33) met")
    assert _target(lines, "no-change rebuild 1,000 / Hugo cold") == \
        "- no-change rebuild 1,000 / Hugo cold: 0.13, with threads 0.40 (target < 0.33) met"
    table_lines = table(1000, results[1000])
    assert table_lines[0] == ("|  | hubgen | hubgen, with threads | hugo | pelican "
                              "| hubgen / hugo | hubgen / pelican |")
    assert table_lines[2] == ("| cold build, 1,000 posts | 2.00 s | 3.00 s | 1.50 s | 7.00 s "
                              "| 1.33 | 0.29 |")
    assert "hubgen, with threads: stages (cold, 1,000 posts): read 1 s" in table_lines


def test_hubgens_own_targets_must_hold_on_both_hubs():
    results = {1000: {"hubgen": _figures(1.0, 0.2, 0.09, memory=90),
                      WITH_THREADS: _figures(2.0, 0.3, 0.3, memory=120)},
               10000: {"hubgen": _figures(10.0, 1.0, 0.5, memory=380),
                       WITH_THREADS: _figures(25.0, 2.0, 2.0, memory=410)}}
    lines = targets(results)
    assert _target(lines, "one post edited 1,000 / own cold") == \
        "- one post edited 1,000 / own cold: 0.090, with threads 0.150 (target < 0.100) MISSED"
    assert _target(lines, "one post edited 10,000 / own cold") == \
        "- one post edited 10,000 / own cold: 0.050, with threads 0.080 (target < 0.100) met"
    assert _target(lines, "peak memory 10,000") == \
        "- peak memory 10,000: 380 MiB, with threads 410 MiB (target < 400 MiB at 10,000) MISSED"
    assert _target(lines, "cold 10,000 / own cold 1,000") == \
        "- cold 10,000 / own cold 1,000: 10.00, with threads 12.50 (target ≤ 11.00) MISSED"
    # Without peers, no ratio to one is printed at all.
    assert not any("Hugo" in line or "Pelican" in line for line in lines)


def test_under_a_limit_is_strictly_under_it():
    # "Under 400 MiB", "under a tenth": the limit itself misses; "at most 1.5" meets it.
    results = {10000: {"hubgen": _figures(15.0, 1.5, 1.5, memory=400),
                       "hugo": _figures(10.0, 10.0, 10.0)}}
    lines = targets(results)
    assert _target(lines, "peak memory 10,000") == \
        "- peak memory 10,000: 400 MiB (target < 400 MiB at 10,000) MISSED"
    assert _target(lines, "one post edited 10,000 / own cold") == \
        "- one post edited 10,000 / own cold: 0.100 (target < 0.100) MISSED"
    assert _target(lines, "cold 10,000 / Hugo") == "- cold 10,000 / Hugo: 1.50 (target ≤ 1.50) met"


def test_the_command_builds_both_hubs_and_both_peers(tmp_path):
    result = subprocess.run([sys.executable, "-m", "benchmarks.run", "--sizes", "40",
                             "--runs", "1", "--keep", str(tmp_path / "work")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    header, _, cold, *_ = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert header == ("|  | hubgen | hubgen, with threads | hugo | pelican "
                      "| hubgen / hugo | hubgen / pelican |")
    cells = [cell.strip() for cell in cold.strip("|").split("|")]
    assert cells[0] == "cold build, 40 posts"
    assert all(float(cell.removesuffix(" s")) > 0 for cell in cells[1:5])
    files = next(line for line in result.stdout.splitlines() if line.startswith("| files written"))
    posts_only, with_threads = (int(cell.strip().replace(",", ""))
                                for cell in files.strip("|").split("|")[1:3])
    assert with_threads > posts_only   # two thread pages, their feeds, the threads list
    assert "- cold 40 / Hugo: " in result.stdout
    # Every hub was built where --keep put it, the posts-only one without threads.
    work = tmp_path / "work/40"
    assert not any((work / "hubgen-40/content/threads").iterdir())
    assert len(list((work / "hubgen-threads-40/content/threads").iterdir())) == 2


def test_a_corpus_written_again_holds_only_what_it_was_asked_for(tmp_path):
    # A folder kept (--keep) from a bigger run must not keep that run's posts and threads.
    root = write_corpus(tmp_path / "hub", posts=12, threads=3)
    (root / "content/posts/notes.md").write_text("---\ntitle: Mine\n---\nKept.\n")
    write_corpus(root, posts=5)
    assert sorted(p.name for p in (root / "content/posts").iterdir()) == \
        ["notes.md", *(f"post-{n:05d}.md" for n in range(5))]
    assert not any((root / "content/threads").iterdir())
