"""Take the screenshots in this folder: `.venv/bin/python docs/screenshots/make.py` (after ./dev build).

The preview shots start `helpgen serve` on the bundled project.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SITE = HERE.parent.parent / "site"
SHOTS = [
    ("article-en-us.png", "/en-us/cancel-subscription/", 1100),
    ("article-zh-cn.png", "/zh-cn/cancel-subscription/?org.assigned_licenses=40", 1100),
    ("article-qps-plocm.png", "/qps-plocm/cancel-subscription/", 1100),
    ("article-de-de-360px.png", "/de-de/cancel-subscription/?org.is_trial=true", 360),
]


#: (file, path, the preview views to turn on, the org state to type in)
PREVIEW_SHOTS = [
    ("preview-zh-cn-bilingual.png", "/zh-cn/cancel-subscription/", ["bilingual", "status"], "40"),
    ("preview-en-us-all-variants.png", "/en-us/cancel-subscription/", ["all"], "10"),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def preview_shots(browser: object) -> None:
    """Screenshots of `helpgen serve` with the panel open."""
    project = HERE.parent.parent
    command = [sys.executable, "-m", "generator", "serve", "--project", str(project), "--port", "0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    url = next(m.group(1) for line in server.stderr if (m := re.search(r"at (http://\S+)/ ", line)))
    try:
        for name, path, views, licenses in PREVIEW_SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": 860})  # type: ignore[attr-defined]
            page.goto(url + path)
            page.fill("#hg-pv-org-assigned_licenses", licenses)
            for view in views:
                page.check(f"#hg-pv-{view}")
            if "all" in views:
                page.evaluate("document.querySelector('.hg-cond').scrollIntoView(); window.scrollBy(0, -60)")
            page.screenshot(path=str(HERE / name))
            page.close()
    finally:
        server.terminate()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def main() -> None:
    handler = functools.partial(QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=ARGS,
        )
        preview_shots(browser)
        for name, path, width in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + path)
            page.screenshot(path=str(HERE / name), full_page=width < 500)
            page.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
