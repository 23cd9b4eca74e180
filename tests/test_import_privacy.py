"""`hubgen import` publishes only what its authors let the public see: a person who withdrew
stays withdrawn, and what a platform keeps from logged-out readers stays out of the hub.

The exports are written here from the platforms' documented shapes (Bluesky's
`app.bsky.feed.getPostThread`, Mastodon's statuses). Every test runs the real command on a
copy of tests/sites/import-hub, then reads the thread file and the page a reader would see.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import parse_html, run_hubgen
from test_import import FIXTURES, import_thread, messages, thread_yaml

from hubgen.importers.models import PLATFORM_LABELS


def bluesky_post(rkey: str, text: str, did: str, handle: str, minute: int,
                 replies: list | None = None, name: str = "", labels: list | None = None,
                 author_labels: list | None = None) -> dict:
    """A threadViewPost, as getPostThread answers it."""
    return {"$type": "app.bsky.feed.defs#threadViewPost",
            "post": {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafy",
                     "author": {"did": did, "handle": handle,
                                "displayName": name or handle.split(".")[0].title(),
                                "labels": author_labels or []},
                     "record": {"$type": "app.bsky.feed.post", "text": text,
                                "createdAt": f"2026-03-02T10:{minute:02d}:00.000Z"},
                     "labels": labels or [], "indexedAt": f"2026-03-02T10:{minute:02d}:00.000Z",
                     "replyCount": len(replies or [])},
            "replies": replies or []}


def write_export(tmp_path: Path, name: str, export: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(export))
    return str(path)


def built_page(root: Path, slug: str = "talk"):
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    return parse_html(root / f"public/threads/{slug}/index.html")


# Bluesky: an account is its DID, whatever its handle -------------------------------------


ALICE = "did:plc:alice0000000000000000000"
BOB = "did:plc:bob00000000000000000000"


def alice_thread(handle: str, later: bool = False) -> dict:
    replies = [bluesky_post("3lbob", "Dark roast, every day", BOB, "bob.example", 1)]
    if later:
        replies.append(bluesky_post("3lalice2", "Alice again: medium for me now", ALICE,
                                    handle, 5))
    return {"thread": bluesky_post("3lroot", "Alice asks: which roast do you drink?", ALICE,
                                   handle, 0, replies, name="Alice")}


def alice_imported(hub, tmp_path: Path) -> tuple[Path, Path]:
    """The import hub with Alice's thread imported as `talk`: (the hub, its people.yaml)."""
    root = hub("import-hub")
    first = import_thread(root, "bluesky",
                          write_export(tmp_path, "one.json", alice_thread("alice.example")),
                          "--slug", "talk")
    assert first.code == 0, first.err
    return root, root / "content/people.yaml"


def test_a_withdrawn_bluesky_author_stays_withdrawn_after_changing_her_handle(hub, tmp_path):
    root, people_path = alice_imported(hub, tmp_path)
    # She asks to be taken down; the curator had made her a moderator and had her consent.
    people_path.write_text(people_path.read_text().replace(
        "bluesky-alice-example: {name: Alice, role: community,",
        "bluesky-alice-example: {name: Alice, role: moderator, withdrawn: true,"))
    thread_file = root / "content/threads/talk.yaml"
    thread_file.write_text(thread_file.read_text().replace(
        "status: archived\n", "status: archived\nconsent: {bluesky-alice-example: granted}\n"))
    people_before = people_path.read_text()

    again = import_thread(root, "bluesky", write_export(
        tmp_path, "two.json", alice_thread("alice-new.example", later=True)))
    assert again.code == 0, again.err
    assert people_path.read_text() == people_before, "no new person for her new handle"
    thread = thread_yaml(root)
    authors = {m["id"]: m["author"] for m in thread["messages"]}
    assert authors == {"3lroot": "bluesky-alice-example", "3lbob": "bluesky-bob-example",
                       "3lalice2": "bluesky-alice-example"}
    assert thread["consent"] == {"bluesky-alice-example": "granted"}
    page = built_page(root)
    for identifier in ("3lroot", "3lalice2"):
        assert page.xpath(f'string(//li[@id="m-{identifier}"]/article'
                          '//*[@class="message__removed"])') == \
            "This message was removed at the author's request."
    assert "medium for me now" not in page.text_content()
    assert "alice-new" not in page.text_content()
    said = " ".join(li.text_content() for li in page.xpath('//main//li[@id="m-3lroot"]'))
    assert "Alice asks" not in said     # (the title the first import made of it is the
    # curator's to change, like any title)
    assert yaml.safe_load(people_before)["bluesky-alice-example"]["ids"] == \
        {"bluesky": ALICE}, "the first import recorded the account's DID with the person"


def test_a_bluesky_account_is_known_by_its_did_even_in_people_made_before_ids(hub, tmp_path):
    root, people_path = alice_imported(hub, tmp_path)
    # An entry written by hand, or by an import before DIDs were recorded.
    people_path.write_text(people_path.read_text().replace(
        ", ids: {bluesky: 'did:plc:alice0000000000000000000'}", "").replace(
        "bluesky-alice-example: {name: Alice, role: community,",
        "bluesky-alice-example: {name: Alice, role: brand,"))
    assert "did:plc:alice" not in people_path.read_text()
    again = import_thread(root, "bluesky", write_export(
        tmp_path, "two.json", alice_thread("alice-new.example", later=True)))
    assert again.code == 0, again.err
    assert "alice-new" not in people_path.read_text()
    authors = {m["id"]: m["author"] for m in thread_yaml(root)["messages"]}
    assert authors["3lroot"] == authors["3lalice2"] == "bluesky-alice-example"
    found = messages(built_page(root))
    assert found["3lalice2"]["author"] == "Alice"
    assert "message--brand" in parse_html(root / "public/threads/talk/index.html").xpath(
        '//li[@id="m-3lalice2"]')[0].get("class")


def test_a_bluesky_handle_taken_over_by_another_account_is_another_person(hub, tmp_path):
    root, people_path = alice_imported(hub, tmp_path)
    people_path.write_text(people_path.read_text().replace(
        "bluesky-alice-example: {name: Alice, role: community,",
        "bluesky-alice-example: {name: Alice, role: community, withdrawn: true,"))
    # Alice gave up alice.example; Mallory took it and posts in another thread.
    mallory = "did:plc:mallory00000000000000000"
    export = {"thread": bluesky_post("3lother", "Mallory here, with Alice's old handle",
                                     mallory, "alice.example", 0, name="Mallory")}
    result = import_thread(root, "bluesky", write_export(tmp_path, "other.json", export),
                           "--slug", "other")
    assert result.code == 0, result.err
    found = messages(built_page(root, "other"))
    assert found["3lother"]["text"] == "Mallory here, with Alice's old handle"
    assert found["3lother"]["author"] == "Mallory"
    key = thread_yaml(root, "other")["messages"][0]["author"]
    assert key != "bluesky-alice-example"
    assert yaml.safe_load(people_path.read_text())[key]["ids"] == {"bluesky": mallory}


def test_a_handle_taken_over_is_another_person_even_for_people_made_before_ids(hub,
                                                                              tmp_path):
    root, people_path = alice_imported(hub, tmp_path)
    people_path.write_text(people_path.read_text().replace(     # an entry made before ids:
        ", ids: {bluesky: 'did:plc:alice0000000000000000000'}", "").replace(
        "role: community,", "role: brand,"))
    # Alice is alice-new.example now; Mallory took alice.example and replies in her thread.
    mallory = "did:plc:mallory00000000000000000"
    export = alice_thread("alice-new.example")
    export["thread"]["replies"].append(bluesky_post("3lmal", "Mallory, as Alice's old name",
                                                    mallory, "alice.example", 9,
                                                    name="Mallory"))
    result = import_thread(root, "bluesky", write_export(tmp_path, "two.json", export))
    assert result.code == 0, result.err
    authors = {m["id"]: m["author"] for m in thread_yaml(root)["messages"]}
    assert authors["3lroot"] == "bluesky-alice-example"
    assert authors["3lmal"] != "bluesky-alice-example"
    page = built_page(root)
    [reply] = page.xpath('//li[@id="m-3lmal"]')
    assert "message--brand" not in reply.get("class")
    assert messages(page)["3lmal"]["author"] == "Mallory"


# Mastodon: only public and unlisted posts ---------------------------------------------


def mastodon_status(number: int, user: str, content: str, reply_to: int | None = None,
                    visibility: str = "public", spoiler: str = "", minute: int = 0,
                    edited: str | None = None) -> dict:
    """A status as `GET /api/v1/statuses/:id` answers it."""
    host = "brew.social"
    return {"id": str(number), "uri": f"https://{host}/users/{user}/statuses/{number}",
            "url": f"https://{host}/@{user}/{number}",
            "created_at": f"2026-03-10T09:{minute:02d}:00.000Z", "edited_at": edited,
            "in_reply_to_id": None if reply_to is None else str(reply_to),
            "sensitive": bool(spoiler), "spoiler_text": spoiler, "visibility": visibility,
            "content": content, "media_attachments": [], "mentions": [], "tags": [],
            "emojis": [], "poll": None, "reblog": None,
            "account": {"id": user, "username": user, "acct": user,
                        "display_name": user.title(), "url": f"https://{host}/@{user}"}}


def test_mastodon_posts_for_any_audience_but_the_public_are_left_out(hub, tmp_path):
    root = hub("import-hub")
    audiences = ["private", "direct", "list", "local", "mutuals_only", "limited"]
    replies = [mastodon_status(200 + n, "bob", f"<p>Only for {audience} readers</p>", 100,
                               audience, minute=n + 1) for n, audience in enumerate(audiences)]
    replies.append(mastodon_status(210, "kim", "<p>Unlisted, yet anyone may read it</p>",
                                   100, "unlisted", minute=30))
    export = {"status": mastodon_status(100, "ana", "<p>Which grind?</p>"),
              "context": {"ancestors": [], "descendants": replies}}
    result = import_thread(root, "mastodon", write_export(tmp_path, "m.json", export),
                           "--slug", "talk")
    assert result.code == 0, result.err
    assert [m["id"] for m in thread_yaml(root)["messages"]] == ["100", "210"]
    page = built_page(root)
    assert list(messages(page)) == ["100", "210"]
    assert "readers" not in page.text_content()
    assert "  note: left out 6 posts that are not public (followers-only, direct, list, " \
           "local, mutuals_only, limited)" in result.out.splitlines()


def test_a_post_made_followers_only_after_its_import_is_taken_down_by_the_next(hub, tmp_path):
    root = hub("import-hub")
    reply = mastodon_status(200, "bob", "<p>Bob's second thoughts</p>", 100, minute=1)
    export = {"status": mastodon_status(100, "ana", "<p>Which grind?</p>"),
              "context": {"ancestors": [], "descendants": [reply]}}
    assert import_thread(root, "mastodon", write_export(tmp_path, "one.json", export),
                         "--slug", "talk").code == 0
    assert "second thoughts" in built_page(root).text_content()
    reply["visibility"] = "private"          # Bob made it followers-only since
    # ... and the thread is read through another instance's API: other ids, same addresses.
    export["status"]["id"], reply["id"], reply["in_reply_to_id"] = "9100", "9200", "9100"
    again = import_thread(root, "mastodon", write_export(tmp_path, "two.json", export))
    assert again.code == 0, again.err
    assert "  note: 1 message of the file is no longer public on the platform; taken down " \
           "(removed: true)" in again.out.splitlines()
    [kept] = [m for m in thread_yaml(root)["messages"] if m["id"] == "200"]
    assert kept["removed"] is True
    assert "second thoughts" not in built_page(root).text_content()


def test_a_bluesky_reply_its_thread_s_author_hid_after_its_import_is_taken_down(hub,
                                                                               tmp_path):
    root, _ = alice_imported(hub, tmp_path)
    assert "Dark roast" in built_page(root).text_content()
    export = alice_thread("alice.example")
    export["threadgate"] = {"uri": f"at://{ALICE}/app.bsky.feed.threadgate/3lroot",
                            "record": {"$type": "app.bsky.feed.threadgate",
                                       "hiddenReplies": [f"at://{BOB}/app.bsky.feed.post/3lbob"]}}
    again = import_thread(root, "bluesky", write_export(tmp_path, "two.json", export))
    assert again.code == 0, again.err
    assert "no longer public on the platform; taken down" in again.out
    assert "Dark roast" not in built_page(root).text_content()


def test_a_mastodon_reply_to_a_post_left_out_goes_under_the_nearest_post_kept(hub, tmp_path):
    root = hub("import-hub")
    replies = [mastodon_status(101, "bob", "<p>Burr or blade?</p>", 100, minute=1),
               mastodon_status(102, "ana", "<p>Between us: blade</p>", 101, "private",
                               minute=2),
               mastodon_status(103, "kim", "<p>Burr, always</p>", 102, minute=3),
               mastodon_status(104, "lena", "<p>Agreed with Kim</p>", 103, minute=4)]
    export = {"status": mastodon_status(100, "ana", "<p>Which grinder?</p>"),
              "context": {"ancestors": [], "descendants": replies}}
    result = import_thread(root, "mastodon", write_export(tmp_path, "m.json", export),
                           "--slug", "talk")
    assert result.code == 0, result.err
    found = messages(built_page(root))
    assert {k: (m["depth"], m["parent"]) for k, m in found.items()} == {
        "100": (0, ""), "101": (1, "100"), "103": (2, "101"), "104": (3, "103")}
    assert "Between us" not in " ".join(m["text"] for m in found.values())
    assert result.out.splitlines()[-2:] == [
        "  note: left out 1 post that is not public (followers-only)",
        "  note: 1 reply to a post left out was placed under the nearest post kept above it"]


def test_words_behind_a_mastodon_content_warning_stay_out_of_the_title_and_address(hub,
                                                                                  tmp_path):
    root = hub("import-hub")
    export = mastodon_status(100, "ana", "<p>The secret blend is chicory</p>",
                             spoiler="Spoilers for the new blend")
    result = import_thread(root, "mastodon", write_export(tmp_path, "cw.json", export))
    assert result.code == 0, result.err
    [made] = [p for p in (root / "content/threads").glob("*.yaml") if p.name != "hand-kept.yaml"]
    assert made.name == "spoilers-for-the-new-blend.yaml"
    page = built_page(root, made.stem)
    assert page.xpath("string(//h1)").strip() == "Spoilers for the new blend"
    assert "chicory" not in page.xpath("string(//title)").lower()
    assert not any("chicory" in path.name for path in (root / "public").rglob("*"))
    text = messages(page)["100"]["html"]
    assert text.xpath("./p[1]/strong/text()") == ["CW: Spoilers for the new blend"], \
        "the warning stays before the words it covers"


def test_words_behind_a_bluesky_content_label_stay_out_of_the_title_and_address(hub,
                                                                               tmp_path):
    root = hub("import-hub")
    export = {"thread": bluesky_post("3lburn", "Photo of my burnt hand after the espresso "
                                     "machine exploded", ALICE, "alice.example", 0,
                                     labels=[label("graphic-media", "x")])}
    result = import_thread(root, "bluesky", write_export(tmp_path, "cw.json", export))
    assert result.code == 0, result.err
    [made] = [p for p in (root / "content/threads").glob("*.yaml") if p.name != "hand-kept.yaml"]
    assert made.name == "cw-graphic-media.yaml"
    page = built_page(root, made.stem)
    assert page.xpath("string(//h1)").strip() == "CW: graphic media"
    assert "burnt" not in page.xpath("string(//title)").lower()


# Bluesky: what a logged-out reader of bsky.app does not see ------------------------------


def label(value: str, subject: str, **more) -> dict:
    return {"src": "did:plc:labeler", "uri": subject, "val": value,
            "cts": "2026-01-01T00:00:00Z", **more}


def test_bluesky_replies_hidden_by_the_author_or_kept_from_logged_out_readers_stay_out(
        hub, tmp_path):
    carol, dan, erin, fay = (f"did:plc:{n}000000000000000000000" for n in
                             ("carol", "dan", "erin", "fay"))
    spam = bluesky_post("3lspam", "SPAM reply the author hid", "did:plc:spam00", "spam.example",
                        2, replies=[bluesky_post("3lunder", "A reply under the spam", fay,
                                                 "fay.example", 6)])
    shy = bluesky_post("3lshy", "Dark, obviously (not for logged-out eyes)", BOB,
                       "bob.example", 1,
                       author_labels=[label("!no-unauthenticated", BOB, src=BOB)])
    moderated = bluesky_post("3lmod", "Taken down by moderation", dan, "dan.example", 3,
                             labels=[label("!hide", f"at://{dan}/app.bsky.feed.post/3lmod")])
    relabelled = bluesky_post("3lneg", "Hidden once, then not", erin, "erin.example", 4,
                              labels=[label("!hide", "x"), label("!hide", "x", neg=True)])
    graphic = bluesky_post("3lgore", "A photo of my burnt hand", carol, "carol.example", 5,
                           labels=[label("graphic-media", "x")])
    root_view = bluesky_post("3lroot", "What is your favourite roast?", ALICE,
                             "alice.example", 0, [shy, spam, moderated, relabelled, graphic])
    gate = {"uri": f"at://{ALICE}/app.bsky.feed.threadgate/3lroot", "cid": "bafy",
            "record": {"$type": "app.bsky.feed.threadgate", "post": root_view["post"]["uri"],
                       "createdAt": "2026-03-02T11:00:00.000Z",
                       "hiddenReplies": ["at://did:plc:spam00/app.bsky.feed.post/3lspam"]},
            "lists": []}
    root_view["post"]["threadgate"] = gate
    root = hub("import-hub")
    result = import_thread(root, "bluesky", write_export(
        tmp_path, "gate.json", {"thread": root_view, "threadgate": gate}), "--slug", "talk")
    assert result.code == 0, result.err
    page = built_page(root)
    found = messages(page)
    assert {k: (m["depth"], m["parent"]) for k, m in found.items()} == {
        "3lroot": (0, ""), "3lneg": (1, "3lroot"), "3lgore": (1, "3lroot"),
        "3lunder": (1, "3lroot")}
    words = page.text_content()
    for hidden in ("SPAM", "not for logged-out eyes", "Taken down", "Spam", "Bob"):
        assert hidden not in words
    assert found["3lgore"]["html"].xpath("./p[1]/strong/text()") == ["CW: graphic media"]
    people = (root / "content/people.yaml").read_text()
    assert "bob.example" not in people and "spam.example" not in people
    assert result.out.splitlines()[-3:] == [
        "  note: left out 1 reply the thread's author hid, 1 post by accounts that ask not "
        "to be shown to logged-out readers, 1 post a moderation service hides (!hide)",
        "  note: 1 reply to a post left out was placed under the nearest post kept above it",
        "  note: 1 post labelled graphic-media is kept, opening with a content warning: "
        "check before publishing"]


def test_a_bluesky_thread_whose_first_post_is_not_for_logged_out_readers_is_refused(
        hub, tmp_path):
    export = {"thread": bluesky_post(
        "3lroot", "Only for the logged in", ALICE, "alice.example", 0,
        author_labels=[label("!no-unauthenticated", ALICE)])}
    root = hub("import-hub")
    result = import_thread(root, "bluesky", write_export(tmp_path, "shy.json", export),
                           "--slug", "talk")
    assert result.code == 1
    assert "the thread's first post is not for everyone (its author asks not to be shown " \
           "to logged-out readers)" in result.err
    assert not (root / "content/threads/talk.yaml").exists()


# A withdrawn person's words name nothing: not the thread, its file, nor its address ------


@pytest.mark.parametrize(("platform", "fixture", "person", "words"), [
    ("bluesky", "bluesky/thread_with_replies.json",
     'gone: {name: Gone, withdrawn: true, ids: {bluesky: "did:plc:lena4bsky0000000000000"}}',
     "Cold brew question"),
    ("reddit", "reddit/thread.json",
     'gone: {name: Gone, withdrawn: true, handles: {reddit: "u/hglkgkjd"}}',
     "post-it note"),
])
def test_a_thread_opened_by_a_withdrawn_person_is_not_named_by_her_words(
        hub, platform, fixture, person, words):
    root = hub("import-hub")
    people = root / "content/people.yaml"
    people.write_text(people.read_text() + "\n" + person + "\n")
    result = import_thread(root, platform, str(FIXTURES / fixture))
    assert result.code == 0, result.err
    written = sorted(p.name for p in (root / "content/threads").glob("*.yaml")
                     if p.name != "hand-kept.yaml")
    assert len(written) == 1 and written[0].startswith(f"{platform}-thread-of-20"), written
    assert "withdrawn" in result.out and "--title" in result.out
    title = thread_yaml(root, written[0][:-5])["title"]
    assert title.startswith(f"{PLATFORM_LABELS[platform]} thread of 20")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    page = parse_html(root / f"public/threads/{written[0][:-5]}/index.html")
    assert page.xpath("string(//h1)").strip() == title
    for output in (root / "public").rglob("*"):
        if output.is_file() and output.suffix in (".html", ".xml", ".json", ".txt"):
            assert words.lower() not in output.read_text(errors="replace").lower(), output
