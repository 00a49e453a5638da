from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.config import describe_schema, read_config
from generator.report import ContentError

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "config").glob("bad.*.yaml"))


def expected_diagnostics(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in path.read_text().splitlines() if line.startswith("# expect: ")]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_bad_config_reports_every_problem_with_its_line(fixture: Path, tmp_path: Path) -> None:
    shutil.copy(fixture, tmp_path / "helpgen.yaml")
    with pytest.raises(ContentError) as caught:
        read_config(tmp_path)
    assert [d.format() for d in caught.value.diagnostics] == expected_diagnostics(fixture)


def test_good_config_is_frozen_and_complete(tmp_path: Path) -> None:
    from tests.conftest import BASIC_CONFIG

    (tmp_path / "helpgen.yaml").write_text(BASIC_CONFIG)
    config = read_config(tmp_path)
    assert config.locales == ("en-US", "de-DE")
    assert config.default_org() == {"assigned_licenses": 10, "is_trial": False, "plan": "basic"}
    assert config.variables["links"]["products"] == "https://example.com/products"
    with pytest.raises(TypeError):
        config.variables["links"]["products"] = "changed"  # type: ignore[index]


def test_missing_config_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        read_config(tmp_path)
    assert "helpgen init" in caught.value.diagnostics[0].format()


def test_schema_table_lists_every_setting() -> None:
    table = describe_schema()
    for name in ("source_locale", "locales", "pseudo_locales", "variables", "org", "profiles", "default_profile"):
        assert f"`{name}`" in table


def test_nested_settings_take_their_defaults_from_the_schema_and_a_locale_policy_builds_on_the_default(
    tmp_path: Path,
) -> None:
    from generator.config import POLICY_SCHEMA, LocalePolicy

    (tmp_path / "helpgen.yaml").write_text(
        "locales: [en-US, de-DE, fr-FR]\n"
        "policy:\n  default: {fuzzy: translation}\n  de-DE: {min_completeness: 0.5}\n"
        "qa:\n  severity: {numbers: off}\n"
    )
    config = read_config(tmp_path)
    assert {option.name: option.default for option in POLICY_SCHEMA} == vars(LocalePolicy())
    assert config.policy("de-DE") == LocalePolicy(fuzzy="translation", machine="translation", min_completeness=0.5)
    assert config.policy("fr-FR") == LocalePolicy(fuzzy="translation")
    assert config.severities("de-DE")["numbers"] == "off", "YAML's bare off (false) means off"
