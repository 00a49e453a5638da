from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.markup import parse_blocks
from generator.content.segment import plain_text, segment_tokens, slugify

FIXTURES = Path(__file__).parent / "fixtures" / "segment"


def read_fixture_cases(path: Path) -> list[tuple[int, str, str, str]]:
    """Read markdown-it-style cases: title, '.', input, '.', expected, '.'; return (line, title, input, expected)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.'"
        i += 2
        parts: list[list[str]] = [[], []]
        for part in parts:
            while lines[i] != ".":
                part.append(lines[i])
                i += 1
            i += 1
        cases.append((start, title, "\n".join(parts[0]) + "\n", "\n".join(parts[1])))
    return cases


CASES = read_fixture_cases(FIXTURES / "segments.txt")


@pytest.mark.parametrize(("line", "title", "markdown", "expected"), CASES, ids=[c[1][:50] for c in CASES])
def test_segments(line: int, title: str, markdown: str, expected: str) -> None:
    tokens, _ = parse_blocks(markdown)
    found = [f"{s.line} {s.kind} | {s.msgid}" for s in segment_tokens(tokens, 1)]
    found += [f"anchor {t.meta['anchor']}" for t in tokens if t.type == "heading_open"]
    wanted = [entry for entry in expected.split("\n") if entry]
    # A heading's anchor is listed only where the case names it.
    if not any(entry.startswith("anchor ") for entry in wanted):
        found = [entry for entry in found if not entry.startswith("anchor ")]
    assert "\n".join(found) == "\n".join(wanted), f"segments.txt:{line}: {title}"


def test_body_line_offset_is_added() -> None:
    tokens, _ = parse_blocks("Hello.\n\nWorld.\n")
    assert [s.line for s in segment_tokens(tokens, 10)] == [10, 12]


def test_slugify_and_plain_text() -> None:
    assert slugify(plain_text("Canceling your **Microsoft 365** [subscription](x.md)?")) == (
        "canceling-your-microsoft-365-subscription"
    )
    assert slugify("Café au lait") == "cafe-au-lait"
    assert slugify("取消订阅") == "取消订阅"
