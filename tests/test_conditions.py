from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.config import OrgField
from generator.content.conditions import ConditionError, describe, evaluate, parse_condition, to_json

SCHEMA = {
    "assigned_licenses": OrgField("assigned_licenses", "integer", minimum=0),
    "is_trial": OrgField("is_trial", "boolean"),
    "plan": OrgField("plan", "string", choices=("basic", "premium")),
}
VARIABLES = {"license_threshold": 25, "plans": ["basic", "premium"], "name": "x", "links": {"a": "b"}}
FIXTURES = Path(__file__).parent / "fixtures" / "conditions" / "conditions.txt"


def _cases() -> list[tuple[int, str, dict[str, object], str]]:
    cases = []
    for number, line in enumerate(FIXTURES.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        condition, org, expected = (part.strip() for part in line.split(" | "))
        cases.append((number, condition, json.loads(org), expected))
    return cases


@pytest.mark.parametrize(("line", "condition", "org", "expected"), _cases(), ids=lambda v: str(v)[:40])
def test_condition_fixture(line: int, condition: str, org: dict[str, object], expected: str) -> None:
    if expected.startswith("error: "):
        with pytest.raises(ConditionError) as caught:
            parse_condition(condition, SCHEMA, VARIABLES)
        assert expected.removeprefix("error: ") in str(caught.value), f"conditions.txt:{line}"
    else:
        node = parse_condition(condition, SCHEMA, VARIABLES)
        assert evaluate(node, org) is (expected == "true"), f"conditions.txt:{line}"


def test_variables_become_values_in_the_machine_readable_form() -> None:
    node = parse_condition("org.assigned_licenses > license_threshold and not org.is_trial", SCHEMA, VARIABLES)
    assert to_json(node) == {
        "op": "and",
        "args": [
            {"op": ">", "args": [{"field": "assigned_licenses"}, {"value": 25}]},
            {"op": "not", "args": [{"field": "is_trial"}]},
        ],
    }
    assert describe(node) == "org.assigned_licenses > 25 and not org.is_trial"


def test_conditions_with_many_terms_are_refused_before_anything_recurses_on_them() -> None:
    import pytest

    from generator.content.conditions import MAX_TERMS, ConditionError, parse_condition

    parse_condition(" and ".join(["true"] * (MAX_TERMS - 1)), {}, {})
    with pytest.raises(ConditionError, match="more than 64 terms"):
        parse_condition(" or ".join(["true"] * 251), {}, {})
