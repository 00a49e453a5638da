"""The bundled example site, built as a user would: the acceptance criteria of the end-to-end build."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, article, run_helpgen

LOCALES = {"en-us": "en-US", "zh-cn": "zh-CN", "de-de": "de-DE", "qps-ploc": "qps-ploc", "qps-plocm": "qps-plocm"}
ARTICLES = sorted(p.stem for p in (REPO / "content").glob("*.md"))
CANCEL = "cancel-subscription"


def copy_project(destination: Path) -> Path:
    """Copy the bundled project (not its build output) to `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("helpgen.yaml", "content", "locales", "templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy(source, destination / name)
    return destination


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("bundled"))
    result = run_helpgen("build", "--project", project, "--strict")
    assert result.code == 0, result.err
    return project / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Collect start tags with their attributes, and the visible text outside hidden branches."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def branches(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in elements(html) if tag == "div" and attrs.get("class") == "hg-branch"]


def test_every_article_is_built_in_every_locale(bundled: Path) -> None:
    assert len(ARTICLES) >= 6
    for segment in LOCALES:
        for slug in ARTICLES:
            assert (bundled / segment / slug / "index.html").is_file(), f"{segment}/{slug}"
        assert (bundled / segment / "index.html").is_file()
    assert (bundled / "index.html").is_file()
    assert (bundled / "sitemap.xml").is_file()
    assert (bundled / "media/16353_Mouse_over_inbox_scrollbar-225x292.gif").is_file()


def test_zh_cn_cancellation_page(bundled: Path) -> None:
    html = read(bundled, f"zh-cn/{CANCEL}/index.html")
    assert '<html lang="zh-CN" dir="ltr">' in html
    assert "取消你的Microsoft 365订阅？" in html
    assert "删除用户许可证，直到授权用户少于 25 个。" in html
    assert "{{" not in html and "{%" not in html
    conditions = [json.loads(b["data-hg-when"]) for b in branches(html) if b.get("data-hg-when")]
    assert conditions == [
        {"op": ">=", "args": [{"field": "assigned_licenses"}, {"value": 25}]},
        {"field": "is_trial"},
    ]
    # Without JavaScript the default profile (small-org: 10 licenses, no trial) sees the else branch.
    assert ["hidden" in b for b in branches(html)] == [True, True, False]
    assert "data-hg-else" in branches(html)[2]


@pytest.mark.parametrize(
    ("profile", "present", "absent"),
    [
        ("large-org", "25 个或更多许可证", ["下面是取消订阅的步骤", "都少于 25 个"]),
        ("trial", "下面是取消订阅的步骤", ["25 个或更多许可证", "都少于 25 个"]),
        ("small-org", "都少于 25 个", ["25 个或更多许可证", "下面是取消订阅的步骤"]),
    ],
)
def test_profile_build_keeps_only_the_matching_branch(
    tmp_path: Path, profile: str, present: str, absent: list[str]
) -> None:
    project = copy_project(tmp_path / "project")
    result = run_helpgen("build", "--project", project, "--profile", profile, "--locale", "zh-CN")
    assert result.code == 0, result.err
    html = read(project / "site", f"zh-cn/{CANCEL}/index.html")
    assert present in html
    for text in absent:
        assert text not in html
    assert "hg-branch" not in html and "helpgen.js" not in html


def test_language_switcher_leads_to_the_same_article_everywhere(bundled: Path) -> None:
    for segment in LOCALES:
        for slug in ARTICLES:
            page = f"{segment}/{slug}/index.html"
            tags = elements(read(bundled, page))
            switcher = [a["href"] for t, a in tags if t == "a" and a.get("hreflang") and a.get("lang")]
            folders = set()
            for href in switcher:
                assert href is not None
                resolved = (bundled / segment / slug / href / "index.html").resolve()
                assert resolved.parent.name == slug, page  # the same article
                folders.add(resolved.parent.parent.name)
            assert folders == set(LOCALES), page  # in every locale


def test_hreflang_alternates_and_sitemap(bundled: Path) -> None:
    html = read(bundled, f"de-de/{CANCEL}/index.html")
    alternates = {a["hreflang"]: a["href"] for t, a in elements(html) if t == "link" and a.get("rel") == "alternate"}
    assert alternates == {
        "en-US": f"https://help.example.com/en-us/{CANCEL}/",
        "zh-CN": f"https://help.example.com/zh-cn/{CANCEL}/",
        "de-DE": f"https://help.example.com/de-de/{CANCEL}/",
        "x-default": f"https://help.example.com/en-us/{CANCEL}/",
    }
    sitemap = read(bundled, "sitemap.xml")
    assert sitemap.count("<url>") == len(ARTICLES) * 3
    assert f'hreflang="zh-CN" href="https://help.example.com/zh-cn/{CANCEL}/"' in sitemap
    assert "qps-" not in sitemap


def source_sentences_in(html: str) -> list[str]:
    """Return the source article's sentences that stand unchanged in a page's visible text."""
    source = (REPO / "content" / f"{CANCEL}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    prose = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\]\(.*?\)|<[^>]+>|[*_\\\[\]#]", " ", source)
    sentences = {s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n", prose) if len(s.strip()) > 12}
    visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return sorted(s for s in sentences if re.sub(r"\s+", " ", s) in visible)


def test_pseudo_locales(bundled: Path) -> None:
    mirrored = read(bundled, f"qps-plocm/{CANCEL}/index.html")
    assert '<html lang="en-x-plocm" dir="rtl">' in mirrored  # pseudo text is English in disguise
    accented = read(bundled, f"qps-ploc/{CANCEL}/index.html")
    assert '<html lang="en-x-ploc" dir="ltr">' in accented
    assert len(source_sentences_in(read(bundled, f"en-us/{CANCEL}/index.html"))) > 10  # the check can see them
    assert source_sentences_in(accented) == []
    assert source_sentences_in(mirrored) == []


def test_locale_index_lists_articles_by_localized_title(bundled: Path) -> None:
    html = read(bundled, "de-de/index.html")
    assert "Ihr Abonnement Microsoft 365 kündigen?" in html
    assert "Alle Artikel" in html


def test_root_index_offers_every_public_language(bundled: Path) -> None:
    html = read(bundled, "index.html")
    links = [a for t, a in elements(html) if t == "a" and a.get("hreflang")]
    assert [a["href"] for a in links] == ["en-us/", "zh-cn/", "de-de/"]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert run_helpgen("build", "--project", project).code == 0
    first = tree_digest(project / "site")
    assert run_helpgen("build", "--project", project, "--out", tmp_path / "again").code == 0
    assert tree_digest(tmp_path / "again") == first


POLICY_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Title"
msgstr "Titel"

#, fuzzy
msgid "Unreviewed."
msgstr "Ungeprüft."

# origin: machine
msgid "By machine."
msgstr "Maschinell."
"""


def policy_site(make_site: Callable[..., Path], policy: str) -> Path:
    from tests.conftest import BASIC_CONFIG, article

    return make_site(
        {
            "helpgen.yaml": BASIC_CONFIG + "site_url: https://h.example/\n" + policy,
            "content/a.md": article("Title", "Unreviewed.\n\nBy machine.\n\nMissing.\n"),
            "content/b.md": article("B", "Other.\n"),
            "locales/de-DE/a.po": POLICY_PO,
            "locales/de-DE/b.po": 'msgid "B"\nmsgstr "B"\n\nmsgid "Other."\nmsgstr "Andere."\n',
        }
    )


@pytest.mark.parametrize(
    ("policy", "shown", "hidden"),
    [
        (
            "",
            ["Titel", "Maschinell.", "This page was translated by machine.", "Parts of this page are not translated"],
            ["Ungeprüft.", "not been reviewed"],
        ),
        (
            "policy: {default: {fuzzy: translation}}\n",
            ["Ungeprüft.", "Parts of this translation have not been reviewed"],
            [],
        ),
        (
            "policy: {de-DE: {machine: source}}\n",
            ["By machine.", "Unreviewed."],
            ["Maschinell.", "translated by machine"],
        ),
    ],
)
def test_policy_decides_what_fuzzy_and_machine_segments_show(
    make_site: Callable[..., Path], policy: str, shown: list[str], hidden: list[str]
) -> None:
    project = policy_site(make_site, policy)
    result = run_helpgen("build", "--project", project)
    assert result.code == 0, result.err
    html = read(project / "site", "de-de/a/index.html")
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_page_below_minimum_completeness_is_not_published(make_site: Callable[..., Path]) -> None:
    project = policy_site(make_site, "policy: {de-DE: {min_completeness: 0.9}}\n")
    assert run_helpgen("build", "--project", project).code == 0
    site = project / "site"
    html = read(site, "de-de/a/index.html")
    assert "This article is not available in Deutsch (Deutschland) yet" in html
    assert "Maschinell." not in html and "Titel" not in html
    assert '<meta name="robots" content="noindex">' in html
    alternates = [
        a["hreflang"] for t, a in elements(read(site, "en-us/a/index.html")) if t == "link" and a.get("hreflang")
    ]
    assert alternates == ["en-US", "x-default"]
    sitemap = read(site, "sitemap.xml")
    assert "de-de/a/" not in sitemap and "https://h.example/de-de/b/" in sitemap


def test_a_broken_article_is_reported_once_and_pages_linking_to_it_still_build(
    make_site: Callable[..., Path],
) -> None:
    from tests.conftest import article

    project = make_site(
        {
            "content/TOC.yml": "- name: Broken\n  href: broken.md\n- name: Linking\n  href: linking.md\n",
            "content/broken.md": "---\ntitle: [unclosed\n---\nBody.\n",
            "content/linking.md": article("Linking", "See [the other one](broken.md#a-heading).\n"),
        }
    )
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": error[" in line]
    assert len(errors) == 1 and errors[0].startswith("content/broken.md:"), result.err
    assert 'href="../../en-us/broken/#a-heading"' in (project / "site/en-us/linking/index.html").read_text()


def test_ui_strings_read_the_same_whether_looked_up_once_or_on_every_page(make_site: Callable[..., Path]) -> None:
    """`{{ _("literal") }}` is translated when the template is compiled (ConstantGettext): escaped, % formatted."""
    from tests.conftest import article

    theme = (
        'msgid "Skip to content"\nmsgstr "Zum Inhalt <100%%>"\n\n'
        'msgid "Results: %(count)s"\nmsgstr "Treffer <%(count)s>"\n'
    )
    project = make_site({"content/a.md": article("A", "Hi.\n"), "locales/de-DE/_theme.po": theme})
    assert run_helpgen("build", "--project", project).code == 0
    page = (project / "site/de-de/a/index.html").read_text(encoding="utf-8")
    assert '<a class="hg-skip" href="#main">Zum Inhalt &lt;100%&gt;</a>' in page
    from generator.build.pages import make_environment
    from generator.config import read_config

    environment = make_environment(
        read_config(project), lambda text: {"Skip to content": "Zum <100%%>"}.get(text, text)
    )
    folded = environment.from_string('{{ _("Skip to content") }}|{{ _("Skip to content", n=1) }}').render()
    assert folded == "Zum &lt;100%&gt;|Zum &lt;100%&gt;"  # folded, and the call it replaces


BROKEN_THEME = """\
msgid ""
msgstr ""
"Language: de_DE\\n"

msgid "Skip to content"
msgstr "Zu 100% zum Inhalt"

msgid "This article is not available in %(language)s yet and is shown in the original language."
msgstr "Dieser Artikel ist noch nicht auf %(langauge)s verfügbar."

msgid "All articles"
msgstr "Alle Artikel"
"""


def test_a_theme_translation_with_a_stray_percent_or_a_misspelled_name_shows_the_source_and_says_where(
    make_site: Callable[..., Path],
) -> None:
    catalog = BROKEN_THEME
    project = make_site({"content/a.md": article("A", "Hi.\n"), "locales/de-DE/_theme.po": catalog})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1, result.err
    stray = "locales/de-DE/_theme.po:5: error[format]: a '%' that is not a placeholder: write %% for a percent sign"
    misspelled = (
        "locales/de-DE/_theme.po:8: error[format]: the translation has %(langauge)s where its source has %(language)s"
    )
    assert stray in result.err and misspelled in result.err
    page = (project / "site/de-de/a/index.html").read_text(encoding="utf-8")
    assert "Skip to content" in page and "Zu 100%" not in page, "the source string shows instead"
    assert "Alle Artikel" in page, "the other translations still show"
    checked = run_helpgen("check", "--project", project)
    assert checked.code == 1
    assert stray in checked.out and misspelled in checked.out


def test_a_theme_catalog_with_a_syntax_error_is_reported_by_check_and_build_and_every_page_is_built(
    make_site: Callable[..., Path],
) -> None:
    broken = 'msgid "Skip to content"\nmsgstr "Zum Inhalt\n'
    project = make_site({"content/a.md": article("A", "Hi.\n"), "locales/de-DE/_theme.po": broken})
    result = run_helpgen("build", "--project", project)
    where = "locales/de-DE/_theme.po:2: error[catalog-syntax]: invalid PO file: string is not closed"
    assert where in result.err
    assert (project / "site/de-de/a/index.html").is_file() and (project / "site/en-us/a/index.html").is_file()
    checked = run_helpgen("check", "--project", project, "--format", "json")
    assert checked.code == 1
    assert '"catalog_errors"' in checked.out and '"line": 2' in checked.out
    text = run_helpgen("check", "--project", project)
    assert where in text.out and "1 errors" in text.out


def test_the_video_renderer_keeps_only_allowed_urls() -> None:
    from generator.content.markup import RenderContext, parse_blocks, render_blocks

    for url, linked in (("https://example.com/v", True), ("JavaScript:alert(1)", False), ("data:text/html,x", False)):
        tokens, env = parse_blocks(f"> [!VIDEO {url}]\n")
        html = render_blocks(tokens, env, RenderContext())
        assert ("href=" in html) is linked, html
        assert "alert" not in html and "text/html" not in html
