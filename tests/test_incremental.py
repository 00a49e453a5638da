"""Parallel and incremental builds: the same bytes for every -j, and never a stale page."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.build import BuildOptions, build_site
from generator.config import read_config
from tests.conftest import article, run_helpgen, write_files


def many_articles(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        body = f"# Article {n}\n\nText {n} links to [the next](a{(n + 1) % count:03}.md#article-{(n + 1) % count}).\n"
        files[f"content/a{n:03}.md"] = article(f"Article {n}", body)
        files[f"locales/de-DE/a{n:03}.po"] = f'msgid "Article {n}"\nmsgstr "Artikel {n}"\n'
    return files


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build(project: Path, out: Path, **options: object) -> object:
    return build_site(read_config(project), BuildOptions(out_dir=out, **options))  # type: ignore[arg-type]


def test_output_is_byte_identical_for_every_number_of_jobs(make_site: Callable[..., Path]) -> None:
    project = make_site(many_articles(120))
    build(project, project / "one", jobs=1, cache=False)
    build(project, project / "three", jobs=3, cache=False)
    assert digest(project / "one") == digest(project / "three")
    assert len(digest(project / "one")) > 240


@pytest.fixture
def cached_site(make_site: Callable[..., Path]) -> Path:
    files = many_articles(6)
    files["templates/partials/footer.html"] = '<footer class="hg-footer">{{ _("Built with helpgen.") }}</footer>\n'
    files["locales/de-DE/_theme.po"] = 'msgid "Built with helpgen."\nmsgstr "Mit helpgen gebaut."\n'
    project = make_site(files)
    first = build(project, project / "site", jobs=1)
    assert len(first.rebuilt) == 12  # type: ignore[attr-defined]
    return project


def change(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


CASES = [
    ("nothing", None, set()),
    ("article", ("content/a002.md", "Text 2 links", "Text two links"), {"en-us/a002", "de-de/a002"}),
    (
        "catalog entry",
        (
            "locales/de-DE/a003.po",
            'msgstr "Artikel 3"\n',
            'msgstr "Artikel 3"\n\nmsgid "Text 3 links to [the next](a004.md#article-4)."\n'
            'msgstr "Text drei verweist auf [den nächsten](a004.md#article-4)."\n',
        ),
        {"de-de/a003"},
    ),
    (
        "translated title",
        ("locales/de-DE/a003.po", '"Artikel 3"', '"Artikel drei"'),
        # a title shows in the sidebar of every page of its locale
        {f"de-de/a{n:03}" for n in range(6)},
    ),
    (
        "theme string",
        ("locales/de-DE/_theme.po", "Mit helpgen gebaut.", "Mit helpgen erstellt."),
        {f"de-de/a{n:03}" for n in range(6)},
    ),
    (
        "template",
        ("templates/partials/footer.html", "hg-footer", "hg-footer site-footer"),
        {f"{loc}/a{n:03}" for n in range(6) for loc in ("en-us", "de-de")},
    ),
    (
        "config",
        ("helpgen.yaml", "license_threshold: 25", "license_threshold: 26"),
        {f"{loc}/a{n:03}" for n in range(6) for loc in ("en-us", "de-de")},
    ),
]


@pytest.mark.parametrize(("kind", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_change_rebuilds_exactly_the_pages_it_affects(
    cached_site: Path, kind: str, edit: tuple[str, str, str] | None, expected: set[str]
) -> None:
    if edit:
        change(cached_site, *edit)
    result = build(cached_site, cached_site / "site", jobs=1)
    rebuilt = {path.removesuffix("/index.html") for path in result.rebuilt}  # type: ignore[attr-defined]
    assert rebuilt == expected
    assert result.written is bool(expected)  # type: ignore[attr-defined]
    build(cached_site, cached_site / "fresh", jobs=1, cache=False)
    assert digest(cached_site / "site") == digest(cached_site / "fresh"), "the cache must never give a stale page"


def test_deleting_the_cache_or_the_site_is_safe(cached_site: Path) -> None:
    import shutil

    shutil.rmtree(cached_site / ".helpgen-cache")
    assert len(build(cached_site, cached_site / "site", jobs=1).rebuilt) == 12  # type: ignore[attr-defined]
    shutil.rmtree(cached_site / "site")
    assert len(build(cached_site, cached_site / "site", jobs=1).rebuilt) == 12  # type: ignore[attr-defined]
    assert (cached_site / "site/de-de/a001/index.html").is_file()


def test_parts_merge_into_exactly_the_single_build(make_site: Callable[..., Path]) -> None:
    from tests.conftest import run_helpgen

    project = make_site(many_articles(10))
    assert run_helpgen("build", "--project", project, "--out", project / "whole", "--no-cache").code == 0
    for k in (1, 2, 3):
        result = run_helpgen("build", "--project", project, "--shard", f"{k}/3", "--out", project / f"part{k}")
        assert result.code == 0, result.err
    parts = [digest(project / f"part{k}") for k in (1, 2, 3)]
    assert all(0 < len(p) < len(digest(project / "whole")) for p in parts), "each part holds a share"
    result = run_helpgen("merge", project / "part1", project / "part2", project / "part3", "--out", project / "merged")
    assert result.code == 0, result.err
    assert digest(project / "merged") == digest(project / "whole")
    missing = run_helpgen("merge", project / "part1", project / "part3", "--out", project / "bad")
    assert missing.code == 2 and "the parts do not make a whole site (1/3, 3/3)" in missing.err
    (project / "content/a001.md").write_text(article("Changed", "Changed.\n"))
    assert run_helpgen("build", "--project", project, "--shard", "2/3", "--out", project / "part2").code == 0
    stale = run_helpgen("merge", project / "part1", project / "part2", project / "part3", "--out", project / "bad")
    assert stale.code == 2 and "the parts were built from different inputs" in stale.err


def test_a_build_with_a_failed_page_leaves_no_stale_page_behind(make_site: Callable[..., Path]) -> None:
    """A page rebuilt in a build where another page failed is not taken for the old one later."""

    def catalog(text: str) -> str:
        return f'msgid "A"\nmsgstr "A"\n\nmsgid "Hello."\nmsgstr "{text}"\n'

    project = make_site(
        {
            "content/a.md": article("A", "Hello.\n"),
            "content/b.md": article("B", "Bye.\n"),
            "locales/de-DE/a.po": catalog("Alt."),
        }
    )
    page = project / "site/de-de/a/index.html"
    assert run_helpgen("build", "--project", project).code == 0
    broken = article("B", "Bye, see [nothing](missing.md).\n")  # fails when rendered; A's page does not change
    write_files(project, {"locales/de-DE/a.po": catalog("Neu."), "content/b.md": broken})
    assert run_helpgen("build", "--project", project).code == 1
    assert "Neu." in page.read_text(encoding="utf-8")
    write_files(project, {"locales/de-DE/a.po": catalog("Alt.")})  # back as it was in the first build
    assert run_helpgen("build", "--project", project).code == 1
    assert "Alt." in page.read_text(encoding="utf-8")


def test_a_site_updated_in_place_is_the_site_a_fresh_build_makes(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Builds in place (changed pages only, no new folder) end where a fresh build does, folders included."""
    project = make_site(many_articles(6))
    out = project / "preview"

    def step() -> None:
        config = read_config(project)
        build_site(config, BuildOptions(out_dir=out, jobs=1, in_place=True))
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        build_site(config, BuildOptions(out_dir=fresh, jobs=1, cache=False))
        assert digest(out) == digest(fresh)
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(
            p.relative_to(fresh) for p in fresh.rglob("*")
        )

    step()
    folder = out.stat().st_ino  # the same folder from now on: pages are written into it
    step()  # nothing changed
    write_files(project, {"locales/de-DE/a002.po": 'msgid "Article 2"\nmsgstr "Zweiter Artikel"\n'})
    step()
    removed = (project / "content/a003.md").read_text(encoding="utf-8")
    (project / "content/a003.md").unlink()  # a link to it now fails: a002's pages keep their old version
    write_files(project, {"content/a002.md": article("Article 2", "# Article 2\n\nNo link any more.\n")})
    step()
    write_files(project, {"content/a003.md": removed})  # back, into the folder it left
    step()
    write_files(project, {"content/extra.md": article("Extra", "New.\n")})
    step()
    (project / "content/extra.md").unlink()
    step()
    assert not (out / "en-us/extra").exists()
    write_files(project, {"content/media/shots/a.png": "one", "locales/de-DE/media/shots/a.png": "eins"})
    step()
    write_files(project, {"content/media/shots/a.png": "one, retaken"})
    step()
    assert (out / "media/shots/a.png").read_text() == "one, retaken"
    (project / "content/media/shots/a.png").unlink()
    (project / "locales/de-DE/media/shots/a.png").unlink()
    step()
    assert not (out / "media").exists() and not (out / "de-de/media").exists()
    assert out.stat().st_ino == folder


def test_a_build_that_changes_nothing_loads_no_parser_templates_or_checks(make_site: Callable[..., Path]) -> None:
    """Start-up imports only what the command needs: with nothing to rebuild, no Markdown, Jinja or QA."""
    import subprocess
    import sys

    from tests.conftest import REPO

    project = make_site(many_articles(6))
    assert run_helpgen("build", "--project", project).code == 0
    code = (
        "import sys; from generator.cli import main; code = main(sys.argv[1:]); "
        "heavy = ('markdown_it', 'jinja2', 'babel.messages', 'generator.l10n.qa', 'generator.build.pages'); "
        "print(sorted(name for name in heavy if name in sys.modules)); sys.exit(code)"
    )
    for args in (["-j1"], ["-j2"]):
        result = subprocess.run(
            [sys.executable, "-c", code, "build", "--project", str(project), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "is up to date" in result.stderr
        assert result.stdout.strip() == "[]", args


def test_workers_end_when_the_build_is_killed(make_site: Callable[..., Path]) -> None:
    """A SIGKILLed build's workers end too, and release the caller's output pipe (#20 item 7)."""
    import signal
    import subprocess
    import sys
    import time

    project = make_site(many_articles(1500))
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--project", str(project), "-j2", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
        workers = [int(pid) for pid in found.split()]
        time.sleep(0.02)
    if process.poll() is not None:
        pytest.skip("the build finished before its workers could be seen")
    process.send_signal(signal.SIGKILL)
    try:
        process.communicate(timeout=10)  # returns once every process holding the pipe has ended
    except subprocess.TimeoutExpired:
        for pid in workers:  # do not leave them behind
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        pytest.fail("the workers outlived the build and held the caller's pipe")
    for _ in range(100):  # the workers end at once; give the kernel a moment to reap them
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)]
        if not alive:
            break
        time.sleep(0.05)
    assert not alive, f"workers {alive} outlived the build"


def _state(pid: int) -> str:
    try:
        return next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State"))
    except (OSError, StopIteration):
        return "zombie"
