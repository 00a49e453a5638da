"""`helpgen variants`: distinct variants, overlaps, gaps, unreachable branches, thresholds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO, article, run_helpgen


def test_the_bundled_cancellation_article_and_its_exact_threshold_question() -> None:
    result = run_helpgen("variants", "--project", REPO, "cancel-subscription")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "content/cancel-subscription.md: 3 variants, from the values of assigned_licenses, is_trial"
    assert "variant 1: shows line 33 (else)" in lines
    assert "variant 2: shows line 22 (org.is_trial)" in lines
    assert "variant 3: shows line 10 (org.assigned_licenses >= 25)" in lines
    assert "  for example assigned_licenses=25, is_trial=false" in lines
    # The question the corpus's four copies disagree on: exactly 25 licenses.
    assert "at org.assigned_licenses around 25: 24 → variant 1, exactly 25 → variant 3, 26 → variant 3" in lines
    assert (
        "overlap: line 10 (org.assigned_licenses >= 25) and line 22 (org.is_trial) all hold for "
        "assigned_licenses=25, is_trial=true (and 1 more org states); only the first shows"
    ) in lines
    assert not any(line.startswith(("gap:", "unreachable:")) for line in lines)


BODY = """\
{% if org.assigned_licenses > 10 %}
More than ten.
{% elif org.assigned_licenses > 20 %}
Never: more than twenty is more than ten.
{% endif %}

{% if org.plan == "premium" %}
Premium.
{% if org.is_trial %}
Premium trial.
{% endif %}
{% else %}
Basic.
{% endif %}
"""


def test_unreachable_branches_gaps_and_nested_blocks(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", BODY)})
    result = run_helpgen("variants", "--project", project, "a.md", "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["fields"] == ["assigned_licenses", "is_trial", "plan"]
    assert [b["condition"] for b in report["branches"]] == [
        "org.assigned_licenses > 10",
        "org.assigned_licenses > 20",
        "org.plan == 'premium'",
        "org.is_trial",
        "else",
    ]
    assert report["unreachable"] == [2]
    shown = sorted(v["branches"] for v in report["variants"])
    # licenses ≤ 10 or more; premium with or without trial, or basic.
    assert shown == [[1, 3], [1, 3, 4], [1, 5], [3], [3, 4], [5]]
    assert {g["line"] for g in report["uncovered"]} == {4}  # the first block has no else
    assert all(g["example"]["assigned_licenses"] <= 10 for g in report["uncovered"])
    # Around a threshold the other fields keep the default profile's values (small: basic, no trial).
    basic, basic_many = 1 + _index(report, [5]), 1 + _index(report, [1, 5])
    assert report["thresholds"][0] == {
        "field": "assigned_licenses",
        "value": 10,
        "tried": [
            {"value": 9, "variant": basic},
            {"value": 10, "variant": basic},
            {"value": 11, "variant": basic_many},
        ],
    }


def _index(report: dict[str, Any], branches: list[int]) -> int:
    return [v["branches"] for v in report["variants"]].index(branches)


def test_an_article_without_conditions_has_one_variant(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    result = run_helpgen("variants", "--project", project, "a")
    assert result.code == 0
    assert result.out.splitlines()[:2] == [
        "content/a.md: 1 variants, from the values of no field",
        "variant 1: shows no branch",
    ]


def test_a_missing_article_is_a_usage_error(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    result = run_helpgen("variants", "--project", project, "nope")
    assert result.code == 2
    assert "no article content/nope.md" in result.err


def test_with_a_locale_each_variant_reads_as_its_readers_see_it() -> None:
    result = run_helpgen("variants", "cancel-subscription", "--project", REPO, "--locale", "zh-CN", "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["locale"] == "zh-CN"
    texts = {tuple(v["branches"]): v["text"] for v in report["variants"]}
    by_line = {b["line"]: b["number"] for b in report["branches"]}
    large, trial = texts[(by_line[10],)], texts[(by_line[22],)]
    assert "删除用户许可证，直到授权用户少于 25 个。" in large.splitlines()  # the 25-or-more branch, in Chinese
    assert "删除用户许可证" not in trial
    assert all(v["same_text_as"] is None for v in report["variants"])
    text = run_helpgen("variants", "cancel-subscription", "--project", REPO, "--locale", "zh-CN").out
    assert "  in zh-CN:\n    取消你的Microsoft 365订阅？\n" in text


def test_variants_that_read_the_same_are_named(make_site: Callable[..., Path]) -> None:
    body = "{% if org.is_trial %}\nSame words.\n{% else %}\nSame words.\n{% endif %}\n"
    project = make_site({"content/a.md": article("A", body)})
    result = run_helpgen("variants", "a", "--project", project, "--locale", "de-DE")
    assert result.code == 0, result.err
    assert "in de-DE, the same text as variant 1" in result.out
    assert run_helpgen("variants", "a", "--project", project, "--locale", "xx-XX").code == 2
