"""Take the screenshots in this folder: `.venv/bin/python docs/screenshots/make.py` (after ./dev build)."""

from __future__ import annotations

import functools
import http.server
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
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        for name, path, width in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + path)
            page.screenshot(path=str(HERE / name), full_page=width < 500)
            page.close()
        browser.close()
    httpd.shutdown()


if __name__ == "__main__":
    main()
