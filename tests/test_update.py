"""`helpgen extract` and `helpgen update`: catalogs that update safely, as msgmerge does."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.conftest import article, msgfmt_path, run_helpgen
from tests.test_catalogs import assert_babel_and_polib_agree

BODY = """\
# Cancel your subscription

Go to **Billing** and select {{ license_threshold }} seats.

Select **Cancel**.

Keep your data.
"""
TRANSLATED = {
    "Cancel your subscription": "Ihr Abonnement kündigen",
    "Go to **Billing** and select {{ license_threshold }} seats.": (
        "Wechseln Sie zu **Abrechnung** und wählen Sie {{ license_threshold }} Plätze."
    ),
    "Select **Cancel**.": "Wählen Sie **Kündigen** aus.",
    "Keep your data.": "Behalten Sie Ihre Daten.",
}


def translated_project(make_site: Callable[..., Path]) -> Path:
    project = make_site({"content/cancel.md": article("Cancel your subscription", BODY)})
    assert run_helpgen("update", "--project", project).code == 0
    po = polib.pofile(str(project / "locales/de-DE/cancel.po"))
    for entry in po:
        entry.msgstr = TRANSLATED[entry.msgid]
    po.save()
    assert run_helpgen("update", "--project", project).code == 0  # helpgen's own formatting
    return project


def catalog(project: Path) -> polib.POFile:
    return polib.pofile(str(project / "locales/de-DE/cancel.po"))


def edit_article(project: Path, old: str, new: str) -> None:
    path = project / "content/cancel.md"
    path.write_text(path.read_text().replace(old, new))


def test_extract_writes_templates_with_locations_and_context(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/cancel.md": article("Cancel your subscription", BODY)})
    result = run_helpgen("extract", "--project", project)
    assert result.code == 0, result.err
    pot = polib.pofile(str(project / "locales/cancel.pot"))
    entries = {e.msgid: e for e in pot}
    assert list(entries) == list(TRANSLATED)
    assert entries["Cancel your subscription"].occurrences == [("content/cancel.md", "2"), ("content/cancel.md", "4")]
    assert entries["Cancel your subscription"].comment == "title, heading"
    seats = entries["Go to **Billing** and select {{ license_threshold }} seats."]
    assert seats.comment == "paragraph\nlicense_threshold = 25"
    theme = {e.msgid for e in polib.pofile(str(project / "locales/_theme.pot"))}
    assert {"Skip to content", "Read the original", "Help Center", "Note"} <= theme
    subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(project / "locales/cancel.pot")], check=True)


def test_update_twice_changes_nothing(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    result = run_helpgen("update", "--project", project)
    assert "0 catalogs written" in result.err
    assert {p: p.read_bytes() for p in (project / "locales").rglob("*.po")} == before
    for path in before:
        subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], check=True)
        assert_babel_and_polib_agree(path)


def test_changed_source_keeps_translation_as_fuzzy_and_revert_restores_it(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    original = (project / "locales/de-DE/cancel.po").read_bytes()
    edit_article(project, "Select **Cancel**.", "Then select **Cancel subscription**.")
    assert run_helpgen("update", "--project", project).code == 0
    entry = catalog(project).find("Then select **Cancel subscription**.")
    assert entry is not None
    assert entry.msgstr == "Wählen Sie **Kündigen** aus."
    assert "fuzzy" in entry.flags
    assert entry.previous_msgid == "Select **Cancel**."
    assert catalog(project).find("Select **Cancel**.") is None
    edit_article(project, "Then select **Cancel subscription**.", "Select **Cancel**.")
    assert run_helpgen("update", "--project", project).code == 0
    assert (project / "locales/de-DE/cancel.po").read_bytes() == original


def test_removed_segment_becomes_obsolete_and_comes_back(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    original = (project / "locales/de-DE/cancel.po").read_bytes()
    edit_article(project, "Keep your data.\n", "")
    assert run_helpgen("update", "--project", project).code == 0
    obsolete = catalog(project).obsolete_entries()
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Keep your data.", "Behalten Sie Ihre Daten.")]
    assert '#~ msgid "Keep your data."' in (project / "locales/de-DE/cancel.po").read_text()
    edit_article(project, "Select **Cancel**.\n", "Select **Cancel**.\n\nKeep your data.\n")
    assert run_helpgen("update", "--project", project).code == 0
    assert (project / "locales/de-DE/cancel.po").read_bytes() == original


def test_new_segment_is_prefilled_from_translation_memory(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    (project / "content/other.md").write_text(article("Other", "Select **Cancel**.\n\nBrand new text.\n"))
    assert run_helpgen("update", "--project", project).code == 0
    other = polib.pofile(str(project / "locales/de-DE/other.po"))
    reused = other.find("Select **Cancel**.")
    assert reused is not None and reused.msgstr == "Wählen Sie **Kündigen** aus."
    assert reused.flags == ["fuzzy"] and reused.tcomment == "origin: memory"
    fresh = other.find("Brand new text.")
    assert fresh is not None and fresh.msgstr == "" and fresh.flags == []


def test_translator_comments_and_headers_survive(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    path = project / "locales/de-DE/cancel.po"
    text = path.read_text()
    text = text.replace('"Last-Translator: \\n"', '"Last-Translator: Anna <anna@example.com>\\n"')
    text = text.replace(
        "#. paragraph\n#: content/cancel.md:10", "# check with legal\n#. paragraph\n#: content/cancel.md:10"
    )
    path.write_text(text)
    assert run_helpgen("update", "--project", project).code == 0
    po = catalog(project)
    assert po.metadata["Last-Translator"] == "Anna <anna@example.com>"
    entry = po.find("Keep your data.")
    assert entry is not None and entry.tcomment == "check with legal"


def test_unreadable_catalog_is_reported_and_left_alone(make_site: Callable[..., Path]) -> None:
    project = translated_project(make_site)
    path = project / "locales/de-DE/cancel.po"
    broken = path.read_text() + '\nmsgid "x\n'
    path.write_text(broken)
    result = run_helpgen("update", "--project", project)
    assert result.code == 1
    assert "locales/de-DE/cancel.po:" in result.err and "error[catalog-syntax]" in result.err
    assert path.read_text() == broken


def test_update_never_overwrites_a_catalog_saved_while_it_ran(make_site: Callable[..., Path], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A translator's save between update's read and its write is kept, and said (#20 item 5)."""
    from generator.l10n import update

    project = translated_project(make_site)
    (project / "content/cancel.md").write_text(article("Cancel your subscription", BODY + "\nA new line.\n"))
    catalog = project / "locales/de-DE/cancel.po"
    real_merge = update.merge_messages

    def merge_while_a_translator_saves(*args, **kwargs):  # type: ignore[no-untyped-def]
        merged = real_merge(*args, **kwargs)
        catalog.write_text(catalog.read_text(encoding="utf-8").replace("Daten.", "Daten!"), encoding="utf-8")
        return merged

    monkeypatch.setattr(update, "merge_messages", merge_while_a_translator_saves)
    result = run_helpgen("update", "--project", project)
    assert result.code == 1
    assert "locales/de-DE/cancel.po: error[catalog-changed]: the catalog changed while helpgen" in result.err
    assert "Behalten Sie Ihre Daten!" in catalog.read_text(encoding="utf-8"), "the translator's save is kept"
    monkeypatch.undo()
    assert run_helpgen("update", "--project", project).code == 0, "the next update merges it"
    text = catalog.read_text(encoding="utf-8")
    assert "Behalten Sie Ihre Daten!" in text and 'msgid "A new line."' in text


def test_files_are_replaced_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """import-sxs and update write through replace_file: a failure leaves the old file and no temporary (#20 item 6)."""
    import os

    import pytest

    from generator.content import paths

    target = tmp_path / "content/a.md"
    paths.replace_file(target, b"first")
    monkeypatch.setattr(paths.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        paths.replace_file(target, b"second, cut short")
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path / "content") == ["a.md"]


HOSTILE_HEADERS = [
    ('"X-Foo: a\\x b\\n"', "X-Foo", "a\\x b"),
    ('"X-Foo: a\\N b\\n"', "X-Foo", "a\\N b"),
    ('"X-Foo: a\\u202e b\\n"', "X-Foo", "a\\u202e b"),
    ('"X-Foo\\"Bar: 1\\n"', 'X-Foo"Bar', "1"),
]


@pytest.mark.parametrize(("line", "key", "value"), HOSTILE_HEADERS)
def test_header_fields_with_odd_escapes_round_trip(
    make_site: Callable[..., Path], line: str, key: str, value: str
) -> None:
    """A header with backslashes or quotes neither crashes update nor is written back broken (#20 item 10)."""
    from generator.l10n.catalogs import read_header

    project = make_site({"content/a.md": article("A", "Text.\n")})
    catalog = project / "locales/de-DE/a.po"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text(f'msgid ""\nmsgstr ""\n{line}\n\nmsgid "A"\nmsgstr "Ah"\n', encoding="utf-8")
    assert read_header(catalog.read_bytes())[key] == value
    first = run_helpgen("update", "--project", project)
    assert first.code == 0, first.err
    assert read_header(catalog.read_bytes())[key] == value
    subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(catalog)], check=True)
    assert run_helpgen("update", "--project", project).out == "", "the second update writes nothing"


def test_an_unknown_charset_is_reported_with_its_catalog(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    catalog = project / "locales/de-DE/a.po"
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=n\\n"\n\nmsgid "A"\nmsgstr "Ah"\n')
    result = run_helpgen("update", "--project", project)
    assert result.code == 1 and "internal error" not in result.err
    assert "locales/de-DE/a.po: error[catalog-syntax]: cannot read PO file: unknown encoding: n" in result.err


def test_the_first_update_of_a_theme_catalog_is_already_final(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    assert "locales/de-DE/_theme.po" in run_helpgen("update", "--project", project).out
    assert run_helpgen("update", "--project", project).out == "", "the second update writes nothing"
