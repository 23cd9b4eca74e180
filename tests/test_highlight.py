"""Code blocks: highlighted by Pygments exactly as Python-Markdown's codehilite does it."""

from __future__ import annotations

import random

import pygments.lexers
import pytest
from lxml import html as lxml_html
from markdown.extensions import codehilite

from benchmarks.corpus import post_text
from hubgen.config import load_config
from hubgen.content import highlight
from hubgen.content.markdown import MarkdownRenderer

# Every way a fenced block names its language: a name, an alias in capitals, attributes,
# a name Pygments lacks, none, plain text; with highlighted lines and line numbers too.
CODE = """\
```python
def brew(grams: int) -> int:
    return grams * 16
```

```Py
print("same lexer, another alias")
```

``` { .javascript #snippet .extra }
const cup = () => "coffee";
```

```nosuchlanguage
<b>stays text</b> & is escaped
```

```
no language at all
```

```text
plain text
```

```python hl_lines="2"
first = 1
second = 2
```

``` { .python linenums="1" }
one = 1
two = 2
```

``` { .python alias="an option Pygments' lexers keep" }
three = 3
```
"""


@pytest.fixture
def renderer(tmp_path) -> MarkdownRenderer:
    (tmp_path / "hubgen.yaml").write_text("title: T\nurl: https://t.example/\n")
    return MarkdownRenderer(load_config(tmp_path / "hubgen.yaml")[0])


def _texts() -> list[str]:
    rng = random.Random(5)
    return [CODE, *(post_text(rng, number) for number in range(5))]   # the benchmark's posts


def test_code_blocks_are_highlighted_exactly_as_with_pygments_own_lookup(renderer, monkeypatch):
    highlight._lexer_class.cache_clear()
    ours = [renderer.render(text).html for text in _texts()]
    # Making the engine pointed codehilite at the lookup made once per language.
    assert codehilite.get_lexer_by_name is highlight.lexer_by_name
    assert highlight._lexer_class.cache_info().hits >= 5
    monkeypatch.setattr(codehilite, "get_lexer_by_name", pygments.lexers.get_lexer_by_name)
    assert [renderer.render(text).html for text in _texts()] == ours

    page = lxml_html.fromstring(f"<div>{ours[0]}</div>")
    blocks = page.xpath('//div[contains(@class, "highlight")]')
    assert len(blocks) == 9
    assert blocks[0].xpath('.//span[@class="k"]/text()')[0] == "def"
    assert blocks[1].xpath('.//span[@class="nb"]/text()')[0] == "print"
    assert blocks[2].xpath('.//span[@class="kd"]/text()')[0] == "const"
    # A language Pygments does not know is shown as text, escaped.
    assert "<b>stays text</b> & is escaped" in blocks[3].text_content()
    assert not blocks[3].xpath(".//b")
    assert page.xpath('//span[@class="hll"]')[0].text_content().startswith("second")


def test_a_lookup_put_in_place_by_someone_else_is_left_alone(monkeypatch):
    def theirs(alias, **options):
        return pygments.lexers.get_lexer_by_name(alias, **options)

    monkeypatch.setattr(codehilite, "get_lexer_by_name", theirs)
    highlight.find_lexers_once()
    assert codehilite.get_lexer_by_name is theirs


def test_a_name_pygments_does_not_know_is_refused_every_time_and_looked_up_once():
    from pygments.util import ClassNotFound
    highlight._lexer_class.cache_clear()
    for _ in range(3):
        with pytest.raises(ClassNotFound, match="no lexer for alias 'nosuchlanguage' found"):
            highlight.lexer_by_name("nosuchlanguage")
        with pytest.raises(ClassNotFound):
            highlight.lexer_by_name("")
    info = highlight._lexer_class.cache_info()
    assert (info.misses, info.hits) == (2, 4)
    assert highlight.lexer_by_name("PY", stripnl=False).name == "Python"
    assert highlight.lexer_by_name("py", stripnl=False).options["stripnl"] is False
