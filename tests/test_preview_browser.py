"""`helpgen serve` in a real browser: the panel, the views, reloading by itself, the error overlay.

The bundled project is copied and previewed by the real command (`helpgen serve --port 0`)
in a process of its own; headless Chromium opens its pages.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_build import copy_project

pytestmark = pytest.mark.slow
ARTICLE = "content/cancel-subscription.md"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL, project) of `helpgen serve` previewing a copy of the bundled project."""
    project = copy_project(tmp_path_factory.mktemp("preview") / "project")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--project", str(project), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    url = None
    for line in process.stderr:
        found = re.search(r"previewing .* at (http://\S+/)", line)
        if found:
            url = found.group(1)
            break
    assert url, "helpgen serve did not start"
    yield url, project
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def page(browser: Any, preview: tuple[str, Path]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def visible_text(page: Any, selector: str) -> str:
    return str(page.locator(selector).evaluate("e => e.innerText"))


def test_the_org_panel_switches_the_branch(page: Any, preview: tuple[str, Path]) -> None:
    url, _ = preview
    page.goto(url + "en-us/cancel-subscription/")
    article = page.locator(".hg-article")
    # the default profile (small-org, 10 licenses): the else branch
    assert "fewer than 25 assigned licenses" in article.inner_text()
    assert "Remove licenses from users" not in article.inner_text()
    page.fill("#hg-pv-org-assigned_licenses", "40")
    assert "Remove licenses from users until you have fewer than 25" in article.inner_text()
    assert "fewer than 25 assigned licenses" not in article.inner_text()
    assert page.input_value("#hg-pv-profile") == "large-org"  # the preset that matches is shown
    page.select_option("#hg-pv-profile", "trial")
    assert page.input_value("#hg-pv-org-assigned_licenses") == "3" and page.is_checked("#hg-pv-org-is_trial")
    assert "turn off recurring billing" in article.inner_text()
    assert "org.is_trial=true" in page.url  # a reload or a shared link keeps the state


def test_the_locale_switcher_lands_on_the_same_article_with_the_same_org(page: Any, preview: tuple[str, Path]) -> None:
    url, _ = preview
    page.goto(url + "en-us/cancel-subscription/")
    page.fill("#hg-pv-org-assigned_licenses", "40")
    page.select_option("#hg-pv-locale", "de-de")
    page.wait_for_url(url + "de-de/cancel-subscription/?org.assigned_licenses=40&org.is_trial=false")
    assert page.locator("html").get_attribute("lang") == "de-DE"
    assert page.input_value("#hg-pv-org-assigned_licenses") == "40"
    assert page.locator(".hg-branch:not([hidden]) [data-hg-source^='Remove licenses from users']").count() == 1


def test_every_variant_is_shown_with_its_condition_in_words(page: Any, preview: tuple[str, Path]) -> None:
    url, _ = preview
    page.goto(url + "en-us/cancel-subscription/")
    page.check("#hg-pv-all")
    labels = page.locator(".hg-cond .hg-pv-label").all_inner_texts()
    assert labels[:3] == [
        "If assigned_licenses is at least 25 (not shown to this organization)",
        "Else if is_trial is true (not shown to this organization)",
        "Otherwise (shown)",
    ]
    assert "turn off recurring billing" in page.locator(".hg-article").inner_text()  # hidden branches show
    page.uncheck("#hg-pv-all")
    assert "turn off recurring billing" not in page.locator(".hg-article").inner_text()


def test_bilingual_and_status_views_show_source_and_catalog_entry(page: Any, preview: tuple[str, Path]) -> None:
    url, _ = preview
    page.goto(url + "zh-cn/cancel-subscription/")
    heading = page.locator("h1")
    source = page.locator("h1 + .hg-pv-source")
    assert not source.is_visible()
    page.check("#hg-pv-bilingual")
    assert source.inner_text() == "Canceling your Microsoft 365 subscription?"
    assert source.get_attribute("lang") == "en-US"
    page.check("#hg-pv-status")
    assert heading.get_attribute("data-hg-status") == "machine"
    entry = page.locator("h1 + .hg-pv-source + .hg-pv-entry").inner_text()
    assert re.fullmatch(r"machine · locales/zh-CN/cancel-subscription\.po:\d+", entry), entry
    legend = page.locator(".hg-pv-legend").inner_text()
    assert re.search(r"Machine-translated: [1-9]", legend) and "Flagged by a QA check" in legend
    # the views stay on when the reader moves on (this tab remembers them)
    page.goto(url + "de-de/cancel-subscription/")
    assert page.is_checked("#hg-pv-bilingual") and page.locator("h1 + .hg-pv-source").is_visible()


def test_a_catalog_edit_appears_without_touching_the_browser(page: Any, preview: tuple[str, Path]) -> None:
    url, project = preview
    page.goto(url + "de-de/cancel-subscription/")
    assert page.locator("h1").inner_text() == "Ihr Abonnement Microsoft 365 kündigen?"
    catalog = project / "locales/de-DE/cancel-subscription.po"
    original = catalog.read_text(encoding="utf-8")
    try:
        catalog.write_text(original.replace("Ihr Abonnement Microsoft 365 kündigen?", "Abo kündigen?"), "utf-8")
        page.wait_for_function("document.querySelector('h1').innerText === 'Abo kündigen?'", timeout=10_000)
    finally:
        catalog.write_text(original, encoding="utf-8")
    page.wait_for_function("document.querySelector('h1').innerText !== 'Abo kündigen?'", timeout=10_000)


def test_a_broken_front_matter_shows_the_overlay_until_it_is_fixed(page: Any, preview: tuple[str, Path]) -> None:
    url, project = preview
    page.goto(url + "en-us/cancel-subscription/")
    source = project / ARTICLE
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(original.replace("order: 1", "order: [1"), encoding="utf-8")
        overlay = page.locator(".hg-pv-overlay")
        overlay.wait_for(timeout=10_000)
        assert re.search(rf"{ARTICLE}:\d+", overlay.locator(".hg-pv-where").first.inner_text())
        assert overlay.get_attribute("role") == "alert"
        assert "Canceling your Microsoft 365 subscription?" in page.locator("h1").inner_text()  # last good page
    finally:
        source.write_text(original, encoding="utf-8")
    page.locator(".hg-pv-overlay").wait_for(state="detached", timeout=10_000)


def test_the_overlay_shows_markup_as_text(page: Any, preview: tuple[str, Path]) -> None:
    url, project = preview
    page.goto(url + "en-us/cancel-subscription/")
    hostile = project / "content" / '<img src=x onerror="window.pwned=1">.md'
    hostile.write_text("---\ntitle: [<script>window.pwned=2</script>\n---\n", encoding="utf-8")
    try:
        overlay = page.locator(".hg-pv-overlay")
        overlay.wait_for(timeout=10_000)
        assert '<img src=x onerror="window.pwned=1">.md' in overlay.inner_text()
        assert overlay.locator("img, script").count() == 0
        assert page.evaluate("window.pwned") is None
    finally:
        hostile.unlink()
    page.locator(".hg-pv-overlay").wait_for(state="detached", timeout=10_000)


@pytest.mark.parametrize("locale", ["zh-cn", "qps-plocm"])
def test_the_preview_tools_pass_axe(page: Any, preview: tuple[str, Path], locale: str) -> None:
    """With every view on (hidden branches shown, source text, status labels), left-to-right and right-to-left."""
    from tests.test_site_quality import AXE

    url, _ = preview
    page.goto(url + f"{locale}/cancel-subscription/")
    for view in ("all", "bilingual", "status"):
        page.check(f"#hg-pv-{view}")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert [b for b in bad if b[1] in ("serious", "critical")] == []
