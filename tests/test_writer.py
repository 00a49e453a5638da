"""The site is swapped in whole; earlier output survives failures; protected folders are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.writer import MARKER, begin_site, check_output_dir, claim_outputs, finish_site, write_page
from generator.model import Page
from generator.report import ContentError
from tests.conftest import article, run_helpgen


def test_refuses_to_write_over_the_project_or_its_inputs(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    for out in (project, project / "content", project / "locales", Path("/"), project.parent):
        result = run_helpgen("build", "--project", project, "--out", out)
        assert result.code == 2, out
        assert "error[output-refused]" in result.err
    assert (project / "content/a.md").is_file()


def test_refuses_a_non_empty_folder_it_did_not_create(make_site: Callable[..., Path], tmp_path: Path) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    result = run_helpgen("build", "--project", project, "--out", precious)
    assert result.code == 2
    assert "was not built by helpgen" in result.err
    assert (precious / "notes.txt").read_text() == "mine"


def test_config_error_leaves_previous_site_untouched(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    assert run_helpgen("build", "--project", project).code == 0
    before = (project / "site/en-us/a/index.html").read_bytes()
    (project / "helpgen.yaml").write_text("locales: [en-US]\nbogus: 1\n")
    result = run_helpgen("build", "--project", project)
    assert result.code == 2
    assert "helpgen.yaml:2: error[config-unknown-key]: unknown setting 'bogus'" in result.err
    assert (project / "site/en-us/a/index.html").read_bytes() == before


def test_a_page_that_fails_keeps_its_previous_version(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n"), "content/b.md": article("B", "Other.\n")})
    assert run_helpgen("build", "--project", project).code == 0
    before = (project / "site/en-us/a/index.html").read_bytes()
    (project / "content/a.md").write_text(article("A", "{% if org.nope %}\nx\n{% endif %}\n"))
    (project / "content/b.md").write_text(article("B", "Changed.\n"))
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "content/a.md:4: error[condition]: unknown org field 'org.nope'" in result.err
    assert "2 failed (2 kept from the previous build)" in result.err
    assert (project / "site/en-us/a/index.html").read_bytes() == before
    assert "Changed." in (project / "site/en-us/b/index.html").read_text()


def test_a_new_site_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    for pages in (
        [Page("a/index.html", b"one", "x"), Page("b.txt", b"two", "y")],
        [Page("a/index.html", b"three", "x")],
    ):
        staging = begin_site(out)
        for page in pages:
            write_page(staging, page)
        finish_site(staging, out)
    assert sorted(p.name for p in out.rglob("*")) == sorted([MARKER, "a", "index.html"])
    assert (out / "a/index.html").read_bytes() == b"three"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no staging folders are left behind"


def test_a_file_that_would_overwrite_a_page_or_another_file_is_refused_with_both_sources(tmp_path: Path) -> None:
    generated = [("en-us/a/index.html", "content/a.md"), ("index.html", "helpgen's own pages")]
    files = [
        ("de-de/x.png", tmp_path / "locales/de-DE/x.png"),
        ("en-us/a/index.html", tmp_path / "content/en-us/a/index.html"),
        ("de-de/x.png", tmp_path / "content/de-de/x.png"),
        ("index.html", tmp_path / "content/index.html"),
        ("y.png", tmp_path / "content/y.png"),
    ]
    kept, problems = claim_outputs(generated, files, tmp_path)
    assert kept == [files[2], files[4]]
    assert [p.format() for p in problems] == [
        "locales/de-DE/x.png: error[output-conflict]: locales/de-DE/x.png and content/de-de/x.png both write "
        "de-de/x.png in the site (rename or move locales/de-DE/x.png)",
        "content/en-us/a/index.html: error[output-conflict]: content/en-us/a/index.html and content/a.md both "
        "write en-us/a/index.html in the site (rename or move content/en-us/a/index.html)",
        "content/index.html: error[output-conflict]: content/index.html and helpgen's own pages both write "
        "index.html in the site (rename or move content/index.html)",
    ]


def test_a_build_refuses_a_media_file_in_the_place_of_a_page(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n"), "content/en-us/a/index.html": "<p>mine</p>"})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert (
        "content/en-us/a/index.html: error[output-conflict]: content/en-us/a/index.html and content/a.md" in result.err
    )
    assert "Text." in (project / "site/en-us/a/index.html").read_text()


def test_check_output_dir_accepts_a_new_or_own_folder(tmp_path: Path) -> None:
    check_output_dir(tmp_path / "new", tmp_path / "project")
    own = tmp_path / "own"
    own.mkdir()
    (own / MARKER).write_text("")
    (own / "old.html").write_text("")
    check_output_dir(own, tmp_path / "project")
    with pytest.raises(ContentError):
        check_output_dir(tmp_path / "project", tmp_path / "project")


def test_short_writes_are_continued_until_every_byte_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from generator.build import writer

    real_write = os.write
    monkeypatch.setattr(writer.os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))  # 7 bytes a call
    writer.write_page(tmp_path, Page("a/index.html", b"x" * 1000 + b"end", "content/a.md"))
    assert (tmp_path / "a/index.html").read_bytes() == b"x" * 1000 + b"end"


def test_a_full_disk_fails_the_build_with_what_to_do_and_leaves_no_partial_page(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from generator.build import writer

    project = make_site({"content/a.md": article("A", "Text.\n"), "content/b.md": article("B", "Text.\n")})
    assert run_helpgen("build", "--project", project, "-j1").code == 0
    good = (project / "site/en-us/a/index.html").read_bytes()
    (project / "content/a.md").write_text(article("A", "Longer text. " * 300))
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if len(data) > 3000:  # the page that grew: half of it fits, then the disk is full
            written = real_write(fd, bytes(data[:1000]))
            return written
        if len(data) > 1000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(writer.os, "write", full)
    result = run_helpgen("build", "--project", project, "-j1")
    assert result.code == 2
    assert "helpgen: No space left on device: free some disk space and run it again" in result.err
    assert "internal error" not in result.err
    assert (project / "site/en-us/a/index.html").read_bytes() == good, "the previous page is kept whole"
    assert not list((project / "site").rglob("*.tmp")), "no partial file is left in the site"
    monkeypatch.undo()
    assert run_helpgen("build", "--project", project, "-j1").code == 0, "the next build repairs everything"
    assert b"Longer text." in (project / "site/en-us/a/index.html").read_bytes()


def test_an_output_folder_below_a_file_is_the_commands_own_error(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    (project / "afile").write_text("mine")
    result = run_helpgen("build", "--project", project, "--out", project / "afile/site")
    assert result.code == 2
    assert "a file stands where helpgen needs a folder" in result.err and "internal error" not in result.err
    assert (project / "afile").read_text() == "mine"


def test_a_failed_page_that_keeps_its_previous_version_stays_linked(make_site: Callable[..., Path]) -> None:
    """The page readers still get is in the index, the navigation, hreflang and the sitemap (#20 item 18)."""
    project = make_site({"content/a.md": article("Alpha", "Text.\n"), "content/b.md": article("Beta", "Other.\n")})
    assert run_helpgen("build", "--project", project).code == 0
    (project / "content/a.md").write_text(article("Alpha", "{% if org.nope %}\nx\n{% endif %}\n"))
    (project / "content/b.md").write_text(article("Beta", "Changed.\n"))
    for _ in range(2):  # the first build after the failure, and one more that changes nothing
        result = run_helpgen("build", "--project", project)
        assert result.code == 1
        assert "2 failed (2 kept from the previous build)" in result.err
        index = (project / "site/en-us/index.html").read_text()
        assert 'href="../en-us/a/"' in index, "the kept page is listed"
        assert "Alpha" in (project / "site/en-us/b/index.html").read_text(), "and in the navigation"
        assert "en-us/a/" in (project / "site/sitemap.xml").read_text(), "and in the sitemap"
    fresh = make_site({"content/a.md": article("Alpha", "{% if org.nope %}\nx\n{% endif %}\n")}, name="fresh")
    assert run_helpgen("build", "--project", fresh).code == 1
    assert "en-us/a/" not in (fresh / "site/sitemap.xml").read_text(), "a page that never built is not linked"


def test_paths_that_differ_only_by_letter_case_are_warned_about(make_site: Callable[..., Path]) -> None:
    """On a case-insensitive file system or CDN one page would replace the other (#20 item 17)."""
    project = make_site({"content/Setup.md": article("Setup", "One.\n"), "content/setup.md": article("Set", "Two.\n")})
    result = run_helpgen("build", "--project", project)
    assert result.code == 0
    expected = (
        "content/setup.md: warning[output-case]: content/setup.md writes de-de/setup/index.html, "
        "which differs from de-de/Setup/index.html of content/Setup.md only by letter case"
    )
    assert expected in result.err
    assert run_helpgen("build", "--project", project, "--strict").code == 1
