"""Every QA check on cases from the real corpus where it has them, and made-up ones where it does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.l10n.qa import CHECKS, Pair, Settings, length_outliers, run_checks

CASES = json.loads((Path(__file__).parent / "fixtures/qa/cases.json").read_text(encoding="utf-8"))
SETTINGS = Settings(keep=("Power BI",), glossary=("PowerShell",))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['check']}-{i}" for i, c in enumerate(CASES)])
def test_check(case: dict[str, object]) -> None:
    locale = str(case["locale"])
    pair = Pair(str(case["source"]), str(case["translation"]), locale, "en-US", SETTINGS, rtl=locale == "ar")
    found = {finding.check for _, finding in run_checks(pair, {})}
    assert (case["check"] in found) is case["flagged"], (case["note"], found)


def test_every_check_has_a_case_that_flags_and_one_that_does_not() -> None:
    for check in CHECKS:
        kinds = {case["flagged"] for case in CASES if case["check"] == check.id}
        assert True in kinds, check.id
    assert {c["check"] for c in CASES if not c["flagged"]} >= {
        "markup",
        "quotes",
        "placeholders",
        "links",
        "code",
        "html",
        "invisible",
        "numbers",
        "untranslated",
        "punctuation",
    }


def test_a_translator_can_silence_a_check_on_one_entry() -> None:
    pair = Pair("Select **Save**.", "选择 **保存**.", "zh-CN")
    assert {f.check for _, f in run_checks(pair, {})} == {"punctuation"}
    assert run_checks(pair, {}, ignored={"punctuation"}) == []
    assert run_checks(pair, {"punctuation": "off"}) == []
    assert [s for s, _ in run_checks(pair, {"punctuation": "error"})] == ["error"]


def test_fixes_are_suggested_for_markup() -> None:
    pair = Pair("**Bold** text.", "\\*\\*粗体\\*\\* 文本。", "zh-CN")
    fixes = {f.fix for _, f in run_checks(pair, {}) if f.check == "markup"}
    assert "remove the backslashes: write ** instead of \\*\\*" in fixes


def test_length_outliers_are_robust() -> None:
    ratios = {n: 1.0 + (n % 5) / 20 for n in range(40)}
    ratios["odd"] = 9.0
    assert length_outliers(ratios) == {"odd"}
    assert length_outliers({"a": 1.0}) == set()


def test_check_command_reports_catalog_lines(tmp_path: Path) -> None:
    from tests.conftest import BASIC_CONFIG, article, run_helpgen, write_files

    write_files(
        tmp_path,
        {
            "helpgen.yaml": BASIC_CONFIG,
            "content/a.md": article("A", "Select **Save**.\n\nKeep it.\n"),
            "locales/de-DE/a.po": (
                'msgid "A"\nmsgstr "A"\n\nmsgid "Select **Save**."\nmsgstr "Wählen Sie ** Speichern ** aus."\n\n'
                '#, ignore-untranslated\nmsgid "Keep it."\nmsgstr "Keep it."\n'
            ),
        },
    )
    result = run_helpgen("check", "--project", tmp_path)
    assert result.code == 1
    assert (
        "locales/de-DE/a.po:4: error[markup]: bold of the source does not render in the translation "
        "(remove the spaces inside ** … ** (CommonMark does not render bold that starts or ends with a space))"
        in result.out
    )
    assert "a.po:8" not in result.out  # "Keep it." is silenced by its flag
    data = json.loads(run_helpgen("check", "--project", tmp_path, "--format", "json").out)
    assert [(p["line"], p["check"]) for p in data["problems"]] == [(4, "markup"), (4, "markup")]
    build = run_helpgen("build", "--project", tmp_path)
    assert "locales/de-DE/a.po:4: warning[markup]" in build.err and build.code == 0
    assert "Select <strong>Save</strong>." in (tmp_path / "site/de-de/a/index.html").read_text()
