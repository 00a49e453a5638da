"""Measure how soon an open preview learns of a saved file: `helpgen serve`'s save-to-reload time.

    .venv/bin/python bench/preview_latency.py [--project DIR] [--runs 5]

Starts the preview of a project (default: a copy of the bundled example site) in this process,
with its real file watcher, opens the event stream as a page does, then changes one catalog
entry --runs times and prints, for each save, the seconds until the stream announces the rebuilt
site (the page then reloads; a browser adds the time to load one page). For the corpus:
`--project bench/work/project` (made by bench/build_corpus.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.preview.serve import Preview, PreviewServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, help="the project to preview (default: a copy of the bundled site)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    project = args.project or copy_bundled()
    catalog = next(path for path in sorted((project / "locales").glob("*/*.po")) if not path.name.startswith("_"))
    original = catalog.read_text(encoding="utf-8")
    started = time.perf_counter()
    preview = Preview(project)
    preview.build()
    print(f"{project}: first preview build {time.perf_counter() - started:.2f} s")
    server = PreviewServer(("127.0.0.1", 0), preview)
    for target in (server.serve_forever, preview.run_builder, preview.watch):
        threading.Thread(target=target, daemon=True).start()
    time.sleep(0.5)
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
    connection.request("GET", "/_helpgen/events", headers={"Host": f"127.0.0.1:{server.server_address[1]}"})
    stream = connection.getresponse()
    generation = next_event(stream)["generation"]
    times = []
    try:
        for run in range(args.runs):
            at = original.index('msgstr "', original.index('msgstr "') + 1) + len('msgstr "')  # after the header
            changed = original[:at] + f"[{run}] " + original[at:]
            saved = time.perf_counter()
            catalog.write_text(changed, encoding="utf-8")
            while True:
                event = next_event(stream)
                if event["generation"] > generation:
                    break
            generation = event["generation"]
            times.append(time.perf_counter() - saved)
            print(f"save {run + 1}: the open page heard of the new site after {times[-1]:.3f} s")
            time.sleep(0.3)
    finally:
        catalog.write_text(original, encoding="utf-8")
        preview.stop()
        server.shutdown()
    print(f"{catalog.relative_to(project)} saved {args.runs} times: median {statistics.median(times):.3f} s")


def copy_bundled() -> Path:
    project = Path(tempfile.mkdtemp(prefix="helpgen-preview-bench-")) / "project"
    project.mkdir()
    for name in ("helpgen.yaml", "content", "locales", "templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.is_file():
            shutil.copy(source, project / name)
    return project


def next_event(stream: http.client.HTTPResponse) -> dict[str, object]:
    """Return the next `data:` event of a server-sent event stream."""
    while True:
        line = stream.fp.readline().decode()
        if line.startswith("data: "):
            return json.loads(line[len("data: ") :])  # type: ignore[no-any-return]


if __name__ == "__main__":
    main()
