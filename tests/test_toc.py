"""Navigation from content/TOC.yml (DocFX's format): order, sections, breadcrumbs, problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CORPUS, article, require_corpus, run_helpgen
from tests.test_build import read

CORPUS_TOC = CORPUS / "zh-CN/TOC.yml"


def sidebar(page: str) -> list[str]:
    """Return the sidebar as lines: sections as '[name]', articles as their titles, indented by depth."""
    nav = re.search(r'<nav class="hg-nav".*?</nav>', page, re.DOTALL)
    assert nav, "the page has a sidebar"
    lines, depth = [], -1
    for tag in re.findall(r'<ul>|</ul>|<a [^>]*>[^<]*</a>|<span class="hg-nav-section">[^<]*</span>', nav.group()):
        if tag == "<ul>":
            depth += 1
        elif tag == "</ul>":
            depth -= 1
        else:
            text = re.sub(r"<[^>]+>", "", tag)
            lines.append("  " * depth + (f"[{text}]" if "hg-nav-section" in tag else text))
    return lines


def breadcrumbs(page: str) -> list[str]:
    nav = re.search(r'<nav class="hg-breadcrumbs".*?</nav>', page, re.DOTALL)
    assert nav
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group())]


FILES = {
    "content/a.md": article("Alpha", "Alpha text.\n"),
    "content/b.md": "---\ntitle: Beta\norder: 1\n---\nBeta text.\n",
    "content/guide/c.md": article("Gamma", "Gamma text.\n"),
    "content/d.md": "---\ntitle: Delta\norder: 2\n---\nDelta text.\n",
}


def test_the_toc_orders_and_groups_the_sidebar_and_gives_breadcrumbs(make_site: Callable[..., Path]) -> None:
    toc = """\
    - name: Getting started
      items:
        - name: ignored, the article's title is shown
          href: guide/c.md
        - name: Status page
          href: https://status.example.com/
    - href: a.md
    """
    project = make_site({**FILES, "content/TOC.yml": toc})
    result = run_helpgen("build", "--project", project)
    assert result.code == 0, result.err
    assert "[toc]" not in result.err
    page = read(project / "site", "en-us/guide/c/index.html")
    # Articles the TOC leaves out follow it in front matter order (b has order 1, d order 2).
    assert sidebar(page) == ["[Getting started]", "  Gamma", "  Status page", "Alpha", "Beta", "Delta"]
    assert breadcrumbs(page) == ["All articles", "Getting started", "Gamma"]
    assert breadcrumbs(read(project / "site", "en-us/a/index.html")) == ["All articles", "Alpha"]
    # Previous and next follow the same order.
    assert 'rel="next" href="../../../en-us/a/"' in page
    assert 'rel="prev" href="../../en-us/guide/c/"' in read(project / "site", "en-us/a/index.html")
    assert not (project / "site/TOC.yml").exists()


def test_section_names_are_translated_in_the_theme_catalog(make_site: Callable[..., Path]) -> None:
    toc = "- name: Getting started\n  items:\n    - href: a.md\n"
    project = make_site({**FILES, "content/TOC.yml": toc})
    assert run_helpgen("extract", "--project", project).code == 0
    pot = (project / "locales/_theme.pot").read_text(encoding="utf-8")
    assert '#. in content/TOC.yml\nmsgid "Getting started"\nmsgstr ""' in pot
    (project / "locales/de-DE").mkdir(parents=True)
    (project / "locales/de-DE/_theme.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Getting started"\nmsgstr "Erste Schritte"\n',
        encoding="utf-8",
    )
    assert run_helpgen("build", "--project", project).code == 0
    page = read(project / "site", "de-de/a/index.html")
    assert sidebar(page)[0] == "[Erste Schritte]"
    assert "Erste Schritte" in breadcrumbs(page)


def test_toc_problems_are_reported_at_their_line_and_every_page_builds(make_site: Callable[..., Path]) -> None:
    toc = """\
    - name: Start
      items:
        - href: a.md
        - href: missing.md
        - href: a.md
        - name: 42
          href: [not, text]
    - href: guide/c.md
    """
    project = make_site({**FILES, "content/TOC.yml": toc})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "content/TOC.yml:4: error[toc]: no article 'missing.md'" in result.err
    assert "content/TOC.yml:5: error[toc]: 'a.md' is listed twice" in result.err
    assert "content/TOC.yml:6: error[toc]:" in result.err
    assert sorted(p.parent.name for p in (project / "site/en-us").glob("*/index.html")) == ["a", "b", "d"]
    assert (project / "site/en-us/guide/c/index.html").is_file()
    assert sidebar(read(project / "site", "en-us/b/index.html")) == ["[Start]", "  Alpha", "Gamma", "Beta", "Delta"]


def test_a_toc_that_is_not_yaml_falls_back_to_front_matter_order(make_site: Callable[..., Path]) -> None:
    project = make_site({**FILES, "content/TOC.yml": "- name: Start\n  items: [\n"})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert re.search(r"content/TOC\.yml:\d+: error\[yaml-syntax\]", result.err), result.err
    assert sidebar(read(project / "site", "en-us/a/index.html")) == ["Beta", "Delta", "Alpha", "Gamma"]


def test_changing_the_toc_rebuilds_the_navigation(make_site: Callable[..., Path]) -> None:
    project = make_site({**FILES, "content/TOC.yml": "- href: a.md\n- href: b.md\n"})
    assert run_helpgen("build", "--project", project).code == 0
    assert sidebar(read(project / "site", "en-us/d/index.html"))[:2] == ["Alpha", "Beta"]
    (project / "content/TOC.yml").write_text("- href: b.md\n- href: a.md\n", encoding="utf-8")
    assert run_helpgen("build", "--project", project).code == 0
    assert sidebar(read(project / "site", "en-us/d/index.html"))[:2] == ["Beta", "Alpha"]
    assert sidebar(read(project / "site", "de-de/d/index.html"))[:2] == ["Beta", "Alpha"]


def test_the_corpus_toc_file_is_accepted(make_site: Callable[..., Path]) -> None:
    require_corpus()
    project = make_site({"content/index.md": article("Index", "Text.\n"), **FILES})
    (project / "content/TOC.yml").write_bytes(CORPUS_TOC.read_bytes())
    result = run_helpgen("build", "--project", project)
    assert result.code == 0, result.err
    assert "[toc]" not in result.err
    assert sidebar(read(project / "site", "en-us/a/index.html"))[0] == "Index"
