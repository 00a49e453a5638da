"""Property-based tests (hypothesis): what must hold for any input, not just the examples."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import OrgField
from generator.content.conditions import Field, Literal, Node, Operation, evaluate, to_json
from generator.content.markup import RenderContext, localize_tokens, parse_blocks, render_article_body
from generator.content.segment import segment_tokens
from generator.l10n.catalogs import CatalogMessage, format_catalog, parse_catalog, parse_catalog_with_babel
from generator.sxs.bilingual import parse_sxs
from tests.conftest import CHROMIUM_ARGS, REPO, article, run_helpgen, write_files

# -- Segmenting and reassembling ----------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "Select",
        "**Save**",
        "*now*",
        "the",
        "`code`",
        "[link](https://example.com)",
        "![alt](media/a.png)",
        "<br/>",
        "25",
        "“quoted”",
        "Übersicht",
        "设置",
        "\\*",
        "&amp;",
    ]
)
LINE = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
BLOCK = st.one_of(
    LINE,
    LINE.map(lambda t: "# " + t),
    LINE.map(lambda t: "## " + t),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
    LINE.map(lambda t: "> [!NOTE]\n> " + t),
    st.tuples(LINE, LINE).map(lambda c: f"| {c[0]} | {c[1]} |\n|---|---|\n| {c[1]} | {c[0]} |"),
    LINE.map(lambda t: "```\n" + t + "\n```"),
)
MARKDOWN = st.lists(BLOCK, min_size=1, max_size=6).map("\n\n".join)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\\`~*_[]!<&\r"), min_size=1))
def test_text_without_inline_syntax_is_one_text_token_as_markdown_it_parses_it(text: str) -> None:
    from markdown_it import MarkdownIt

    from generator.content.markup import make_markdown

    reference = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    ours = [(t.type, t.content) for t in make_markdown().parseInline(text)[0].children or []]
    assert ours == [(t.type, t.content) for t in reference.parseInline(text)[0].children or []]


@settings(max_examples=150, deadline=None)
@given(MARKDOWN)
def test_identity_translation_gives_the_same_html(markdown: str) -> None:
    tokens, env = parse_blocks(markdown)
    segments = segment_tokens(tokens, 1)
    untouched = render_article_body(localize_tokens(tokens, {}, frozenset(), "en-US"), env, RenderContext())
    identity = {s.msgid: s.msgid for s in segments}
    again = render_article_body(localize_tokens(tokens, identity, frozenset(), "en-US"), env, RenderContext())
    assert again == untouched


# -- Catalogs --------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
MESSAGE = st.builds(
    CatalogMessage,
    msgid=TEXT,
    msgstr=st.one_of(st.just(""), TEXT),
    locations=st.lists(
        st.tuples(st.sampled_from(["content/a.md", "content/b c.md"]), st.integers(1, 999)), max_size=2
    ).map(tuple),
    user_comments=st.lists(
        st.sampled_from(["origin: machine", "sxs: a-1 a-2", "check this"]), max_size=2, unique=True
    ).map(tuple),
    flags=st.lists(st.sampled_from(["fuzzy", "ignore-numbers"]), max_size=2, unique=True).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(MESSAGE, max_size=8, unique_by=lambda m: m.msgid.strip()))
def test_writing_and_reading_a_catalog_gives_the_same_entries(messages: list[CatalogMessage]) -> None:
    data = format_catalog("de-DE", messages)
    read = parse_catalog_with_babel(data, "de-DE", "x.po")
    assert parse_catalog(data, "de-DE", "x.po") == read
    import unicodedata

    for message in messages:
        entry = read.entries[unicodedata.normalize("NFC", message.msgid)]
        assert entry.msgstr == message.msgstr
        assert entry.fuzzy == ("fuzzy" in message.flags)
        assert entry.comments == message.user_comments


# -- Conditions: Python and the page's script agree ------------------------------------------

SCHEMA = {
    "seats": OrgField("seats", "integer"),
    "trial": OrgField("trial", "boolean"),
    "plan": OrgField("plan", "string", choices=("basic", "premium")),
}


def comparisons() -> st.SearchStrategy[Node]:
    numbers = st.builds(
        lambda op, n: Operation(op, (Field("seats"), Literal(n))),
        st.sampled_from(["==", "!=", "<", "<=", ">", ">="]),
        st.integers(-2, 50),
    )
    flags = st.just(Field("trial"))
    plans = st.builds(
        lambda op, v: Operation(op, (Field("plan"), Literal(v))),
        st.sampled_from(["==", "!="]),
        st.sampled_from(["basic", "premium"]),
    )
    member = st.builds(
        lambda op, v: Operation(op, (Field("plan"), Literal(tuple(v)))),
        st.sampled_from(["in", "not in"]),
        st.lists(st.sampled_from(["basic", "premium"]), max_size=2, unique=True),
    )
    return st.one_of(numbers, flags, plans, member)


CONDITION = st.recursive(
    comparisons(),
    lambda inner: st.one_of(
        st.builds(lambda a, b: Operation("and", (a, b)), inner, inner),
        st.builds(lambda a, b: Operation("or", (a, b)), inner, inner),
        st.builds(lambda a: Operation("not", (a,)), inner),
    ),
    max_leaves=6,
)
ORG = st.fixed_dictionaries(
    {"seats": st.integers(0, 60), "trial": st.booleans(), "plan": st.sampled_from(["basic", "premium"])}
)


@pytest.mark.slow
def test_python_and_the_page_script_agree_on_conditions(tmp_path: Path) -> None:
    from hypothesis import find  # noqa: F401 - hypothesis draws the cases below
    from playwright.sync_api import sync_playwright

    cases = [(CONDITION.example(), ORG.example()) for _ in range(200)]  # .example() outside a test is fine here
    script = (REPO / "generator/theme/static/helpgen.js").read_text()
    page_html = [
        '<!doctype html><html lang="en"><head><script type="application/json" id="hg-org">',
        json.dumps(
            {
                "fields": {"seats": "integer", "trial": "boolean", "plan": "string"},
                "defaults": {"seats": 0, "trial": False, "plan": "basic"},
            }
        ),
        "</script></head><body>",
    ]
    for index, (node, _) in enumerate(cases):
        when = json.dumps(to_json(node)).replace("&", "&amp;").replace("'", "&#39;")
        page_html.append(
            f"<div class='hg-cond' id='c{index}'><div class='hg-branch' data-hg-when='{when}'>yes</div>"
            "<div class='hg-branch' data-hg-else>no</div></div>"
        )
    page_html.append(f"<script>{script}</script></body></html>")
    (tmp_path / "page.html").write_text("".join(page_html))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((tmp_path / "page.html").as_uri())
        for index, (node, org) in enumerate(cases):
            page.evaluate("org => window.helpgen.setOrg(org)", org)
            shown = page.evaluate(f"document.querySelector('#c{index} .hg-branch:not([hidden])').textContent")
            assert (shown == "yes") is evaluate(node, org), (to_json(node), org)
        browser.close()


# -- Never a crash ---------------------------------------------------------------------------

SXS = (REPO / "tests/fixtures/sxs/zh-CN/good.md").read_text()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_importer_never_crashes_on_mutated_input(data: st.DataObject) -> None:
    text = SXS
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["cut", "insert", "swap"]))
        if kind == "cut":
            text = text[:position] + text[position + data.draw(st.integers(1, 40)) :]
        elif kind == "insert":
            piece = data.draw(st.sampled_from(["<span", "</span>", "---\n", '"', "\n", "{%", "](", "data-ttu-id="]))
            text = text[:position] + piece + text[position:]
        else:
            text = text[position:] + text[:position]
    sxs = parse_sxs(text, "good.md", "good.md")  # must not raise
    assert isinstance(sxs.body, str)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    st.lists(
        st.sampled_from(
            list("ab #*_`[]()!<>{}%|-\n:\"'\\")
            + ["{% if org.x %}", "{% endif %}", "{{ x }}", "---\n", "<script>", '{% include "a.md" %}']
        ),
        max_size=120,
    ).map("".join)
)
def test_the_build_never_crashes_on_mutated_articles(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    from tests.conftest import BASIC_CONFIG

    project = tmp_path_factory.mktemp("fuzz")
    write_files(
        project, {"helpgen.yaml": BASIC_CONFIG, "content/a.md": article("A", body), "content/b.md": "---\n" + body}
    )
    result = run_helpgen("build", "--project", project)
    assert result.code in (0, 1), result.err
    assert "internal error" not in result.err
    assert (project / "site/index.html").is_file()
    shutil.rmtree(project)


# -- Front matter read without libyaml is read as libyaml reads it --------------------------------

_YAML_WORDS = [
    "Cancel Power BI",
    "yes",
    "No",
    "on",
    "null",
    "~",
    "1",
    "1.5",
    "1e3",
    "0x1F",
    "1_000",
    "2020-01-01",
    ".inf",
    "=",
    "<<",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "http://x/y",
    "it's",
    'say "hi"',
    "é 中文",
    "x:",
    "- x",
    "-x",
    "?x",
    "%x",
    "@x",
    "`x`",
    "[x]",
    "x [y]",
    "{x}",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "''",
    "'a b'",
    "'it''s'",
    "'x",
    '""',
    '"9002564"',
    '"a\\nb"',
    '"x',
    "\x85",
    "\u2028",
    "\ufeff",
    "1:20",
    "+1",
    "TRUE",
    "y",
    "\t",
    "#",
]


_YAML_TEXT = [
    "Cancel Power BI", "it's", 'say "hi"', "é 中文", "a:b", "a#b", "http://x/y", "x [y]", "''", "'a b'", '"9002564"',
    '"a b"', "NOINDEX, NOFOLLOW", "ef2df989-8539", "Adm_O365",
]  # fmt: skip
#: A value: mostly text the shortcut takes, often something it must leave to libyaml.
_YAML_VALUE = st.one_of(st.sampled_from(_YAML_TEXT), st.sampled_from(_YAML_WORDS))
_YAML_KEYS = st.sampled_from(["title", "description", "ms.custom", "ms.date", "_x", "a-b", "yes", "on", "1"])
_YAML_ITEM = st.builds(
    "{}- {}{}".format, st.sampled_from(["", "", "  ", " "]), _YAML_VALUE, st.sampled_from(["", "", " ", " # c"])
)
_FRONT_MATTER = st.lists(
    st.one_of(
        st.builds("{}: {}{}".format, _YAML_KEYS, _YAML_VALUE, st.sampled_from(["", "", " ", " # c"])),
        st.builds(  # key: and a list, its items indented alike or not
            lambda key, items: "\n".join([f"{key}:", *items]),
            _YAML_KEYS,
            st.lists(st.one_of(_YAML_ITEM, _YAML_ITEM, st.sampled_from(["", "# note"])), max_size=4),
        ),
        st.sampled_from(["", "# note", "  # indented note", "---", "key:value", "  continued", "\tx: y", "-x"]),
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "\n".join(parts) + "\n")


@settings(max_examples=1000, deadline=None)
@given(_FRONT_MATTER)
def test_the_front_matter_shortcut_reads_what_libyaml_reads(text: str) -> None:
    from generator.safe_yaml import load_with_libyaml, simple_mapping

    shortcut = simple_mapping(text, 2)
    if shortcut is not None:  # otherwise libyaml reads it
        assert shortcut == load_with_libyaml(text, "a.md", 2)


# -- A killed build leaves the previous site as it was ---------------------------------------


@pytest.mark.slow
def test_a_build_killed_midway_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    from tests.conftest import BASIC_CONFIG
    from tests.test_build import tree_digest

    files = {"helpgen.yaml": BASIC_CONFIG}
    for n in range(1500):
        files[f"content/a{n:03}.md"] = article(f"Article {n}", f"# Article {n}\n\n" + "Some text. " * 200 + "\n")
    write_files(tmp_path, files)
    assert run_helpgen("build", "--project", tmp_path, "-j1", "--no-cache").code == 0
    before = tree_digest(tmp_path / "site")
    (tmp_path / "content/a000.md").write_text(article("Changed", "Changed.\n"))
    killed = 0
    for delay in (0.3, 0.6, 0.9, 1.2):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--project", str(tmp_path), "-j2", "--no-cache"],
            cwd=REPO,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        if process.poll() is not None:
            break  # it finished: later delays would not kill it midway
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, at once
        process.wait()
        killed += 1
        assert tree_digest(tmp_path / "site") == before, f"killed after {delay} s"
    assert killed >= 2, "the build must be killed midway at least twice"
    assert run_helpgen("build", "--project", tmp_path, "-j1", "--no-cache").code == 0  # and the next build mends all
    for _ in range(200):  # the command line deletes the replaced site in a detached process
        if not list(tmp_path.glob(".site.new-*")) and not list(tmp_path.glob(".site.old-*")):
            break
        time.sleep(0.05)
    assert not list(tmp_path.glob(".site.new-*")) and not list(tmp_path.glob(".site.old-*"))
    assert "Changed." in (tmp_path / "site/en-us/a000/index.html").read_text()


@pytest.mark.slow
def test_a_build_in_place_killed_midway_is_mended_by_the_next_build(tmp_path: Path) -> None:
    """Killed while it rewrites pages in place, then the change undone: the next build is still exact.

    The pages on disk are then partly the killed build's; the manifest of the build before would
    pass them for unchanged. The build marks the manifest as outdated before it writes.
    """
    from tests.conftest import BASIC_CONFIG
    from tests.test_build import tree_digest

    footer = "templates/partials/footer.html"
    files = {"helpgen.yaml": BASIC_CONFIG, footer: '<footer class="hg-footer">Footer A</footer>\n'}
    for n in range(1500):
        files[f"content/a{n:03}.md"] = article(f"Article {n}", f"# Article {n}\n\n" + "Some text. " * 200 + "\n")
    write_files(tmp_path, files)
    site = tmp_path / "site"
    assert run_helpgen("build", "--project", tmp_path, "-j2").code == 0
    first, halfway = site / "en-us/a000/index.html", 0
    for attempt in range(3):
        write_files(tmp_path, {footer: '<footer class="hg-footer">Footer B</footer>\n'})
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--project", str(tmp_path), "-j2"],
            cwd=REPO,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        while process.poll() is None and b"Footer B" not in first.read_bytes():
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):  # unless it has finished already
            os.killpg(process.pid, signal.SIGKILL)  # as soon as the first page is rewritten
        process.wait()
        pages = list(site.glob("*/a*/index.html"))
        changed = sum("Footer B" in page.read_text(encoding="utf-8") for page in pages)
        halfway += 0 < changed < len(pages)
        write_files(tmp_path, {footer: '<footer class="hg-footer">Footer A</footer>\n'})  # the change undone
        assert run_helpgen("build", "--project", tmp_path, "-j2").code == 0
        fresh = tmp_path / f"fresh-{attempt}"
        assert run_helpgen("build", "--project", tmp_path, "--no-cache", "--out", fresh).code == 0
        assert tree_digest(site) == tree_digest(fresh), f"attempt {attempt}: {changed} of {len(pages)} rewritten"
        shutil.rmtree(fresh)
    assert halfway >= 1, "at least one build must be killed while it rewrote the pages"
