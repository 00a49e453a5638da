"""`helpgen stats`: figures checked against counts made by hand."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import BASIC_CONFIG, REPO, article, run_helpgen


def stats_json(project: Path, *args: str) -> dict[str, object]:
    result = run_helpgen("stats", "--project", project, "--format", "json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_bundled_site_matches_hand_counts() -> None:
    data = stats_json(REPO, "--locale", "de-DE")
    (locale,) = data["locales"]  # type: ignore[misc]
    articles = {a["article"]: a for a in locale["articles"]}
    # cannot-see-the-scroll-bar.md, counted by hand: title = heading "Cannot see the scroll bar" (5 words),
    # "In Outlook.com, the scroll bar only becomes visible when the mouse is in the folder pane." (16),
    # alt text "Mouse over inbox scrollbar" (4); a human translation (HT in the corpus).
    scroll = articles["cannot-see-the-scroll-bar.md"]
    assert scroll["segments"] == {"total": 3, "translated": 3, "fuzzy": 0, "untranslated": 0, "machine": 0}
    assert scroll["words"]["total"] == 25
    # auto-reply.md: a 12-word title/heading, a 12-word bold instruction, a 14-word alert, and a
    # 13-word PowerShell command that the corpus left outside its sxs spans (so untranslated).
    reply = articles["auto-reply.md"]
    assert reply["segments"] == {"total": 4, "translated": 3, "fuzzy": 0, "untranslated": 1, "machine": 0}
    assert reply["words"] == {"total": 51, "translated": 38, "fuzzy": 0, "untranslated": 13, "machine": 0}
    # cancel-subscription.md: 16 distinct segments (the title is also the heading; "We're sorry to see
    # you go!", the refund line and "To learn more" stand twice), all machine translations.
    cancel = articles["cancel-subscription.md"]
    assert cancel["segments"] == {"total": 16, "translated": 16, "fuzzy": 0, "untranslated": 0, "machine": 16}
    assert locale["published"] == 7
    # cancel-power-bi.md: 9 segments of the corpus, its refund line now the shared snippet's, and
    # one sentence linking to the cancellation article: 10.
    assert locale["segments"]["total"] == 4 + 10 + 16 + 3 + 7 + 8 + 10 and locale["segments"]["untranslated"] == 1


def test_fuzzy_untranslated_and_policy(make_site: Callable[..., Path]) -> None:
    project = make_site(
        {
            "helpgen.yaml": BASIC_CONFIG + "policy: {de-DE: {min_completeness: 0.5}}\n",
            "content/a.md": article("Two words", "One two three.\n\nFour five.\n\nSix.\n"),
            "locales/de-DE/a.po": (
                'msgid "Two words"\nmsgstr "Zwei Wörter"\n\n'
                '#, fuzzy\nmsgid "One two three."\nmsgstr "Eins zwei drei."\n\n'
                '# origin: machine\nmsgid "Four five."\nmsgstr "Vier fünf."\n'
            ),
        }
    )
    (locale,) = stats_json(project)["locales"]  # type: ignore[misc]
    (a,) = locale["articles"]
    assert a["segments"] == {"total": 4, "translated": 2, "fuzzy": 1, "untranslated": 1, "machine": 1}
    assert a["words"] == {"total": 8, "translated": 4, "fuzzy": 3, "untranslated": 1, "machine": 2}
    assert a["completeness"] == 0.5 and a["published"] is True
    text = run_helpgen("stats", "--project", project).out
    assert "de-DE: 50% of segments translated, 1 of 1 articles published" in text
    html = run_helpgen("stats", "--project", project, "--format", "html").out
    assert '<a href="locales/de-DE/a.po">a.md</a>' in html and "aria-sort" in html


def test_stats_reports_a_broken_catalog(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n"), "locales/de-DE/a.po": 'msgid "A\n'})
    result = run_helpgen("stats", "--project", project)
    assert result.code == 1 and "locales/de-DE/a.po:1: error[catalog-syntax]" in result.err
    shutil.rmtree(project)
