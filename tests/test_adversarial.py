"""Run the adversarial collection (tests/adversarial/cases.yaml): every bad input meets its expected outcome."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import article, run_helpgen, write_files

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "adversarial/cases.yaml").read_text())
GOOD = article("Good", "# Good\n\nGood text.\n")


def include_bomb(project: Path) -> None:
    """Each snippet includes the next one twice: 2^22 copies if nothing stopped it."""
    write_files(project, {"content/a.md": article("A", '{% include "s0.md" %}\n')})
    for level in range(22):
        write_files(project, {f"content/_snippets/s{level}.md": f'{{% include "s{level + 1}.md" %}}\n\n' * 2})
    write_files(project, {"content/_snippets/s22.md": "Leaf.\n"})


def symlinked_article(project: Path) -> None:
    os.symlink("/etc/passwd", project / "content/leak.md")


def symlinked_media(project: Path) -> None:
    (project / "content/media").mkdir(parents=True, exist_ok=True)
    os.symlink("/etc/passwd", project / "content/media/passwd.txt")


def symlinked_inputs(project: Path) -> None:
    """A catalog, a snippet, a template and a theme file that are links to a file outside the project (#20 item 3)."""
    secret = project.parent / "secret.txt"
    secret.write_text('msgid "SECRET-LINE"\nmsgstr "root:x:0:0"\n{{ SECRET }}\n')
    write_files(project, {"content/b.md": article("B", '{% include "s.md" %}\n')})
    (project / "content/_snippets").mkdir(parents=True, exist_ok=True)
    (project / "locales/de-DE").mkdir(parents=True, exist_ok=True)
    (project / "templates/static").mkdir(parents=True, exist_ok=True)
    os.symlink(secret, project / "content/_snippets/s.md")
    os.symlink(secret, project / "locales/de-DE/good.po")
    os.symlink(secret, project / "templates/article.html")
    os.symlink(secret, project / "templates/static/helpgen.css")


def foreign_output(project: Path) -> None:
    write_files(project, {"mine/notes.txt": "my own notes"})


GENERATORS: dict[str, Callable[[Path], None]] = {
    "include_bomb": include_bomb,
    "symlinked_article": symlinked_article,
    "symlinked_media": symlinked_media,
    "foreign_output": foreign_output,
    "symlinked_inputs": symlinked_inputs,
}


def expand(text: str) -> str:
    if text.startswith("<<BIG:"):
        return "x" * int(text[6:-2])
    return text.replace("<<BIG:", "\0").split("\0")[0] + (
        "x" * int(text.split("<<BIG:")[1].split(">>")[0]) + text.split(">>", 1)[1] if "<<BIG:" in text else ""
    )


def site_text(site: Path) -> str:
    if not site.is_dir():
        return ""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(site.rglob("*")) if p.is_file())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_adversarial(case: dict[str, Any], make_site: Callable[..., Path]) -> None:
    files = {"content/good.md": GOOD, **{k: expand(v) for k, v in case.get("files", {}).items()}}
    project = make_site(files)
    for name, encoded in case.get("bytes", {}).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(base64.b64decode(encoded))
    if "generate" in case:
        GENERATORS[case["generate"]](project)
    args = [str(a).replace("{project}", str(project)) for a in case.get("args", [])]
    result = run_helpgen(case.get("command", "build"), "--project", project, *args)
    output = result.out + result.err
    assert result.code == case["exit"], output
    for expected in case.get("report", []):
        assert expected in output, (expected, output)
    built = site_text(project / "site")
    for forbidden in case.get("absent", []):
        assert forbidden not in built, forbidden
    for page, texts in case.get("present", {}).items():
        html = (project / "site" / page).read_text(encoding="utf-8")
        for text in texts:
            assert text in html, (page, text)
    if case["exit"] != 2:
        assert (project / "site/en-us/good/index.html").is_file(), "the good article always builds"


def test_the_collection_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_links_that_stay_inside_the_project_are_read_and_links_out_are_refused(tmp_path: Path) -> None:
    from generator.content.paths import OutsideProject, read_inside

    project = tmp_path / "project"
    (project / "locales/de-DE").mkdir(parents=True)
    (project / "shared.po").write_text("inside")
    (tmp_path / "outside.po").write_text("outside")
    os.symlink("../../shared.po", project / "locales/de-DE/a.po")
    os.symlink(tmp_path / "outside.po", project / "locales/de-DE/b.po")
    os.symlink(tmp_path, project / "locales/up")
    assert read_inside(project, "locales/de-DE/a.po") == b"inside"
    with pytest.raises(OutsideProject):
        read_inside(project, "locales/de-DE/b.po")
    with pytest.raises(OutsideProject):
        read_inside(project, "locales/up/outside.po")
