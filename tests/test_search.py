"""Search: the records of conditional branches, and builds with and without the index."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.search import branch_records
from tests.conftest import run_helpgen
from tests.test_build import copy_project

PAGE = """<!DOCTYPE html><html lang="de-DE"><body><main><article data-pagefind-body>
<h1>Kündigen</h1><p>Allen gemeinsam.</p>
<div class="hg-cond"><div class="hg-branch" data-hg-when='{"field": "is_trial"}' hidden>
<p>Testversion<br>bis zum Ende.</p>
<div class="hg-cond"><div class="hg-branch" data-hg-when='{"field": "vip"}'><p>Innen</p></div>
<div class="hg-branch" data-hg-else><img src="x.png" alt=""></div></div>
</div><div class="hg-branch" data-hg-else><p>Sonst</p></div></div>
<p>Danach.</p></article></main></body></html>"""


def test_each_branch_is_a_record_with_the_conditions_it_shows_under(tmp_path: Path) -> None:
    (tmp_path / "de-de/cancel").mkdir(parents=True)
    (tmp_path / "de-de/cancel/index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "de-de/guide/deep").mkdir(parents=True)  # an article in a folder
    (tmp_path / "de-de/guide/deep/index.html").write_text(PAGE.replace("Kündigen", "Tief"), encoding="utf-8")
    records = [r for r in branch_records(tmp_path) if r.title == "Kündigen"]
    assert [r.url for r in branch_records(tmp_path) if r.title == "Tief"][0] == "/de-de/guide/deep/#hg-branch-1"
    trial = {"field": "is_trial"}
    found = [(r.url, r.language, r.title, r.requirements, " ".join("".join(r.text).split())) for r in records]
    assert found == [
        (
            "/de-de/cancel/#hg-branch-1",
            "de-de",
            "Kündigen",
            [{"when": trial, "unless": []}, {"when": {"field": "vip"}, "unless": []}],
            "Innen",
        ),
        # The inner else branch has no text (an image only) and is left out; a record holds the
        # text of its own branch, not of the branches inside it.
        (
            "/de-de/cancel/#hg-branch-3",
            "de-de",
            "Kündigen",
            [{"when": trial, "unless": []}],
            "Testversion bis zum Ende.",
        ),
        ("/de-de/cancel/#hg-branch-4", "de-de", "Kündigen", [{"when": None, "unless": [trial]}], "Sonst"),
    ]


def test_no_search_leaves_the_index_out_and_the_next_build_puts_it_back(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "site/en-us/auto-reply/index.html"
    assert run_helpgen("build", "--project", project, "--no-search").code == 0
    assert not (project / "site/_pagefind").exists()
    assert "hg-search" not in page.read_text(encoding="utf-8")
    # helpgen.yaml says `search: true`: the next build must not reuse the pages built without it.
    assert run_helpgen("build", "--project", project).code == 0
    assert (project / "site/_pagefind/pagefind-entry.json").is_file()
    assert 'class="hg-search"' in page.read_text(encoding="utf-8")


def test_the_index_is_built_when_the_caller_runs_an_event_loop(tmp_path: Path) -> None:
    """A build called from async code (a notebook, a server) still gets its Pagefind index."""
    import asyncio

    project = copy_project(tmp_path / "project")

    async def build() -> int:
        return run_helpgen("build", "--project", project).code

    assert asyncio.run(build()) == 0
    assert (project / "site/_pagefind/pagefind-entry.json").is_file()


def test_a_site_updated_in_place_gets_the_index_a_fresh_build_makes(tmp_path: Path) -> None:
    """An incremental build indexes the site again beside it and swaps the new index in whole."""
    from tests.test_build import tree_digest

    project = copy_project(tmp_path / "project")
    assert run_helpgen("build", "--project", project).code == 0
    folder, index = (project / "site").stat().st_ino, (project / "site/_pagefind").stat().st_ino
    before = {p.name for p in (project / "site/_pagefind/fragment").iterdir()}
    catalog = project / "locales/de-DE/auto-reply.po"
    text = catalog.read_text(encoding="utf-8")
    assert '"automatische Antwort konfigurieren' in text
    catalog.write_text(text.replace('"automatische Antwort konfigurieren', '"Abwesenheitsnotiz konfigurieren', 1))
    result = run_helpgen("build", "--project", project)
    assert result.code == 0 and "reused" in result.err
    assert (project / "site").stat().st_ino == folder, "updated in place, not swapped"
    assert (project / "site/_pagefind").stat().st_ino == index, "the index too: written over the old one"
    after = {p.name for p in (project / "site/_pagefind/fragment").iterdir()}
    assert before - after and after - before, "the changed page's old fragment is gone, its new one there"
    assert run_helpgen("build", "--project", project, "--no-cache", "--out", tmp_path / "fresh").code == 0
    assert tree_digest(project / "site/_pagefind") == tree_digest(tmp_path / "fresh/_pagefind")
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [], "nothing left beside it"
    assert run_helpgen("build", "--project", project, "--no-search").code == 0
    assert not (project / "site/_pagefind").exists()


def test_an_index_that_cannot_be_cleaned_up_is_made_afresh_and_swapped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If Pagefind's meta files cannot be read, a rebuild makes the index beside the site and swaps it in."""
    import generator.build.search
    from tests.test_build import tree_digest

    project = copy_project(tmp_path / "project")
    assert run_helpgen("build", "--project", project).code == 0
    index = (project / "site/_pagefind").stat().st_ino
    monkeypatch.setattr(generator.build.search, "_collect_garbage", lambda index: False)
    catalog = project / "locales/de-DE/auto-reply.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('"automatische Antwort konfigurieren', '"Abwesenheitsnotiz konfigurieren', 1))
    assert run_helpgen("build", "--project", project).code == 0
    assert (project / "site/_pagefind").stat().st_ino != index, "a new folder, swapped in"
    assert run_helpgen("build", "--project", project, "--no-cache", "--out", tmp_path / "fresh").code == 0
    assert tree_digest(project / "site/_pagefind") == tree_digest(tmp_path / "fresh/_pagefind")
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [], "nothing left beside it"


def test_an_entry_file_that_pagefind_left_empty_is_an_error_of_the_index_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import search

    entry = tmp_path / "pagefind-entry.json"
    entry.write_text("")
    [problem] = search._sort_entry(entry)
    assert problem.format().startswith("site: error[search]: Pagefind wrote no readable pagefind-entry.json")
    entry.write_text('{"version": "1", "languages": {"zh-cn": {}, "de-de": {}}}')
    assert search._sort_entry(entry) == []
    assert entry.read_text() == '{"languages":{"de-de":{},"zh-cn":{}},"version":"1"}'
