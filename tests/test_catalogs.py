from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from generator.l10n.catalogs import CatalogMessage, format_catalog, parse_catalog_with_babel
from generator.report import ContentError
from tests.conftest import REPO, article, msgfmt_path, run_helpgen

PO_FILES = sorted((REPO / "locales").rglob("*.po"))


@pytest.mark.parametrize("path", PO_FILES, ids=[str(p.relative_to(REPO)) for p in PO_FILES])
def test_bundled_catalogs_pass_msgfmt_check(path: Path) -> None:
    result = subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", PO_FILES, ids=[str(p.relative_to(REPO)) for p in PO_FILES])
def test_babel_and_polib_read_the_same_entries(path: Path) -> None:
    assert_babel_and_polib_agree(path)


def assert_babel_and_polib_agree(path: Path) -> None:
    """Check that helpgen (through Babel) and polib read a PO file to the same entries."""
    ours = parse_catalog_with_babel(path.read_bytes(), "xx", str(path))
    theirs = {entry.msgid: entry for entry in polib.pofile(str(path)) if entry.msgid and not entry.obsolete}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert set(ours.entries) == set(theirs)
    for msgid, entry in ours.entries.items():
        assert entry.msgstr == (theirs[msgid].msgstr_plural.get(0, "") if entry.msgid_plural else theirs[msgid].msgstr)
        assert entry.msgstr_plural == tuple(theirs[msgid].msgstr_plural[i] for i in sorted(theirs[msgid].msgstr_plural))
        assert entry.fuzzy == ("fuzzy" in theirs[msgid].flags)
        # polib counts an entry from its first comment; diagnostics point at its msgid line.
        assert entry.line >= theirs[msgid].linenum and lines[entry.line - 1].startswith("msgid ")


def test_written_catalog_round_trips_and_passes_msgfmt(tmp_path: Path) -> None:
    messages = [
        CatalogMessage(
            'Say "hi" \\ **now**', "Sag „hallo“", (("content/a.md", 3),), ("paragraph",), ("origin: machine",)
        ),
        CatalogMessage("A very long segment " * 8, "Ein sehr langes Segment " * 8, (("content/a.md", 5),)),
        CatalogMessage("Gone", "Weg", obsolete=True),
    ]
    data = format_catalog("de-DE", messages)
    path = tmp_path / "a.po"
    path.write_bytes(data)
    subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], check=True)
    catalog = parse_catalog_with_babel(data, "de-DE", "a.po")
    assert [(e.msgid, e.msgstr, e.origin) for e in catalog.entries.values()] == [
        ('Say "hi" \\ **now**', "Sag „hallo“", "machine"),
        ("A very long segment " * 8, "Ein sehr langes Segment " * 8, "human"),
    ]
    assert format_catalog("de-DE", messages) == data, "writing is deterministic"
    assert b"Creation-Date" not in data


def test_syntax_error_names_the_line() -> None:
    data = (REPO / "tests/fixtures/catalogs/bad.syntax.po").read_bytes()
    with pytest.raises(ContentError) as caught:
        parse_catalog_with_babel(data, "de-DE", "locales/de-DE/x.po")
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.path, diagnostic.line, diagnostic.code) == ("locales/de-DE/x.po", 9, "catalog-syntax")


def test_broken_catalog_fails_only_its_page(make_site: Callable[..., Path]) -> None:
    project = make_site(
        {
            "content/a.md": article("A", "Hello.\n"),
            "content/b.md": article("B", "World.\n"),
            "locales/de-DE/a.po": (REPO / "tests/fixtures/catalogs/bad.syntax.po").read_text(),
        }
    )
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "locales/de-DE/a.po:9: error[catalog-syntax]" in result.err
    assert (project / "site/de-de/b/index.html").is_file()
    assert (project / "site/en-us/a/index.html").is_file()
    assert not (project / "site/de-de/a/index.html").exists()


UNSAFE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "More than {{ license_threshold }} seats."
msgstr "Mehr als {{ ''.__class__ }} Plätze."

msgid "Select **Save**."
msgstr "{% for x in range(9) %}boom{% endfor %}"

msgid "Plain."
msgstr "Schlicht <script>alert(1)</script>."

msgid "Link [here](https://example.com)."
msgstr "Link [hier](javascript:alert(1))."

msgid "Missing {{ license_threshold }}."
msgstr "Fehlt."
"""


def test_unsafe_translations_are_never_rendered(make_site: Callable[..., Path]) -> None:
    body = (
        "More than {{ license_threshold }} seats.\n\nSelect **Save**.\n\nPlain.\n\n"
        "Link [here](https://example.com).\n\nMissing {{ license_threshold }}.\n"
    )
    project = make_site({"content/a.md": article("A", body), "locales/de-DE/a.po": UNSAFE})
    result = run_helpgen("build", "--project", project)
    html = (project / "site/de-de/a/index.html").read_text()
    assert "__class__" not in html and "boom" not in html and "<script>alert" not in html
    assert 'href="javascript' not in html
    assert '<p lang="en-US" class="hg-fallback">More than 25 seats.</p>' in html
    assert '<p lang="en-US" class="hg-fallback">Select <strong>Save</strong>.</p>' in html
    assert '<p lang="en-US" class="hg-fallback">Missing 25.</p>' in html
    assert "locales/de-DE/a.po:5: warning[unsafe-translation]: translation contains template syntax '{{'" in result.err
    assert "locales/de-DE/a.po:8: warning[unsafe-translation]: translation contains template syntax '{%'" in result.err
    assert (
        "locales/de-DE/a.po:17: warning[unsafe-translation]: translation misses {{ license_threshold }}" in result.err
    )
    assert result.code == 0
    assert run_helpgen("build", "--project", project, "--strict").code == 1


def test_origin_survives_msgcat(tmp_path: Path) -> None:
    messages = [
        CatalogMessage("By machine.", "Maschinell.", user_comments=("origin: machine",)),
        CatalogMessage("Reused.", "Wiederverwendet.", user_comments=("check this", "origin: memory"), flags=("fuzzy",)),
        CatalogMessage("By hand.", "Von Hand."),
    ]
    source = tmp_path / "in.po"
    source.write_bytes(format_catalog("de-DE", messages))
    subprocess.run(["msgcat", str(source), "-o", str(tmp_path / "out.po")], check=True)
    catalog = parse_catalog_with_babel((tmp_path / "out.po").read_bytes(), "de-DE", "out.po")
    assert {e.msgid: e.origin for e in catalog.entries.values()} == {
        "By machine.": "machine",
        "Reused.": "memory",
        "By hand.": "human",
    }
    assert catalog.entries["Reused."].fuzzy


def test_legacy_origin_flags_are_still_read() -> None:
    data = b'msgid "a"\nmsgstr "b"\n\n#, machine-translated\nmsgid "c"\nmsgstr "d"\n'
    catalog = parse_catalog_with_babel(data, "de-DE", "x.po")
    assert [e.origin for e in catalog.entries.values()] == ["human", "machine"]


@pytest.mark.parametrize("path", PO_FILES, ids=[str(p.relative_to(REPO)) for p in PO_FILES])
def test_fast_reader_agrees_with_babel(path: Path) -> None:
    from generator.l10n.catalogs import parse_catalog

    data = path.read_bytes()
    assert parse_catalog(data, "xx", "x.po") == parse_catalog_with_babel(data, "xx", "x.po")


def test_fast_reader_reports_the_same_syntax_error() -> None:
    from generator.l10n.catalogs import parse_catalog

    data = (REPO / "tests/fixtures/catalogs/bad.syntax.po").read_bytes()
    with pytest.raises(ContentError) as caught:
        parse_catalog(data, "de-DE", "locales/de-DE/x.po")
    assert caught.value.diagnostics[0].line == 9
