"""Snippets, cross-article links, per-locale variables and `helpgen links`."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import polib

from tests.conftest import BASIC_CONFIG, REPO, article, run_helpgen
from tests.test_build import copy_project


def test_bundled_refund_snippet_is_translated_once_and_shown_in_both_articles(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "bundled")
    uses = [p.name for p in (project / "content").glob("*.md") if '{% include "refund.md" %}' in p.read_text()]
    assert sorted(uses) == ["cancel-power-bi.md", "cancel-subscription.md"]
    for locale in ("zh-CN", "de-DE"):
        entries = [e for e in polib.pofile(str(project / f"locales/{locale}/_snippets/refund.po")) if not e.obsolete]
        assert [e.msgid for e in entries] == [
            "**Refund:** Any prorated credit will be returned to you within the next billing cycle."
        ]
        for name in uses:  # translated once: the articles' own catalogs do not carry it
            own = polib.pofile(str(project / f"locales/{locale}/{name[:-3]}.po"))
            assert own.find(entries[0].msgid) is None or own.find(entries[0].msgid).obsolete
    assert run_helpgen("build", "--project", project, "--profile", "large-org").code == 0
    for code, text in (("zh-cn", "退款："), ("de-de", "Rückerstattung:"), ("en-us", "Refund:")):
        for name in uses:
            assert text in (project / f"site/{code}/{name[:-3]}/index.html").read_text(encoding="utf-8"), (code, name)


def test_every_cross_article_link_of_a_zh_cn_page_stays_in_zh_cn(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "bundled")
    assert run_helpgen("build", "--project", project).code == 0
    site = project / "site"
    links = 0
    for page in sorted((site / "zh-cn").glob("*/index.html")):  # every article page
        article_html = page.read_text(encoding="utf-8").split('<article class="hg-article"', 1)[-1]
        for href in re.findall(r'href="([^"#]*)[^"]*"', article_html):
            if href.startswith(("http", "mailto:")) or not href:
                continue
            target = (page.parent / href).resolve()
            assert target.is_relative_to((site / "zh-cn").resolve()), (page, href)
            assert (target / "index.html").is_file(), (page, href)
            links += 1
    assert links >= 1, "the bundled site has cross-article links"


def test_missing_and_circular_snippets(make_site: Callable[..., Path]) -> None:
    project = make_site(
        {
            "content/a.md": article("A", 'Intro.\n\n{% include "missing.md" %}\n'),
            "content/b.md": article("B", 'Intro.\n\n{% include "loop.md" %}\n'),
            "content/_snippets/loop.md": 'Loop text.\n\n{% include "again.md" %}\n',
            "content/_snippets/again.md": '{% include "loop.md" %}\n',
            "content/c.md": article("C", "Fine.\n"),
        }
    )
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "content/_snippets/missing.md: error[include-missing]: no snippet content/_snippets/missing.md" in result.err
    assert 'content/a.md:6: error[include]: cannot include "missing.md"' in result.err
    assert (
        "content/_snippets/loop.md: error[include-cycle]: a snippet includes itself: content/b.md → "
        "content/_snippets/loop.md → content/_snippets/again.md → content/_snippets/loop.md"
    ) in result.err
    assert (project / "site/en-us/c/index.html").is_file()


def test_snippet_variables_conditions_and_catalog(make_site: Callable[..., Path]) -> None:
    project = make_site(
        {
            "content/a.md": article("A", 'Intro.\n\n{% include "limits.md" %}\n'),
            "content/_snippets/limits.md": (
                "{% if org.assigned_licenses > license_threshold %}\nMore than {{ license_threshold }}.\n"
                "{% else %}\nAt most {{ license_threshold }}.\n{% endif %}\n"
            ),
        }
    )
    assert run_helpgen("update", "--project", project).code == 0
    po = polib.pofile(str(project / "locales/de-DE/_snippets/limits.po"))
    assert [e.msgid for e in po] == ["More than {{ license_threshold }}.", "At most {{ license_threshold }}."]
    assert po[0].occurrences == [("content/_snippets/limits.md", "2")]
    own = [e.msgid for e in polib.pofile(str(project / "locales/de-DE/a.po"))]
    assert own == ["A", "Intro."]
    po[1].msgstr = "Höchstens {{ license_threshold }}."
    po.save()
    assert run_helpgen("build", "--project", project).code == 0
    html = (project / "site/de-de/a/index.html").read_text()
    assert (
        "Höchstens 25." in html
        and 'data-hg-when="{&quot;args&quot;: [{&quot;field&quot;: &quot;assigned_licenses&quot;}' in html
    )


def test_per_locale_link_variables(make_site: Callable[..., Path]) -> None:
    config = BASIC_CONFIG + 'locale_variables:\n  de-DE:\n    links: {products: "https://example.com/de/produkte"}\n'
    project = make_site(
        {
            "helpgen.yaml": config,
            "content/a.md": article("A", "See [products]({{ links.products }}).\n"),
            "locales/de-DE/a.po": (
                'msgid "See [products]({{ links.products }})."\nmsgstr "Siehe [Produkte]({{ links.products }})."\n'
            ),
        }
    )
    assert run_helpgen("build", "--project", project).code == 0
    assert 'href="https://example.com/de/produkte"' in (project / "site/de-de/a/index.html").read_text()
    assert 'href="https://example.com/products"' in (project / "site/en-us/a/index.html").read_text()
    bad = make_site({"helpgen.yaml": BASIC_CONFIG + "locale_variables:\n  de-DE: {link: x}\n  fr-FR: {}\n"}, name="bad")
    result = run_helpgen("build", "--project", bad)
    assert (
        "helpgen.yaml:16: error[config-variable]: 'link' is not a site variable; declare it under variables first"
        in result.err
    )
    assert "helpgen.yaml:17: error[config-locale]: 'fr-FR' is not in locales" in result.err


def test_links_command_lists_external_links_and_internal_problems(make_site: Callable[..., Path]) -> None:
    project = make_site(
        {
            "content/a.md": article("A", "# A\n\nSee [b](b.md#nope), [c](c.md) and [site](https://example.com/x).\n"),
            "content/b.md": article("B", "# B\n\n![pic](media/none.png) and [site](https://example.com/x).\n"),
        }
    )
    result = run_helpgen("links", "--project", project, "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["external"] == [
        {
            "url": "https://example.com/x",
            "uses": [{"file": "content/a.md", "line": 6}, {"file": "content/b.md", "line": 6}],
        }
    ]
    assert [(p["file"], p["line"], p["message"]) for p in data["problems"]] == [
        ("content/a.md", 6, "link to 'b.md#nope': no heading or anchor 'nope' in content/b.md"),
        ("content/a.md", 6, "link to 'c.md': no article content/c.md"),
        ("content/b.md", 6, "link to 'media/none.png': no file content/media/none.png"),
    ]
    text = run_helpgen("links", "--project", project).out
    assert "1 external links:" in text and "3 internal link problems:" in text
    shutil.rmtree(project)


def test_bundled_site_has_no_link_problems() -> None:
    result = run_helpgen("links", "--project", REPO)
    assert result.code == 0, result.out
    assert "0 internal link problems." in result.out
