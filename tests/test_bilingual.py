"""`helpgen import-sxs`: bilingual articles come in whole, malformed input is reported, nothing is lost."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import polib
import pytest

from generator.sxs.bilingual import parse_sxs, translate_segment
from tests.conftest import REPO, run_helpgen

FIXTURES = REPO / "tests/fixtures/sxs"
SPAN = re.compile(r'data-ttu-id="([^"]+)"')


def import_locale(source: Path, locale: str, project: Path) -> str:
    result = run_helpgen("import-sxs", source, "--locale", locale, "--project", project)
    assert result.code in (0, 1), result.err
    return result.err


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "site" not in p.relative_to(root).parts
    }


def sxs_ids(po_path: Path) -> list[str]:
    """Return the sxs ids an imported catalog names, obsolete entries included."""
    ids: list[str] = []
    for entry in polib.pofile(str(po_path)):
        for line in entry.tcomment.splitlines():
            if line.startswith("sxs: "):
                ids += line[len("sxs: ") :].split()
    return ids


def test_import_makes_source_articles_and_catalogs(tmp_path: Path) -> None:
    project = tmp_path / "new-project"
    err = import_locale(FIXTURES / "zh-CN", "zh-CN", project)
    assert "locales: [en-US, zh-CN]" in (project / "helpgen.yaml").read_text()
    article = (project / "content/good.md").read_text()
    assert article.startswith("---\ntitle: Change how often you pay\nms.author: someone\n")
    for field in ("ms.translationtype", "ms.contentlocale", "ms.openlocfilehash", "ms.locfileid", "更改"):
        assert field not in article
    assert "First sentence. Second sentence." in article
    assert "| [Billing](https://example.com/billing) | 1 |" in article
    assert "> [!VIDEO https://www.microsoft.com/videoplayer/embed/RE1]" in article and "code stays" in article
    po = polib.pofile(str(project / "locales/zh-CN/good.po"))
    assert po.metadata["X-Sxs-ms.translationtype"] == "MT" and po.metadata["X-Sxs-ms.locfileid"] == "111"
    entry = po.find("First sentence. Second sentence.")
    assert entry is not None and entry.msgstr == "第一句。 第二句。"
    assert entry.tcomment == "sxs: a1-103 a1-104\norigin: machine"
    twice = po.find("Select **Save**.")
    assert twice is not None and twice.tcomment.startswith("sxs: a1-106")
    assert po.find("[Billing](https://example.com/billing)").msgstr == "[计费](https://example.com/billing)"
    assert po.find("Screenshot").msgstr == "屏幕截图"
    assert (project / "content/media/Shot.png").read_bytes() == b"PNGDATA"
    assert (project / "content/_snippets/note.md").is_file()
    assert (project / "content/_sxs/TOC.yml").is_file()
    assert "imported 5 files, 19 segments" in err  # less the broken front matter's


def test_malformed_input_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    err = import_locale(FIXTURES / "zh-CN", "zh-CN", tmp_path / "p")
    assert "zh-CN/malformed.md:7: error[sxs-span]: sxs segment b1-102 is not closed; its text is kept as source" in err
    assert "zh-CN/malformed.md:8: warning[sxs-ids]: sxs ids do not pair: b1-103 and b1-999" in err
    assert "zh-CN/malformed.md:10: error[sxs-span]: sxs segment b1-104 has no source half" in err
    assert "zh-CN/broken-front-matter.md:2: error[sxs-front-matter]: front matter is not valid YAML" in err
    po = polib.pofile(str(tmp_path / "p/locales/zh-CN/malformed.po"))
    assert po.find("The last sentence.").msgstr == "最后一句。"  # after the damage, the file goes on
    imported = (tmp_path / "p/content/broken-front-matter.md").read_text()
    assert imported.count("# The body") == 1
    assert "ms.author" not in imported, "the broken front matter is never body text"
    assert imported.startswith("---\ntitle: The body\n---\n"), "the title comes from the first heading"
    assert run_helpgen("build", "--project", tmp_path / "p").code == 0


def test_every_span_is_imported(tmp_path: Path) -> None:
    import_locale(FIXTURES / "zh-CN", "zh-CN", tmp_path / "p")
    for source in sorted((FIXTURES / "zh-CN").rglob("*.md")):
        relative = source.relative_to(FIXTURES / "zh-CN").as_posix().replace("includes/", "_snippets/")
        catalog = tmp_path / "p/locales/zh-CN" / relative.replace(".md", ".po")
        text = source.read_text()
        if relative == "broken-front-matter.md":  # a front matter that cannot be read is left out, spans and all
            text = text[text.index("\n---\n", 4) :]
        assert sorted(sxs_ids(catalog)) == sorted(SPAN.findall(text)), relative


def test_second_locale_reuses_articles_and_reimport_changes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p"
    import_locale(FIXTURES / "zh-CN", "zh-CN", project)
    after_zh = tree(project)
    err = import_locale(FIXTURES / "de-DE", "de-DE", project)
    assert "content/good.md:18: warning[import-source-differs]" in err
    after_de = tree(project)
    assert {k: v for k, v in after_de.items() if k.startswith("content/")} == {
        k: v for k, v in after_zh.items() if k.startswith("content/")
    }, "the second locale reuses the source articles"
    po = polib.pofile(str(project / "locales/de-DE/good.po"))
    setting = po.find("Setting")
    assert setting is not None and "fuzzy" in setting.flags and setting.previous_msgid == "Settings"
    assert setting.msgstr == "Einstellung"
    assert (project / "locales/de-DE/media/Shot.png").read_bytes() == b"PNGDATA-DE"  # a localized screenshot
    import_locale(FIXTURES / "zh-CN", "zh-CN", project)
    assert tree(project) == after_de
    assert run_helpgen("build", "--project", project).code == 0
    german = (project / "site/de-de/good/index.html").read_text()
    assert 'src="../../de-de/media/Shot.png"' in german
    assert 'src="../../media/Shot.png"' in (project / "site/zh-cn/good/index.html").read_text()
    assert (project / "site/de-de/media/Shot.png").read_bytes() == b"PNGDATA-DE"


def test_translate_segment_keeps_markup_around_spans() -> None:
    sxs = parse_sxs(
        '# <span data-ttu-id="x-1">标题</span><span class="sxs-lookup"><span data-stu-id="x-1">Title</span></span>\n\n'
        'Go to **<span data-ttu-id="x-2">计费</span><span class="sxs-lookup"><span data-stu-id="x-2">Billing\n'
        "settings</span></span>** now.\n",
        "a.md",
        "a.md",
    )
    assert [s.id for s in sxs.spans] == ["x-1", "x-2"]
    assert sxs.body == "# Title\n\nGo to **Billing\nsettings** now.\n"
    assert translate_segment("Go to **Billing\nsettings** now.", [sxs.spans[1]]) == "Go to **计费** now."


def test_import_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run_helpgen("import-sxs", tmp_path / "nope", "--locale", "zh-CN", "--project", tmp_path / "p")
    assert result.code == 2 and "not a folder of sxs articles" in result.err
    assert not (tmp_path / "p").exists()


def test_init_creates_a_project_that_builds(tmp_path: Path) -> None:
    assert run_helpgen("init", tmp_path / "site-project").code == 0
    assert (tmp_path / "site-project/templates/base.html").is_file()
    (tmp_path / "site-project/content/hello.md").write_text("---\ntitle: Hello\n---\nHello.\n")
    assert run_helpgen("build", "--project", tmp_path / "site-project").code == 0
    assert run_helpgen("init", tmp_path / "site-project").code == 2
    shutil.rmtree(tmp_path / "site-project")


@pytest.mark.parametrize("name", ["good.md", "malformed.md"])
def test_fixture_files_have_spans(name: str) -> None:
    assert SPAN.findall((FIXTURES / "zh-CN" / name).read_text())


def test_docfx_includes_become_snippets(tmp_path: Path) -> None:
    import_locale(FIXTURES / "zh-CN", "zh-CN", tmp_path / "p")
    assert '{% include "note.md" %}' in (tmp_path / "p/content/with-include.md").read_text()
    assert run_helpgen("build", "--project", tmp_path / "p").code == 0
    assert "包含的文本。" in (tmp_path / "p/site/zh-cn/with-include/index.html").read_text()


def test_a_title_taken_from_a_heading_is_plain_text_and_keeps_the_headings_translation(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "cancel.md").write_text(
        "---\ntitle: 取消 Power BI\nms.translationtype: MT\n---\n"
        '# <span data-ttu-id="a-101">取消 **Power BI**</span><span class="sxs-lookup">'
        '<span data-stu-id="a-101">Cancel **Power BI**</span></span>\n',
        encoding="utf-8",
    )
    import_locale(source, "zh-CN", tmp_path / "p")
    assert (tmp_path / "p/content/cancel.md").read_text(encoding="utf-8").startswith("---\ntitle: Cancel Power BI\n")
    title = polib.pofile(str(tmp_path / "p/locales/zh-CN/cancel.po")).find("Cancel Power BI")
    assert title.msgstr == "取消 Power BI" and "origin: machine" in title.tcomment
    assert run_helpgen("build", "--project", tmp_path / "p").code == 0
    page = (tmp_path / "p/site/zh-cn/cancel/index.html").read_text(encoding="utf-8")
    assert "<title>取消 Power BI" in page and "**" not in page


def test_a_file_that_is_not_utf8_or_whose_front_matter_cannot_be_built_is_reported_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n# A\n")
    (source / "b.md").write_text("---\ntitle: B\nms.date: 2020-02-30\n---\n# B\n", encoding="utf-8")
    (source / "c.md").write_text("---\ntitle: C\nx: !!python/object:os.system x\n---\n# C\n", encoding="utf-8")
    (source / "d.md").write_text("---\ntitle: D\n---\n# D\n\nText.\n", encoding="utf-8")
    err = import_locale(source, "de-DE", tmp_path / "p")
    assert "src/a.md:2: error[sxs-encoding]: not valid UTF-8; the file is not imported" in err
    assert "src/b.md:3: error[sxs-front-matter]: front matter is not valid YAML ('2020-02-30' is not a valid" in err
    assert "src/c.md:3: error[sxs-front-matter]" in err and "internal error" not in err
    assert sorted(p.name for p in (tmp_path / "p/content").glob("*.md")) == ["b.md", "c.md", "d.md"]
    assert "os.system" not in (tmp_path / "p/content/c.md").read_text(encoding="utf-8")


def test_plain_titles_keep_intraword_underscores() -> None:
    from generator.sxs.migrate import plain_title

    assert plain_title("FAILED_TO_AUTO_DISCOVER_DOMAIN") == "FAILED_TO_AUTO_DISCOVER_DOMAIN"
    assert plain_title("**–IgnoreLegalhold**  switch") == "–IgnoreLegalhold switch"
