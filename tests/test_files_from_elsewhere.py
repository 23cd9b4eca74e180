"""Files as other systems, editors and sync services make them: a team that edits on
Windows, macOS and Linux and shares the hub through Dropbox, Syncthing or a shared drive."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from urllib.parse import quote

from conftest import REPO, parse_html, run_hubgen, said
from serving import serving


def test_a_sync_services_conflicting_copies_are_left_out_with_a_warning(hub):
    # Two people saved the recap at once: Dropbox kept both, the other as "… (Ana's
    # conflicted copy …).md"; Syncthing names its copy "….sync-conflict-…". Each copy
    # was published as a post, a thread or a file of its own: the thread twice, with every
    # message, and a post at /posts/recap-anas-conflicted-copy-2026-03-12/.
    root = hub("conversations")
    content = root / "content"
    copies = {
        "posts/2026-03-12-recap (Ana's conflicted copy 2026-03-12).md":
            "posts/2026-03-12-recap.md",
        "posts/2026-03-12-recap.sync-conflict-20260312-101010-ABCDEFG.md":
            "posts/2026-03-12-recap.md",
        "threads/chat-one (conflicted copy 2026-03-12 101010).yaml": "threads/chat-one.yaml",
        "threads/chat-one.sync-conflict-20260312-101010-ABCDEFG.yaml": "threads/chat-one.yaml",
        "people (Ben's conflicted copy 2026-03-12).yaml": "people.yaml",
    }
    for copy, original in copies.items():
        shutil.copy(content / original, content / copy)
    shutil.copy(root / "static/images/tom.svg",
                root / "static/images/tom (Ana's conflicted copy 2026-03-12).svg")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    assert sorted(p.name for p in (public / "posts").iterdir()) == ["by-zoe", "recap"]
    assert sorted(p.name for p in (public / "threads").iterdir() if p.is_dir()) == \
        ["chat-one", "mastodon-brew", "next-chat"]
    assert sorted(p.name for p in (public / "images").iterdir()) == ["tom.svg"]
    threads = parse_html(public / "threads/index.html")
    assert len(threads.xpath('//main//a[contains(@href, "/threads/chat-one/")]')) == 1
    warnings = said(result.err, "warning")
    for copy, original in copies.items():
        name = original.rsplit("/", 1)[-1]
        assert f"content/{copy}: warning: a copy of {name} that a sync service made when " \
               "two edits of it clashed; it is left out of the site" in warnings
    assert "static/images/tom (Ana's conflicted copy 2026-03-12).svg: warning: a copy of " \
           "tom.svg that a sync service made when two edits of it clashed; it is left out " \
           "of the site" in warnings
    assert "hint: compare it with chat-one.yaml, keep there what you need of it, then " \
           "delete this copy." in result.err
    assert len(warnings) == len(copies) + 1


def test_a_reimport_updates_the_thread_not_a_sync_services_copy_of_it(hub):
    # Dropbox's copy of an imported thread holds the same first line; sorted before the
    # file itself, it was the one a re-import updated, and the site kept the old thread.
    root = hub("import-hub")
    exports = Path(__file__).parent / "fixtures/platforms/mastodon"
    first = run_hubgen("import", "mastodon", str(exports / "thread-2026-03-10.json"),
                       "--slug", "talk", cwd=root)
    assert first.code == 0, first.err
    threads = root / "content/threads"
    copy = threads / "talk (Ana's conflicted copy 2026-03-12).yaml"
    shutil.copy(threads / "talk.yaml", copy)
    kept = copy.read_bytes()
    again = run_hubgen("import", "mastodon", str(exports / "thread-2026-03-11.json"), cwd=root)
    assert again.code == 0, again.err
    assert again.out.startswith("Updated content/threads/talk.yaml from Mastodon")
    assert copy.read_bytes() == kept
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/threads/talk/index.html")
    assert page.xpath('//*[@id="m-111900000000000007"]')


def test_a_no_break_space_where_yaml_needs_a_space_is_the_error_at_its_place(hub):
    # A Mac types a no-break space with Option-Space, and text copied from a web page
    # holds them. After 'title:' it made the line no key at all: the error was "mapping
    # values are not allowed here" a line further on, under a line with nothing wrong.
    root = hub("conversations")
    nbsp = "\u00a0"
    post = root / "content/posts/2026-03-14-nbsp.md"
    post.write_text(f"---\ntitle:{nbsp}Copied from the newsletter\ndate: 2026-03-14\n"
                    "tags: [news]\n---\nBody\n")
    typed = root / "content/posts/2026-03-15-typed.md"
    typed.write_text(f"---\ntitle{nbsp}: Typed on a Mac\ntags: [news]\n---\nBody\n")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace("status: archived", f"status:{nbsp}archived"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    problem = "a no-break space (U+00A0) where YAML needs an ordinary space"
    assert said(result.err, "error") == [
        f"content/posts/2026-03-14-nbsp.md:2:7: error: {problem}",
        f"content/posts/2026-03-15-typed.md:2:6: error: {problem}",
        f"content/threads/chat-one.yaml:6:8: error: {problem}",
    ]
    assert "hint: replace it with an ordinary space (a Mac types a no-break space with " \
           "Option-Space; text copied from a web page or a document can hold one)." in result.err

    for path in (post, typed, thread):
        path.write_text(path.read_text().replace(nbsp, " "))
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("paginate: 10", f"paginate:{nbsp}10"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [f"hubgen.yaml:7:10: error: {problem}"]
    config.write_text(config.read_text().replace(nbsp, " "))
    assert run_hubgen("build", cwd=root).code == 0


def test_a_value_in_curly_quotes_is_told_that_yaml_needs_straight_ones(hub):
    # TextEdit, Word and Google Docs turn "…" into “…”: the title was quoted, and the
    # hint said "a value holding ': ' must be quoted".
    root = hub("conversations")
    (root / "content/posts/2026-03-14-curly.md").write_text(
        "---\ntitle: “Q1: what did we hear?”\ndate: 2026-03-14\n---\nBody\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == ["content/posts/2026-03-14-curly.md:2:11: error: "
                                         "YAML syntax error: mapping values are not allowed here"]
    assert "hint: “ is no quote to YAML: quote the value with straight quotes, e.g. title: " \
           '"Q1: why?" (smart quotes, or text copied from a document, give curly ones).' \
           in result.err


def test_a_file_saved_as_utf16_says_so_without_printing_its_bytes(hub):
    # Notepad's "Unicode" is UTF-16: the error named byte 0xFF and printed the first line
    # read as UTF-8 (replacement characters and a NUL between letters); without its byte
    # order mark, a post had "no front matter" and a thread "an invisible control
    # character U+0000".
    root = hub("conversations")
    content = root / "content"
    for name, encoding in (("posts/2026-03-12-recap.md", "utf-16"),
                           ("posts/2026-03-13-by-zoe.md", "utf-16-le"),
                           ("threads/chat-one.yaml", "utf-16"),
                           ("threads/next-chat.yaml", "utf-16-be"),
                           ("people.yaml", "utf-16")):
        path = content / name
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    problem = "error: the file is saved as UTF-16 (Notepad's 'Unicode'), not UTF-8"
    assert said(result.err, "error") == [
        f"content/people.yaml: {problem}",
        f"content/posts/2026-03-12-recap.md: {problem}",
        f"content/posts/2026-03-13-by-zoe.md: {problem}",
        f"content/threads/chat-one.yaml: {problem}",
        f"content/threads/next-chat.yaml: {problem}",
    ]
    assert "hint: save it as UTF-8: in Notepad 'Save As' with the encoding 'UTF-8'; in " \
           "another editor 'Save with encoding' does it." in result.err
    assert "\x00" not in result.err and "\ufffd" not in result.err

    config = root / "hubgen.yaml"
    config.write_bytes(config.read_text(encoding="utf-8").encode("utf-16"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [f"hubgen.yaml: {problem}"]
    assert "\x00" not in result.err and "\ufffd" not in result.err


def test_a_file_named_on_a_mac_is_reached_by_the_link_typed_to_it(hub):
    # macOS may store "é" in a file's name as "e" and an accent (NFD); a link typed in a
    # post holds "é" (NFC). The file was published under its NFD name: the link led to a
    # 404 on the host and in serve, and check called it broken, the file being right there.
    root = hub("minimal")
    bundle = root / "content/posts" / unicodedata.normalize("NFD", "2026-03-02-café")
    bundle.mkdir()
    (bundle / "index.md").write_text("---\ntitle: Café\n---\n![The view](vue-été.svg)\n\n"
                                     "[My CV](/résumé.pdf)\n")
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    (bundle / unicodedata.normalize("NFD", "vue-été.svg")).write_text(svg)
    (root / "static" / unicodedata.normalize("NFD", "résumé.pdf")).write_bytes(b"%PDF-1.4")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    page = parse_html(public / "posts/cafe/index.html")
    assert page.xpath("//main//img/@src") == ["vue-été.svg"]
    assert (public / "posts/cafe/vue-été.svg").read_text() == svg
    assert (public / "résumé.pdf").read_bytes() == b"%PDF-1.4"
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 0, checked.out
    with serving(root, "--port", "0") as site:
        for path in ("/posts/cafe/vue-été.svg", "/résumé.pdf"):
            assert site.get(quote(path))[0] == 200, path
        site.stop()

    # The same name stored both ways is two files for Linux, one URL for the site.
    (root / "static" / unicodedata.normalize("NFC", "résumé.pdf")).write_bytes(b"%PDF-1.7")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    # (The line is compared as it reads: it names the file both ways.)
    assert [unicodedata.normalize("NFC", line) for line in said(result.err, "error")] == [
        "static/résumé.pdf: error: two files have the URL /résumé.pdf: résumé.pdf and résumé.pdf"]
    assert "hint: their names differ only in how their accented letters are stored (Unicode " \
           "NFC and NFD, as copies from macOS may be): keep one of them." in result.err


def test_a_name_opening_with_a_date_and_a_space_is_told_to_take_a_dash(hub):
    # Finder and Explorer users name a bundle "2026-03-02 Summer trip": the post "has no
    # date", and the hint told them to start the name with the date, as it does.
    root = hub("minimal")
    bundle = root / "content/posts/2026-03-02 Summer trip 🌞"
    bundle.mkdir()
    (bundle / "index.md").write_text("---\ntitle: Summer trip\n---\nSun.\n")
    (root / "content/posts/2026-03-04_notes.md").write_text("---\ntitle: Notes\n---\nA\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "content/posts/2026-03-02 Summer trip 🌞/index.md:2:1: error: the post has no date: "
        "its name starts with '2026-03-02 ', and a date opening a name is read only when '-' "
        "follows it",
        "content/posts/2026-03-04_notes.md:2:1: error: the post has no date: its name starts "
        "with '2026-03-04_', and a date opening a name is read only when '-' follows it",
    ]
    assert "hint: rename it 2026-03-02-summer-trip (the date, '-', then the name), or add " \
           "'date:' to the front matter." in result.err
    assert "hint: rename it 2026-03-04-notes.md (the date" in result.err
    bundle.rename(root / "content/posts/2026-03-02-summer-trip")
    (root / "content/posts/2026-03-04_notes.md").rename(root / "content/posts/2026-03-04-notes.md")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/summer-trip/index.html")
    assert page.xpath("//main//time/@datetime")[0].startswith("2026-03-02")


def test_a_mistake_in_a_very_long_line_shows_the_stretch_around_it(hub):
    # A paragraph kept on one line (a Google Docs export, a long message): the excerpt
    # printed all of it, 18,000 characters and as many spaces before the caret, pages of
    # a terminal with the caret lost among them.
    root = hub("conversations")
    words = " ".join(["lorem"] * 3000)
    (root / "content/posts/2026-03-14-long.md").write_text(
        f"---\ntitle: Long\nsummary: {words} Q1: {words}\n---\n{words}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == "content/posts/2026-03-14-long.md:3:18012: error: YAML syntax error: " \
                       "mapping values are not allowed here"
    shown, caret = lines[1], lines[2]
    assert len(shown) <= 210 and len(caret) <= 210
    assert shown.startswith("    …") and shown.endswith("…") and "lorem" in shown
    assert caret.strip() == "^" and shown[len(caret) - 3:len(caret) + 1] == "Q1: "


def test_office_owner_files_and_macos_folder_icons_are_never_published(hub):
    # Word, Excel and PowerPoint write "~$report.docx" beside a document open in them
    # (holding the name of who opened it); macOS writes "Icon\r" in a folder given an icon.
    # Both were published with the site.
    root = hub("minimal")
    static = root / "static"
    (static / "report.docx").write_bytes(b"PK\x03\x04")
    (static / "~$report.docx").write_bytes(b"\x0bAna Ruiz")
    (static / "images/Icon\r").write_bytes(b"")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    assert (public / "report.docx").exists()
    assert not (public / "~$report.docx").exists()
    assert sorted(path.name for path in (public / "images").iterdir()) == ["cup.svg"]


def test_a_file_icloud_drive_keeps_only_online_is_a_warning_not_a_silent_gap(hub):
    # A hub in ~/Documents on a Mac that optimizes its storage: iCloud Drive replaces a
    # file it keeps only online by ".NAME.icloud". The post was missing from the site with
    # not a word said, and the stand-in was published in place of the image.
    root = hub("conversations")
    post = root / "content/posts/2026-03-13-by-zoe.md"
    post.rename(post.with_name(".2026-03-13-by-zoe.md.icloud"))
    image = root / "static/images/tom.svg"
    image.rename(image.with_name(".tom.svg.icloud"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/posts/.2026-03-13-by-zoe.md.icloud: warning: 2026-03-13-by-zoe.md is in "
        "iCloud Drive but not downloaded to this computer; it is left out of the site",
        "static/images/.tom.svg.icloud: warning: tom.svg is in iCloud Drive but not "
        "downloaded to this computer; it is left out of the site",
    ]
    assert "hint: download it (Finder: 'Download Now'), or choose 'Keep Downloaded' for the " \
           "hub's folder, then build again." in result.err
    assert not (root / "public/images").exists()


def test_a_thread_file_named_in_capitals_is_built_as_a_post_named_so_is(hub):
    # Tools on Windows write "NEXT-CHAT.YAML"; a post may end in ".MD", but such a thread
    # was left out without a word (and a Mac's build, reading "*.yaml", had it).
    root = hub("conversations")
    threads = root / "content/threads"
    (threads / "next-chat.yaml").rename(threads / "NEXT-CHAT.YAML")
    (threads / "mastodon-brew.yaml").rename(threads / "mastodon-brew.Yml")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "3 threads" in result.out
    listed = parse_html(root / "public/threads/index.html")
    for slug in ("next-chat", "mastodon-brew"):
        assert listed.xpath(f'//main//a[@href="/threads/{slug}/"]'), slug
        assert (root / f"public/threads/{slug}/index.html").exists()
    made = run_hubgen("new", "thread", "Next chat", cwd=root)
    assert made.code != 0 and "/threads/next-chat/" in made.err


def test_a_source_named_with_txt_or_rtf_after_its_suffix_is_a_warning(hub):
    # Windows' Explorer hides ".txt": a new text document renamed "post.md" is
    # "post.md.txt"; TextEdit saves rich text as "post.md.rtf". The post, page or thread
    # was missing from the site with not a word said.
    root = hub("conversations")
    content = root / "content"
    post = content / "posts/2026-03-13-by-zoe.md"
    post.rename(post.with_name(post.name + ".txt"))
    thread = content / "threads/next-chat.yaml"
    thread.rename(thread.with_name(thread.name + ".txt"))
    (content / "pages").mkdir()
    (content / "pages/about.md.rtf").write_text("{\\rtf1\\ansi ---\\par title: About}")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/pages/about.md.rtf: warning: this file is rich text (RTF), not about.md, so "
        "it is not built",
        "content/posts/2026-03-13-by-zoe.md.txt: warning: this file's name ends in '.txt' "
        "after 2026-03-13-by-zoe.md, so it is not built (Windows hides the suffix: a text "
        "document renamed 2026-03-13-by-zoe.md keeps its '.txt')",
        "content/threads/next-chat.yaml.txt: warning: this file's name ends in '.txt' after "
        "next-chat.yaml, so it is not built (Windows hides the suffix: a text document "
        "renamed next-chat.yaml keeps its '.txt')",
    ]
    assert "hint: rename it next-chat.yaml (in Explorer, View > Show > File name extensions " \
           "shows the suffix to remove)." in result.err
    assert "hint: save it as plain text named about.md (TextEdit: Format > Make Plain Text, " \
           "then save)." in result.err


def test_a_hub_s_own_names_written_in_another_case_are_told_before_linux_loses_them(hub):
    # Made on a Mac, where "People.yaml" and "Threads/" are found as people.yaml and
    # threads/: on Linux, where the site is built, every author was "unknown", every
    # thread gone, with no word of the files that were right there.
    root = hub("conversations")
    content = root / "content"
    (content / "people.yaml").rename(content / "People.yaml")
    (content / "threads").rename(content / "Threads")
    (content / "Pages").mkdir()
    (content / "Pages/about.md").write_text("---\ntitle: About\n---\nUs.\n")
    result = run_hubgen("build", cwd=root)
    told = ("and finds {name} by that name only where case does not count in file names "
            "(macOS, Windows), not on Linux, where most sites are built")
    warnings = said(result.err, "warning")
    for name, meant in (("Pages", "pages/"), ("People.yaml", "people.yaml"),
                        ("Threads", "threads/")):
        assert f"content/{name}: warning: hubgen reads content/{meant}, " \
               f"{told.format(name=name)}" in warnings
        assert f"hint: rename it {meant.rstrip('/')}." in result.err
    assert not any("content/Pages/about.md" in line for line in warnings)

    # The hub's own folders: a static/ that Linux does not find publishes no file of it.
    (root / "static").rename(root / "Static")
    result = run_hubgen("build", cwd=root)
    assert "Static: warning: hubgen reads static/, and finds Static by that name only where " \
           "case does not count in file names" in result.err

    (root / "hubgen.yaml").rename(root / "Hubgen.yaml")
    result = run_hubgen("build", cwd=root)
    assert result.code != 0
    assert "hubgen reads hubgen.yaml, not Hubgen.yaml; rename it hubgen.yaml" in result.err


def test_a_template_saved_with_a_byte_order_mark_adds_nothing_to_the_pages(hub):
    # Notepad's "UTF-8 with BOM" and VS Code's utf8bom open a file with U+FEFF: a site's
    # partials/head.html so saved put it into <head> of every page, text there that ends
    # the head, so that the styles and meta tags after it fell into the body.
    root = hub("minimal")
    theme = REPO / "themes/default/templates"
    (root / "templates/partials").mkdir(parents=True)
    for name in ("partials/head.html", "post.html"):
        (root / "templates" / name).write_bytes(
            b"\xef\xbb\xbf" + (theme / name).read_bytes().replace(b"\n", b"\r\n"))
    assert run_hubgen("build", cwd=root).code == 0
    raw = (root / "public/posts/the-third/index.html").read_bytes()
    assert raw.startswith(b"<!doctype html>") and "\ufeff".encode() not in raw
    page = parse_html(root / "public/posts/the-third/index.html")
    assert page.xpath("/html/head/link[@rel='stylesheet']")
    assert not page.xpath("/html/body//link[@rel='stylesheet']")


def test_a_template_not_saved_as_utf8_is_an_error_at_its_byte(hub):
    # Saved by an editor set to Windows-1252 (a café, curly quotes): the build called it
    # "likely a bug in hubgen" and printed the template's bytes.
    root = hub("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/byline.html").write_bytes(b"<p>Our caf\xe9 \x93team\x94</p>\n")
    for command in ("build", "check"):
        result = run_hubgen(command, cwd=root)
        assert result.code == 1
        assert said(result.err + result.out, "error") == [
            "templates/partials/byline.html:1:11: error: the file is not UTF-8 text: byte "
            "0xE9 here (invalid continuation byte)"]
        assert "bug in hubgen" not in result.err + result.out
    (root / "templates/partials/byline.html").write_text("<p>Our café “team”</p>\n")
    assert run_hubgen("build", cwd=root).code == 0
