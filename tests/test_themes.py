"""A site overrides any theme template, and may extend the one it replaces."""

from __future__ import annotations

import re

import pytest
from conftest import parse_html, run_hubgen, said


def test_a_site_template_replaces_the_theme_one(hub):
    root = hub("minimal")
    (root / "templates").mkdir()
    (root / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="custom">Lost? {{ site.title }}</p>'
        "{% endblock %}")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/404.html")
    assert page.xpath('//p[@id="custom"]')[0].text == "Lost? Minimal Hub"


def test_an_override_can_extend_the_template_it_replaces(hub):
    root = hub("minimal")
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "!theme/post.html" %}'
        '{% block comments %}<aside id="extra">Say hello</aside>{% endblock %}')
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/second/index.html")
    assert page.xpath('//aside[@id="extra"]')[0].text == "Say hello"
    assert page.xpath("//h1")[0].text_content().strip() == "Café au lait, naïve résumé"


def test_a_template_error_names_the_template_file_and_line(hub):
    root = hub("minimal")
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ document.title | nosuchfilter }}\n'
        "{% endblock %}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/page.html:3:1: error: template syntax error: No filter named 'nosuchfilter'.")


def test_a_misspelt_name_printed_by_a_template_is_an_error_at_its_line(hub):
    root = hub("minimal")
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "!theme/post.html" %}\n{% block comments %}\n'
        "{% if document.subtitle %}<p>{{ document.subtitle }}</p>{% endif %}\n"
        '<p id="extra">{{ document.extra.mood }}|{{ document.extra.mood|default("calm") }}'
        "|{{ docment.title }}|{{ person(document.author).name }}|{{ note() }}</p>\n"
        "<p>{{ document.titel }}</p>\n{% endblock %}\n"
        "{% macro note(text) %}{{ text }}{% endmacro %}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/post.html:5:1: error: template error: 'Document object' has no attribute "
        "'titel'\n    <p>{{ document.titel }}</p>\n    ^\n  hint: did you mean 'title'? Or, for a "
        "value that may be missing, test it with {% if ... %} or write ...|default('')")
    # Tested, defaulted, a missing key of free-form data, a name that does not exist, an
    # attribute of nothing (a guest author is no person), a macro's argument left out:
    # empty, as in Jinja.
    post = root / "templates/post.html"
    post.write_text(post.read_text().replace("<p>{{ document.titel }}</p>\n", ""))
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/second/index.html")
    assert page.xpath('//p[@id="extra"]')[0].text == "|calm|||"


def test_a_missing_include_is_blamed_where_it_is_written_and_a_loop_is_explained(hub):
    root = hub("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/footer.html").write_text(
        '<footer>\n{% include "partials/socials.html" %}\n{% include "partials/hedaer.html" %}'
        "\n</footer>\n")
    (root / "templates/partials/socials.html").write_text("<p>Follow us</p>\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/partials/footer.html:3:1: error: unknown template 'partials/hedaer.html'\n"
        '    {% include "partials/hedaer.html" %}\n    ^\n'
        "  hint: did you mean 'partials/header.html'? Or add partials/hedaer.html to "
        "templates/.\n")
    (root / "templates/partials/footer.html").unlink()
    (root / "templates/post.html").write_text('{% extends "post.html" %}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/post.html:1:1: error: template error: templates or macros call each other "
        "without end (a template that extends or includes itself?)\n")
    assert "write {% extends \"!theme/post.html\" %}" in result.err


@pytest.mark.parametrize("parent, parent_has_it, named", [
    ("default", True, "default"),
    ("basis", True, "basis"),
    ("basis", False, "default"),   # `!basis/` looks in basis alone: the one below has it
])
def test_a_theme_template_extending_itself_is_told_which_template_to_extend(
        hub, parent, parent_has_it, named):
    # "!theme/post.html", as a site's override writes it, is the theme's own post.html.
    root = hub("minimal")
    theme = root / "themes/brand"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text(f"extends: {parent}\n")
    if parent != "default":
        (root / f"themes/{parent}/templates").mkdir(parents=True)
        if parent_has_it:
            (root / f"themes/{parent}/templates/post.html").write_text(
                '{% extends "!default/post.html" %}\n')
    (theme / "templates/post.html").write_text(
        '{% extends "!theme/post.html" %}\n{% block comments %}<p id="mine">Mine</p>'
        "{% endblock %}\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: brand\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "themes/brand/templates/post.html:1:1: error: template error: templates or macros call "
        "each other without end (a template that extends or includes itself?)"]
    assert (f"hint: a theme builds on its parent's template by the parent's name (\"!theme/\" "
            f"is the theme itself): write {{% extends \"!{named}/post.html\" %}}."
            ) in result.err, result.err
    # The line the hint gives builds.
    (theme / "templates/post.html").write_text(
        (theme / "templates/post.html").read_text().replace("!theme/", f"!{named}/"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/posts/second/index.html")
    assert page.xpath('//p[@id="mine"]/text()') == ["Mine"]


def test_a_theme_of_the_site_extends_the_default(hub):
    root = hub("minimal")
    theme = root / "themes/brand"
    (theme / "templates").mkdir(parents=True)
    (theme / "static/css").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    (theme / "static/css/brand.css").write_text("body { color: teal; }\n")
    (theme / "templates/page.html").write_text(
        '{% extends "!default/page.html" %}{% block content %}<p id="brand">Brand page</p>'
        "{{ super() }}{% endblock %}")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: brand\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert (root / "public/css/brand.css").is_file()
    assert (root / "public/css/hub.css").is_file()
    page = parse_html(root / "public/about/index.html")
    assert page.xpath('//p[@id="brand"]')
    assert "About this hub" in page.text_content()


def test_templates_left_in_a_layouts_folder_are_a_warning_naming_where_they_go(hub):
    # Hugo's layouts/partials/footer.html would change nothing, and nothing would say so.
    root = hub("minimal")
    (root / "layouts/partials").mkdir(parents=True)
    (root / "layouts/partials/footer.html").write_text("<footer>Ours</footer>\n")
    theme = root / "themes/brand"
    (theme / "layouts").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    (theme / "layouts/post.html").write_text('{% extends "!default/post.html" %}\n')
    (root / "_includes").mkdir()
    (root / "_includes/notes.txt").write_text("not a template\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: brand\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "layouts/partials/footer.html: warning: hubgen reads templates from templates/, not "
        "layouts/: the templates in layouts/ are not used",
        "themes/brand/layouts/post.html: warning: hubgen reads templates from "
        "themes/brand/templates/, not layouts/: the templates in layouts/ are not used"]
    assert "hint: move them to templates/ (layouts/partials/footer.html → " \
        "templates/partials/footer.html)." in result.err
    (root / "layouts").rename(root / "templates")
    (theme / "layouts").rename(theme / "templates")
    result = run_hubgen("build", "--strict", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == []
    page = parse_html(root / "public/index.html")
    assert page.xpath("//footer/text()") == ["Ours"]
    # templates/ may be a link to layouts/ (a hub shared with Hugo): those are read.
    (root / "templates").rename(root / "layouts")
    (root / "templates").symlink_to("layouts")
    (root / "template").mkdir()   # a folder of e-mail templates, say: no generator's
    (root / "template/welcome.html").write_text("<p>Welcome</p>\n")
    result = run_hubgen("build", "--strict", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == []


def test_an_unknown_theme_is_an_error(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: nosuch\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "hubgen.yaml:10:8: error: unknown theme 'nosuch'" in result.err


@pytest.mark.parametrize("written", ["../../outside", "..", "brand/sub"])
def test_a_theme_named_by_a_path_is_an_error_never_a_folder_outside_themes(hub, written):
    root = hub("minimal")
    outside = root.parent / "outside"     # a folder that ../../outside would reach from
    (outside / "templates").mkdir(parents=True)   # themes/brand/
    (outside / "templates/base.html").write_text("not the hub's\n")
    (root / "themes/brand/sub").mkdir(parents=True)
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"theme: {written}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert f"hubgen.yaml:10:8: error: a theme is named by its folder, not a path: " \
        f"'{written}'" in result.err
    assert not (root / "public").exists()


def test_templates_compiled_before_the_globals_are_set_see_them(hub):
    from hubgen.config import load_config
    from hubgen.content.themes import theme_chain
    from hubgen.render.templates import make_environment, preload

    root = hub("minimal")
    (root / "templates").mkdir()
    (root / "templates/hello.html").write_text("{{ greeting }}, {{ site_name }}")
    config, _ = load_config(root / "hubgen.yaml")
    env = make_environment(config, theme_chain(config))
    preload(env)   # as a parallel build does while its workers read
    compiled = {name: template for (_, name), template in env.cache.items()}
    assert {"hello.html", "post.html", "partials/head.html"} <= compiled.keys()
    env.globals.update(greeting="Hello", site_name="the hub")   # as the Renderer does later
    assert env.get_template("hello.html") is compiled["hello.html"]
    assert compiled["hello.html"].render() == "Hello, the hub"
    assert compiled["hello.html"].globals is env.globals   # read straight, never copied


def test_the_date_filter_formats_each_instant_in_the_site_zone_whatever_came_first(hub):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from hubgen.config import load_config
    from hubgen.content.themes import theme_chain
    from hubgen.render.templates import make_environment

    root = hub("minimal")
    config_file = root / "hubgen.yaml"
    config_file.write_text(config_file.read_text().replace("timezone: Europe/Paris",
                                                           "timezone: America/New_York"))
    config, _ = load_config(config_file)
    new_york = ZoneInfo("America/New_York")
    # The clocks went back at 02:00 that night: 01:30 came twice, once in each offset.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=new_york)
    second = first.replace(fold=1)
    assert first == second   # Python compares times of one zone by their wall time
    template = make_environment(config, theme_chain(config)).from_string(
        '{{ when|date("%H:%M %Z") }} {{ when|date }}')
    seen = [template.render(when=when) for when in
            (first, second, first, second.astimezone(UTC), datetime(2026, 3, 5, 3, tzinfo=UTC))]
    assert seen == ["01:30 EDT November 1, 2026", "01:30 EST November 1, 2026",
                    "01:30 EDT November 1, 2026", "01:30 EST November 1, 2026",
                    "22:00 EST March 4, 2026"]


def test_a_misspelt_field_of_the_site_or_its_menu_printed_is_an_error_at_its_line(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "menu: [{title: About, url: /about/}]\n")
    (root / "templates").mkdir()
    page = root / "templates/page.html"
    page.write_text('{% extends "base.html" %}\n{% block content %}\n'
                    '<p id="site">{{ site.title }}|{{ site.extra.mood }}</p>\n'
                    "<p>{{ site.titel }}</p>\n{% endblock %}\n")
    for printed, said_as, meant in [
            ("{{ site.titel }}", "'site' has no attribute 'titel'", "title"),
            ("{% for item in site.menu %}{{ item.titel }}{% endfor %}",
             "'a link of site.menu' has no attribute 'titel'", "title"),
            ("{{ site.brand.nme }}", "'site.brand' has no attribute 'nme'", "name")]:
        page.write_text(re.sub(r"<p>.*</p>\n\{% endblock", f"<p>{printed}</p>\n{{% endblock",
                               page.read_text()))
        result = run_hubgen("build", cwd=root)
        assert result.code == 1
        assert result.err.startswith(
            f"templates/page.html:4:1: error: template error: {said_as}\n"), result.err
        assert f"  hint: did you mean '{meant}'? Or, for a value that may be missing" \
            in result.err
    page.write_text(re.sub(r"<p>.*</p>\n\{% endblock", "{% endblock", page.read_text()))
    assert run_hubgen("build", cwd=root).code == 0
    assert parse_html(root / "public/about/index.html").xpath(
        '//p[@id="site"]')[0].text == "Minimal Hub|"


def test_an_error_in_an_included_template_of_any_file_name_is_blamed_at_its_own_line(hub):
    root = hub("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{% include "partials/lede.njk" %}\n'
        "{% endblock %}\n")
    (root / "templates/partials/lede.njk").write_text(
        "<p>{{ document.title }}</p>\n<p>{{ document.titel }}</p>\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/partials/lede.njk:2:1: error: template error: ")
    assert "    <p>{{ document.titel }}</p>\n    ^\n" in result.err


def test_a_card_template_without_its_macro_is_one_error_at_that_template(hub):
    root = hub("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/post-card.html").write_text("<article>{{ doc.title }}</article>\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "templates/partials/post-card.html:1:1: error: partials/post-card.html has no "
        "post_card macro, which listings call through card()"]
    assert "  hint: define {% macro post_card(doc, heading=2, show_image=true) %} … " \
        "{% endmacro %} in it" in result.err


def test_the_date_filter_shows_a_plain_date_and_reads_text_as_front_matter_dates(hub):
    root = hub("minimal")
    post = root / "content/posts/2026-03-05-second.md"
    post.write_text(post.read_text().replace(
        "summary:", 'extra: {launch: 2026-06-01, doors: "2026-06-01 23:30", '
        'live: "2026-06-01T23:30:00Z", later: next week}\nsummary:', 1))
    (root / "templates").mkdir()
    template = root / "templates/post.html"
    template.write_text(
        '{% extends "!theme/post.html" %}\n{% block comments %}\n'
        '{% set extra = document.extra %}<p id="launch">{{ extra.launch|date }}|'
        "{{ extra.launch|isodate }}|{{ extra.doors|date('%B %-d, %H:%M') }}|"
        "{{ extra.live|date('%B %-d, %H:%M') }}|{{ extra.live|isodate }}</p>\n"
        "<p>{{ extra.later|date }}</p>\n{% endblock %}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "templates/post.html:4:1: error: template error: 'next week' is text, not a date: "
        "cannot read 'next week' as a date; write a date such as 2026-05-01")
    template.write_text(template.read_text().replace("<p>{{ extra.later|date }}</p>\n", ""))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    shown = parse_html(root / "public/posts/second/index.html").xpath('//p[@id="launch"]')[0]
    # A day is that day; text without an offset is the site's time (Paris), with one is
    # shown in the site's timezone (isodate keeps the offset written).
    assert shown.text == ("June 1, 2026|2026-06-01|June 1, 23:30|June 2, 01:30|"
                          "2026-06-01T23:30:00+00:00")


def test_a_misspelt_date_style_is_an_error_at_its_line_even_with_no_date_to_show(hub):
    # date("Long") would print "Long" in place of every date, or nothing where there is none.
    root = hub("minimal")
    (root / "templates").mkdir()
    template = root / "templates/post.html"
    template.write_text(
        '{% extends "!theme/post.html" %}\n{% block comments %}\n'
        '<p id="when">{{ document.date|date("medium") }}|{{ document.date|date("%Y") }}</p>\n'
        '<p>{{ document.updated|date("Long") }}</p>\n{% endblock %}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "templates/post.html:4:1: error: template error: date('Long'): no such style, and no "
        "strftime code in it"]
    assert "hint: did you mean 'long'? Or write strftime codes (\"%B %-d, %Y\") (first seen " \
        in result.err, result.err
    template.write_text(template.read_text().replace('"Long"', '"long"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    shown = parse_html(root / "public/posts/second/index.html").xpath('//p[@id="when"]')[0]
    assert shown.text == "Mar 5, 2026|2026"


def test_index_url_links_each_list_page_and_names_the_kinds_when_given_another(hub):
    # index_url("threads") was an AttributeError about 'PermalinksConfig', and
    # index_url("post") a link to /posts/, a page no build makes.
    root = hub("minimal")
    (root / "templates").mkdir()
    template = root / "templates/404.html"
    template.write_text(
        '{% extends "!theme/404.html" %}\n{% block content %}\n<p id="lists">'
        '{{ index_url("tag") }}|{{ index_url("thread") }}|{{ index_url("person") }}</p>\n'
        '<a href="{{ index_url("threads") }}">All threads</a>\n{% endblock %}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "templates/404.html:4:1: error: template error: index_url('threads'): the kinds "
        "listed whole on a page of their own are 'tag', 'thread' and 'person'"]
    assert "hint: did you mean index_url('thread')? (first seen" in result.err, result.err
    template.write_text(template.read_text().replace('"threads"', '"post"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "hint: the posts are listed on the home page: url('/') (first seen" in result.err
    template.write_text(template.read_text().replace('index_url("post")', 'url("/")'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    shown = parse_html(root / "public/404.html").xpath('//p[@id="lists"]')[0]
    assert shown.text == "/tags/|/threads/|/people/"


def test_an_unknown_key_of_a_theme_yaml_is_a_warning_with_a_did_you_mean(hub):
    root = hub("minimal")
    theme = root / "themes/brand"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: Brand\nextend: default\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: brand\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "themes/brand/theme.yaml:2:1: warning: unknown key 'extend' in theme.yaml"]
    assert "  hint: did you mean 'extends'?" in result.err
    result = run_hubgen("build", "--strict", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "themes/brand/theme.yaml:2:1: error: unknown key 'extend' in theme.yaml"]


def test_image_url_of_a_post_without_an_image_is_empty(hub):
    root = hub("minimal")
    post = root / "content/posts/2026-03-01-first-post.md"
    post.write_text(post.read_text().replace("---\n", "---\nimage: /images/cup.svg\n", 1))
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "!theme/post.html" %}'
        '{% block comments %}<p id="image">[{{ image_url(document) }}]</p>{% endblock %}')
    assert run_hubgen("build", cwd=root).code == 0
    shown = {slug: parse_html(root / f"public/posts/{slug}/index.html").xpath(
        '//p[@id="image"]')[0].text for slug in ("first-post", "second")}
    assert shown == {"first-post": "[/images/cup.svg]", "second": "[]"}
