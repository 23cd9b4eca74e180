"""A deterministic synthetic hub of any size: posts, threads with nested messages, people.

Posts are about 600 words with front matter, 1 to 4 of 60 tags and a fenced Python block,
as in the speed issue; the same seed always gives the same bytes.

    python -m benchmarks.corpus DIR --posts 1000 --threads 50
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "coffee", "roast", "bean", "brew", "community", "listen", "reply", "question", "answer",
    "team", "grinder", "kettle", "ratio", "bloom", "extraction", "origin", "farm", "harvest",
    "washed", "natural", "espresso", "filter", "customer", "conversation", "thread", "forum",
    "reader", "cup", "aroma", "acidity", "body", "sweetness", "morning", "routine", "decaf",
    "water", "temperature", "minute", "gram", "scale", "taste", "share",
]
TAGS = [f"topic-{n:02d}" for n in range(60)]
# Early enough that 10,000 posts seven hours apart (and their threads) are all in the past:
# a post dated after the build is scheduled, and no tool builds it.
START = datetime(2014, 1, 1, 9, 0, tzinfo=UTC)

CONFIG = """title: Benchmark Hub
url: https://bench.example/
description: A synthetic hub for measuring hubgen
timezone: UTC
author: {name: Bench Team, email: team@bench.example}
brand: {name: Bench Co, people: [brand-0, brand-1]}
paginate: 10
feeds: {formats: [rss, atom], limit: 20, full_content: true}
"""

CODE = '''```python
def brew(grams: int, ratio: int = 16) -> int:
    """Water for a cup."""
    return grams * ratio
```'''


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def post_text(rng: random.Random, number: int) -> str:
    """One post of about 600 words."""
    tags = ", ".join(rng.sample(TAGS, rng.randint(1, 4)))
    date = START + timedelta(hours=7 * number)
    paragraphs = [_paragraph(rng, 60) for _ in range(10)]
    body = "\n\n".join([*paragraphs[:5], CODE, *paragraphs[5:]])
    return (f"---\ntitle: Post number {number}\ndate: {date:%Y-%m-%d %H:%M}\n"
            f"tags: [{tags}]\nauthor: brand-{number % 2}\n---\n{body}\n")


def thread_text(rng: random.Random, number: int, people: int) -> str:
    """A Mastodon-style thread with nested replies."""
    date = START + timedelta(hours=7 * number * 20 + 3)   # amid the posts, one per 20
    lines = [f"title: Thread number {number}", f"date: {date.isoformat()}",
             f"tags: [{rng.choice(TAGS)}]",
             "source: {platform: mastodon, url: \"https://social.bench.example/@bench/1\"}",
             "messages:"]
    for index in range(rng.randint(8, 30)):
        when = date + timedelta(minutes=5 * index)
        reply = f", reply_to: \"{rng.randrange(index)}\"" if index else ""
        author = f"member-{rng.randrange(people)}" if index % 3 else f"brand-{index % 2}"
        text = _paragraph(rng, 25).replace('"', "")
        lines.append(f"  - {{id: \"{index}\", author: {author}, date: {when.isoformat()}, "
                     f"text: \"{text}\", url: \"https://social.bench.example/@x/{index}\""
                     f"{reply}}}")
    return "\n".join(lines) + "\n"


def post_path(root: Path, number: int) -> Path:
    """Where post `number` of a corpus is: content/posts/post-NNNNN.md (the peers keep it)."""
    return root / f"content/posts/post-{number:05d}.md"


THEME_POST = Path(__file__).parent.parent / "themes/default/templates/post.html"


def own_post_template(root: Path) -> Path:
    """Copy the theme's post template into the hub's templates/ and return the copy.

    A template edit then touches the hub's own copy; the output is the theme's.
    """
    (root / "templates").mkdir(exist_ok=True)
    return Path(shutil.copy(THEME_POST, root / "templates/post.html"))


def write_corpus(root: Path, posts: int, threads: int = 0, people: int = 40,
                 seed: int = 7) -> Path:
    """Write a hub with `posts` posts and `threads` threads into `root`."""
    rng = random.Random(seed)
    (root / "content/posts").mkdir(parents=True, exist_ok=True)
    (root / "content/threads").mkdir(parents=True, exist_ok=True)
    # Written into a folder kept from another run: what that run wrote goes first.
    for stale in [*(root / "content/posts").glob("post-*.md"),
                  *(root / "content/threads").glob("thread-*.yaml")]:
        stale.unlink()
    (root / "hubgen.yaml").write_text(CONFIG)
    lines = ["brand-0: {name: Brand Zero, role: brand}", "brand-1: {name: Brand One, role: brand}"]
    lines += [f"member-{n}: {{name: Member {n}}}" for n in range(people)]
    (root / "content/people.yaml").write_text("\n".join(lines) + "\n")
    for number in range(posts):
        post_path(root, number).write_text(post_text(rng, number))
    for number in range(threads):
        (root / f"content/threads/thread-{number:04d}.yaml").write_text(
            thread_text(rng, number, people))
    return root


def main() -> None:
    """Command line: write a corpus."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    write_corpus(args.folder, args.posts, args.threads)
    print(f"wrote {args.posts} posts and {args.threads} threads to {args.folder}")


if __name__ == "__main__":
    main()
