"""`helpgen serve` over HTTP: what it serves, what it refuses, and rebuilding on a change.

The server runs in this process on a free port, with its real file watcher. The browser
side (panel, reload, overlay) is tested in Chromium in test_preview_browser.py.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.preview.serve import Preview, PreviewServer, allowed_hosts, resolve_path
from tests.conftest import BASIC_CONFIG, article, run_helpgen, write_files

ARTICLE = article(
    "Cancel",
    """\
    {% if org.assigned_licenses >= license_threshold %}
    Remove licenses first.
    {% else %}
    Cancel online.
    {% endif %}
    """,
)
CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de-DE\\n"

msgid "Cancel"
msgstr "Kündigen"

#, fuzzy
msgid "Remove licenses first."
msgstr "Zuerst Lizenzen entfernen."

msgid "Cancel online."
msgstr "Online kündigen."
"""


def start(project: Path) -> tuple[Preview, PreviewServer]:
    """Preview `project` on a free port, with the builder and the real file watcher running."""
    preview = Preview(project)
    preview.build()
    server = PreviewServer(("127.0.0.1", 0), preview)
    for target in (server.serve_forever, preview.run_builder, preview.watch):
        threading.Thread(target=target, daemon=True).start()
    return preview, server


def stop(preview: Preview, server: PreviewServer) -> None:
    preview.stop()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Preview, PreviewServer]]:
    """A project with one article, previewed; the tests that use it change no file."""
    project = tmp_path_factory.mktemp("served")
    write_files(
        project, {"helpgen.yaml": BASIC_CONFIG, "content/cancel.md": ARTICLE, "locales/de-DE/cancel.po": CATALOG}
    )
    preview, server = start(project)
    yield preview, server
    stop(preview, server)


@pytest.fixture
def changing(make_site: Callable[..., Path]) -> Iterator[tuple[Preview, PreviewServer]]:
    """A project with one article, previewed, for a test that changes its files."""
    preview, server = start(make_site({"content/cancel.md": ARTICLE, "locales/de-DE/cancel.po": CATALOG}))
    time.sleep(0.3)  # let the watcher start before the test changes files
    yield preview, server
    stop(preview, server)


def request(
    server: PreviewServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send one request exactly as given (no path normalizing) and return status, headers, body."""
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in ({"Host": f"127.0.0.1:{port}"} | (headers or {})).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = b"" if method == "HEAD" else response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def first_event(server: PreviewServer, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object] | None]:
    """Open the event stream; return its status and its first event (None when refused)."""
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/_helpgen/events", headers={"Host": f"127.0.0.1:{port}"} | (headers or {}))
    response = connection.getresponse()
    if response.status != 200:
        connection.close()
        return response.status, None
    line = response.fp.readline().decode()
    connection.close()
    assert line.startswith("data: "), line
    return 200, json.loads(line[len("data: ") :])


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# -- What is served --------------------------------------------------------------------------


def test_pages_are_served_with_the_preview_tools(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served
    status, headers, body = request(server, "/de-de/cancel/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert '<script src="/_helpgen/preview.js" defer></script>' in page
    settings = json.loads(page.split('id="hg-preview">', 1)[1].split("</script>", 1)[0])
    assert [field["name"] for field in settings["fields"]] == ["assigned_licenses", "is_trial", "plan"]
    assert settings["profiles"]["large"] == {"assigned_licenses": 40, "is_trial": False, "plan": "premium"}
    assert [locale["segment"] for locale in settings["locales"]] == ["en-us", "de-de"]
    # every segment carries its status, source and catalog entry for the preview
    assert 'data-hg-status="fuzzy"' in page and 'data-hg-source="Remove licenses first."' in page
    assert 'data-hg-entry="locales/de-DE/cancel.po:10"' in page
    assert request(server, "/_helpgen/preview.js")[0] == 200
    assert request(server, "/_helpgen/preview.css")[1]["content-type"] == "text/css; charset=utf-8"


def test_a_site_build_has_none_of_the_preview(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/cancel.md": ARTICLE, "locales/de-DE/cancel.po": CATALOG})
    assert run_helpgen("build", "--project", project, "-j1").code == 0
    page = (project / "site/de-de/cancel/index.html").read_text()
    assert "data-hg-status" not in page and "data-hg-source" not in page and "_helpgen" not in page


def test_head_sends_no_body_and_folders_redirect_to_their_slash(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served
    status, headers, body = request(server, "/de-de/cancel/", "HEAD")
    assert (status, body) == (200, b"") and int(headers["content-length"]) > 1000
    status, headers, _ = request(server, "/de-de/cancel?org.is_trial=true")
    assert status == 301 and headers["location"] == "/de-de/cancel/?org.is_trial=true"


def test_an_unknown_page_gets_the_locales_not_found_page(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served
    status, _, body = request(server, "/de-de/no-such-article/")
    assert status == 404 and 'lang="de-DE"' in body.decode() and "/_helpgen/preview.js" in body.decode()


# -- What is refused -------------------------------------------------------------------------

TRAVERSALS = [
    "/../helpgen.yaml",
    "/de-de/../../helpgen.yaml",
    "/%2e%2e/helpgen.yaml",
    "/%2E%2E/%2e%2e/helpgen.yaml",
    "/..%2fhelpgen.yaml",
    "/de-de/..%2f..%2fhelpgen.yaml",
    "/%2e%2e%2f%2e%2e%2fhelpgen.yaml",
    "/..%5c..%5chelpgen.yaml",
    "/..\\helpgen.yaml",
    "/%252e%252e/helpgen.yaml",
    "/de-de/%00/../../helpgen.yaml",
    "/.helpgen-site",
    "/%2ehelpgen-site",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/../../../../../../etc/passwd",
    "/%ff%fe/",
    "http://127.0.0.1/../helpgen.yaml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_file_outside_the_site_is_ever_served(served: tuple[Preview, PreviewServer], path: str) -> None:
    _, server = served
    status, _, body = request(server, path)
    assert status == 404
    assert b"source_locale" not in body and b"root:" not in body


def test_resolve_path_refuses_every_way_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "de-de").mkdir(parents=True)
    (tmp_path / "secret").write_text("x")
    (root / "link").symlink_to(tmp_path / "secret")
    assert resolve_path(root, "/de-de/") == root / "de-de"
    assert resolve_path(root, "/de-de/x.html?a=../b#c") == root / "de-de/x.html"
    for path in ("/link", "/../secret", "/%2e%2e/secret", "/de-de/%2e%2e/%2e%2e/secret", "relative", "/a\x00b"):
        assert resolve_path(root, path) is None, path


def test_folders_are_never_listed(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served
    status, _, body = request(server, "/_static/")
    assert status == 404 and body == request(server, "/no-such-folder/")[2]  # the not-found page, not a listing


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_answered(served: tuple[Preview, PreviewServer], method: str) -> None:
    _, server = served
    status, headers, _ = request(server, "/de-de/cancel/", method)
    assert status == 405 and headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", ""])
def test_a_request_for_another_host_is_refused(served: tuple[Preview, PreviewServer], host: str) -> None:
    _, server = served
    status, _, body = request(server, "/de-de/cancel/", headers={"Host": host})
    assert status == 403 and "Kündigen".encode() not in body


def test_localhost_names_are_this_server() -> None:
    hosts = allowed_hosts("127.0.0.1", 8000, ["preview.internal"])
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "preview.internal:8000"} <= hosts
    assert "evil.example:8000" not in hosts and "localhost" not in hosts


def test_the_event_stream_refuses_other_origins(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served
    port = server.server_address[1]
    assert first_event(server, {"Origin": "http://evil.example"})[0] == 403
    assert first_event(server, {"Origin": f"http://evil.example:{port}"})[0] == 403
    assert first_event(server, {"Origin": "null"})[0] == 403
    status, event = first_event(server, {"Origin": f"http://localhost:{port}"})
    assert status == 200 and event is not None and event["problems"] == []
    assert first_event(server)[0] == 200  # a same-origin EventSource sends no Origin


def test_fifty_browsers_at_once_get_their_pages(served: tuple[Preview, PreviewServer]) -> None:
    _, server = served

    def browser(number: int) -> tuple[int, int, int]:
        page = request(server, f"/{'de-de' if number % 2 else 'en-us'}/cancel/")[0]
        events = first_event(server)[0]
        style = request(server, "/_static/helpgen.css")[0]
        return page, events, style

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(browser, range(50)))
    assert results == [(200, 200, 200)] * 50


# -- Rebuilding -----------------------------------------------------------------------------


def test_a_catalog_edit_rebuilds_the_page_and_tells_the_browsers(changing: tuple[Preview, PreviewServer]) -> None:
    preview, server = changing
    generation = preview.status.generation
    catalog = preview.project_dir / "locales/de-DE/cancel.po"
    catalog.write_text(CATALOG.replace("Online kündigen.", "Jetzt online kündigen."), encoding="utf-8")
    wait_for(lambda: preview.status.generation > generation)
    assert "Jetzt online kündigen." in request(server, "/de-de/cancel/")[2].decode()
    status, event = first_event(server)
    assert event is not None and event["generation"] == generation + 1


def test_a_broken_article_shows_its_error_keeps_the_last_good_page_and_recovers(
    changing: tuple[Preview, PreviewServer],
) -> None:
    preview, server = changing
    source = preview.project_dir / "content/cancel.md"
    source.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    wait_for(lambda: any(d.severity == "error" for d in preview.status.problems))
    problems = first_event(server)[1]["problems"]  # type: ignore[index]
    assert any(p["file"] == "content/cancel.md" and p["line"] == 3 and p["severity"] == "error" for p in problems)
    assert "Kündigen" in request(server, "/de-de/cancel/")[2].decode()  # the last good page stays
    source.write_text(ARTICLE, encoding="utf-8")
    wait_for(lambda: not preview.status.problems)


def test_a_broken_config_is_reported_and_the_server_keeps_going(changing: tuple[Preview, PreviewServer]) -> None:
    preview, server = changing
    config = preview.project_dir / "helpgen.yaml"
    good = config.read_text()
    config.write_text(good.replace("locales: [en-US, de-DE]", "locales: [en-US, de-DE"), encoding="utf-8")
    wait_for(lambda: bool(preview.status.problems))
    assert preview.status.problems[0].path == "helpgen.yaml" and preview.status.problems[0].line > 0
    assert request(server, "/de-de/cancel/")[0] == 200
    config.write_text(good, encoding="utf-8")
    wait_for(lambda: not preview.status.problems)


def test_a_taken_port_is_a_usage_error_said_at_once(make_site: Callable[..., Path]) -> None:
    import socket

    project = make_site({"content/cancel.md": ARTICLE})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_helpgen("serve", "--project", project, "--port", str(port))
    assert result.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.err and "--port" in result.err
    assert not (project / ".helpgen-cache").exists()  # nothing was built before the address failed


def test_every_segment_says_its_status_in_the_preview(make_site: Callable[..., Path]) -> None:
    """Untranslated, fuzzy, machine-translated and QA-flagged segments each carry their status and entry."""
    body = "Plain one.\n\nFuzzy one.\n\nMachine one.\n\nThe **bold** one.\n\nMissing one.\n"
    catalog = (
        'msgid "A"\nmsgstr "A"\n\n'
        'msgid "Plain one."\nmsgstr "Eins."\n\n'
        '#, fuzzy\nmsgid "Fuzzy one."\nmsgstr "Zwei."\n\n'
        '# origin: machine\nmsgid "Machine one."\nmsgstr "Drei."\n\n'
        'msgid "The **bold** one."\nmsgstr "Der ** fette ** vier."\n'
    )
    project = make_site({"content/a.md": article("A", body), "locales/de-DE/a.po": catalog})
    preview = Preview(project)
    preview.build()
    page = (preview.out_dir / "de-de/a/index.html").read_text(encoding="utf-8")

    def status(source: str) -> tuple[str, str]:
        tag = page.split(f'data-hg-source="{source}"', 1)[1].split(">", 1)[0]
        entry = tag.split('data-hg-entry="', 1)[1].split('"', 1)[0] if "data-hg-entry" in tag else ""
        return tag.split('data-hg-status="', 1)[1].split('"', 1)[0], entry

    assert status("Plain one.") == ("translated", "locales/de-DE/a.po:4")
    assert status("Fuzzy one.") == ("fuzzy", "locales/de-DE/a.po:8")
    assert status("Machine one.") == ("machine", "locales/de-DE/a.po:12")
    assert status("The bold one.") == ("qa", "locales/de-DE/a.po:15")  # bold that does not render
    assert status("Missing one.") == ("untranslated", "")
    assert "bold of the source does not render" in page


def test_media_are_streamed_not_read_whole(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file costs a buffer per request, not its size (#20 item 8)."""
    big = bytes(range(256)) * 12_000  # 3 MB
    preview, server = start(make_site({"content/a.md": article("A", "Text.\n"), "content/media/big.bin": big}))
    try:
        real = Path.read_bytes
        monkeypatch.setattr(
            Path, "read_bytes", lambda self: pytest.fail("read whole") if self.name == "big.bin" else real(self)
        )
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", "/media/big.bin")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Length") == str(len(big))
        assert response.read() == big
    finally:
        stop(preview, server)


def test_idle_connections_are_closed_and_their_number_is_capped(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from generator.preview import serve

    monkeypatch.setattr(serve.PreviewHandler, "timeout", 1.0)
    monkeypatch.setattr(serve.PreviewServer, "max_connections", 2)
    preview, server = start(make_site({"content/a.md": article("A", "Text.\n")}))
    try:
        address = ("127.0.0.1", server.server_address[1])
        idle = [socket.create_connection(address, timeout=10) for _ in range(2)]
        time.sleep(0.3)  # both are being served (and say nothing)
        extra = socket.create_connection(address, timeout=10)
        started = time.monotonic()
        assert extra.recv(1) == b"", "a third connection is closed at once"
        assert time.monotonic() - started < 0.9
        for connection in idle:
            assert connection.recv(1) == b"", "an idle connection is closed after the timeout"
        assert time.monotonic() - started < 5
        later = http.client.HTTPConnection(*address, timeout=10)
        later.request("GET", "/")
        assert later.getresponse().status in (200, 302), "the freed slots serve again"
        for connection in (*idle, extra):
            connection.close()
    finally:
        stop(preview, server)
