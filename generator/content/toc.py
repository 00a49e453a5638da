"""The site's table of contents: `content/TOC.yml`, in DocFX's format, or front matter order.

    - name: Billing
      items:
        - name: Cancel your subscription
          href: cancel-subscription.md
        - name: Renew
          href: https://example.com/renew
    - name: Error 0x15
      href: troubleshooting/error-code-0x15.md

An entry with `href` to an article (or `topicHref`, DocFX's name for a section's own page) shows
that article under its localized title; an entry with `items` and no article is a section whose
`name` is translated in `_theme.po`; an `http(s)` href is an external link. DocFX's other keys
(`uid`, `expanded`, `tocHref`, …) are accepted and ignored. Articles the file does not list come
after it, in front matter order.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.config import Config
from generator.report import ContentError, Diagnostic, error
from generator.safe_yaml import YamlDocument, load_yaml

#: The names DocFX gives the file, in the order they are looked for.
TOC_NAMES = ("TOC.yml", "toc.yml")
#: Deeper sections than this are refused (a TOC is read by people).
MAX_DEPTH = 8


@dataclass(frozen=True)
class TocEntry:
    """One entry: an article (`slug`), an external link (`url`) or a section (`name` and children)."""

    name: str
    line: int
    slug: str | None = None
    url: str | None = None
    children: tuple[TocEntry, ...] = ()


def toc_file(config: Config) -> str | None:
    """Return the name of the project's TOC file below content/, if it has one."""
    for name in TOC_NAMES:
        if (config.content_dir / name).is_file():
            return name
    return None


def load_toc(config: Config, slugs: set[str] | None) -> tuple[tuple[TocEntry, ...] | None, list[Diagnostic]]:
    """Return the entries of content/TOC.yml (None without one) and its problems.

    `slugs` are the site's articles, which hrefs must name (None: any `.md` href is taken).
    A bad entry is reported at its line and left out; a file that is not YAML is reported and
    the site falls back to front matter order.
    """
    name = toc_file(config)
    if name is None:
        return None, []
    filename = f"content/{name}"
    try:
        document = load_yaml((config.content_dir / name).read_text(encoding="utf-8"), filename)
    except ContentError as exc:
        return None, list(exc.diagnostics)
    except UnicodeDecodeError:
        return None, [error(filename, 1, "toc", "TOC.yml is not valid UTF-8")]
    problems: list[Diagnostic] = []
    if document.data is None:
        return (), []
    if not isinstance(document.data, list):
        return None, [error(filename, document.line(()), "toc", "TOC.yml is a list of entries (- name: …)")]
    entries = tuple(_entries(document, document.data, (), filename, slugs, problems, set()))
    return entries, problems


def _entries(
    document: YamlDocument,
    items: list[Any],
    path: tuple[str | int, ...],
    filename: str,
    slugs: set[str] | None,
    problems: list[Diagnostic],
    seen: set[str],
) -> Iterator[TocEntry]:
    for index, item in enumerate(items):
        here = (*path, index)
        line = document.line(here)
        if not isinstance(item, dict) or not isinstance(item.get("name", ""), str):
            problems.append(error(filename, line, "toc", "an entry is a mapping with a text 'name'"))
            continue
        children: tuple[TocEntry, ...] = ()
        if "items" in item:
            if not isinstance(item["items"], list):
                problems.append(error(filename, document.line((*here, "items")), "toc", "'items' is a list of entries"))
            elif len(path) // 2 >= MAX_DEPTH:
                problems.append(error(filename, line, "toc", f"sections are nested more than {MAX_DEPTH} deep"))
            else:
                children = tuple(_entries(document, item["items"], (*here, "items"), filename, slugs, problems, seen))
        href = item.get("href", item.get("topicHref"))
        slug = url = None
        if isinstance(href, str) and href.startswith(("http://", "https://")):
            url = href
        elif isinstance(href, str) and href:
            target = posixpath.normpath(href.split("#")[0].lstrip("/"))
            if not target.endswith(".md") or (slugs is not None and target[: -len(".md")] not in slugs):
                hint = "hrefs are relative to content/ and end in .md"
                problems.append(error(filename, line, "toc", f"no article {href!r}", hint))
            elif target[: -len(".md")] in seen:
                problems.append(error(filename, line, "toc", f"{href!r} is listed twice"))
            else:
                slug = target[: -len(".md")]
                seen.add(slug)
        elif href is not None:
            problems.append(error(filename, line, "toc", "'href' is the path of an article or an http(s) address"))
        name = item.get("name") or ""
        if slug is None and url is None and not children:
            if href is None and not name:
                problems.append(error(filename, line, "toc", "an entry needs a 'name', an 'href' or 'items'"))
            continue  # nothing to show
        if url is not None and not name:
            problems.append(error(filename, line, "toc", "an external link needs a 'name'"))
            continue
        yield TocEntry(name, line, slug, url, children)


def toc_slugs(entries: tuple[TocEntry, ...]) -> Iterator[str]:
    """Yield the articles of a TOC, depth first (the reading order of the site)."""
    for entry in entries:
        if entry.slug is not None:
            yield entry.slug
        yield from toc_slugs(entry.children)


def section_names(entries: tuple[TocEntry, ...]) -> Iterator[str]:
    """Yield the names the theme catalog translates: sections and external links."""
    for entry in entries:
        if entry.slug is None and entry.name:
            yield entry.name
        yield from section_names(entry.children)


def sections_of(entries: tuple[TocEntry, ...], parents: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Return, for every article in the TOC, the names of the sections it is in (for breadcrumbs)."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in entries:
        if entry.slug is not None:
            found[entry.slug] = parents
        inner = (*parents, entry.name) if entry.slug is None and entry.children and entry.name else parents
        found.update(sections_of(entry.children, inner))
    return found
