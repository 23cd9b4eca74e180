"""The benchmark's peers build the same pages hubgen does, and its measuring is right.

Hugo and Pelican are installed by CI, so a missing one fails here rather than skipping:
a comparison that silently drops a peer would report nothing wrong.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from benchmarks import measure
from benchmarks.corpus import write_corpus
from benchmarks.measure import run_measured
from benchmarks.peers import PEERS, SET_ASIDE, Peer, count_files, empty_set_aside, read_posts

POSTS = 30
SLUG = re.compile(r"post-(\d{5})")


@dataclass(frozen=True)
class Layout:
    """Where one peer writes each kind of page, relative to the site folder."""

    post: Callable[[int], str]
    index: Callable[[int], str]
    tag: Callable[[str], str]
    feed: str


LAYOUTS = {
    "hugo": Layout(post=lambda n: f"public/posts/post-{n:05d}/index.html",
                   index=lambda n: "public/index.html" if n == 1
                   else f"public/page/{n}/index.html",
                   tag=lambda t: f"public/tags/{t}/index.html",
                   feed="public/index.xml"),
    "pelican": Layout(post=lambda n: f"output/post-{n:05d}.html",
                      index=lambda n: "output/index.html" if n == 1
                      else f"output/index{n}.html",
                      tag=lambda t: f"output/tag/{t}.html",
                      feed="output/feeds/all.rss.xml"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small hub of 30 posts."""
    return write_corpus(tmp_path_factory.mktemp("corpus"), POSTS)


def _linked_posts(page: Path) -> set[int]:
    return {int(number) for number in SLUG.findall(page.read_text())}


@pytest.mark.parametrize("peer", PEERS, ids=lambda peer: peer.name)
def test_peer_builds_the_pages_hubgen_builds(peer: Peer, corpus: Path, tmp_path: Path) -> None:
    if not peer.available():
        pytest.fail(f"{peer.name} is not installed; the benchmark compares against it, "
                    f"so CI must install it (see .ci/run)")
    site = tmp_path / peer.name
    peer.prepare(corpus, site)
    peer.clean(site)
    run_measured(peer.build_command(site), cwd=site)
    layout = LAYOUTS[peer.name]
    posts = read_posts(corpus)

    for post in posts:
        assert (site / layout.post(post.number)).is_file(), layout.post(post.number)
    assert peer.post_file(site, 7).is_file()
    assert peer.template_file(site).is_file()
    assert peer.output_files(site) > POSTS

    # Newest first, ten to a page: 29..20, 19..10, 9..0, and no fourth page.
    pages = POSTS // 10
    for number in range(1, pages + 1):
        newest = POSTS - 10 * (number - 1) - 1
        listed = _linked_posts(site / layout.index(number))
        assert listed == set(range(newest - 9, newest + 1)), layout.index(number)
    assert not (site / layout.index(pages + 1)).exists()

    tagged: dict[str, set[int]] = {}
    for post in posts:
        for tag in post.tags:
            tagged.setdefault(tag, set()).add(post.number)
    for tag, numbers in tagged.items():
        page = site / layout.tag(tag)
        assert page.is_file(), layout.tag(tag)
        assert _linked_posts(page) == numbers, tag

    feed = feedparser.parse((site / layout.feed).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == \
        [f"Post number {n}" for n in range(POSTS - 1, POSTS - 21, -1)]


def test_clean_makes_the_next_build_cold(corpus: Path, tmp_path: Path) -> None:
    for peer in PEERS:
        site = tmp_path / peer.name
        peer.prepare(corpus, site)
        if not peer.available():
            pytest.fail(f"{peer.name} is not installed")
        run_measured(peer.build_command(site), cwd=site)
        assert peer.output_files(site) > 0
        built = peer.output_files(site)
        aside = count_files(tmp_path / SET_ASIDE) if (tmp_path / SET_ASIDE).exists() else 0
        peer.clean(site)
        assert peer.output_files(site) == 0
        assert not (site / "resources").exists() and not (site / "cache").exists()
        # Set aside, not deleted, until the runs are done (see set_aside).
        assert count_files(tmp_path / SET_ASIDE) >= aside + built
    empty_set_aside(tmp_path)
    assert not (tmp_path / SET_ASIDE).exists()


def test_run_measured_reports_time_and_peak_memory(tmp_path: Path) -> None:
    # Repeating a byte writes every page, so all 50 MiB are resident, not just reserved.
    code = "import time; block = b'x' * (50 * 2**20); time.sleep(0.3)"
    measured = run_measured([sys.executable, "-c", code], cwd=tmp_path)
    assert measured.peak_mib >= 45
    assert measured.seconds >= 0.3


def test_run_measured_sums_the_whole_process_tree(tmp_path: Path) -> None:
    # Two grandchildren of 40 MiB alive together: no single process ever held 80 MiB.
    child = "import time; block = b'x' * (40 * 2**20); time.sleep(1)"
    code = ("import subprocess, sys\n"
            f"workers = [subprocess.Popen([sys.executable, '-c', {child!r}]) for _ in '12']\n"
            "for worker in workers: worker.wait()\n")
    measured = run_measured([sys.executable, "-c", code], cwd=tmp_path)
    assert measured.peak_mib >= 75


def test_run_measured_without_sampling_reads_no_memory_while_the_command_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    samples: list[int] = []
    real_tree_kib = measure.tree_kib
    monkeypatch.setattr(measure, "tree_kib", lambda pid: samples.append(pid) or real_tree_kib(pid))
    code = "import time; block = b'x' * (40 * 2**20); time.sleep(0.5)"
    measured = run_measured([sys.executable, "-c", code], cwd=tmp_path, sample=False)
    assert measured.seconds >= 0.5
    assert measured.peak_mib >= 35   # from the process's own accounting (rusage)
    assert samples == []
    run_measured([sys.executable, "-c", code], cwd=tmp_path)
    assert samples   # the default samples


def test_run_measured_raises_with_the_stderr_of_a_failing_command(tmp_path: Path) -> None:
    code = "import sys; print('the reason it broke', file=sys.stderr); sys.exit(3)"
    with pytest.raises(RuntimeError, match="the reason it broke"):
        run_measured([sys.executable, "-c", code], cwd=tmp_path)
