"""Links: where a link in an article leads, what is wrong with it, and `helpgen links`.

Nothing is fetched from the network: external links are listed, internal ones are checked
against the articles, their anchors and the files of content/.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from babel import Locale

from generator.config import Config
from generator.content.articles import read_articles
from generator.content.markup import shared_markdown
from generator.content.paths import iter_files
from generator.content.placeholders import fill
from generator.model import Article
from generator.report import Diagnostic, Report, error

#: A URL with a scheme (`https:`, `mailto:`) or a network path (`//host/`): not a link into the site.
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class Target:
    """Where a link leads, and what is wrong with it.

    The kind is `external`, `site` (a path from the site's root), `anchor` (same page),
    `article` (slug and fragment) or `file` (a path below content/).
    """

    kind: str
    path: str = ""
    fragment: str = ""
    problem: str = ""


def resolve_link(url: str, article_path: str, anchors: Mapping[str, frozenset[str]], assets: frozenset[str]) -> Target:
    """Return where `url`, written in the article at `article_path`, leads."""
    if not url or SCHEME.match(url):
        return Target("external", url)
    if url.startswith("#"):
        return Target("anchor", "", url[1:])
    if url.startswith("/"):
        return Target("site", url)
    target, _, fragment = url.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(article_path), target))
    if resolved == ".." or resolved.startswith("../"):
        return Target("file", resolved, fragment, f"link '{url}' points outside content/")
    if resolved.endswith(".md"):
        slug = resolved[: -len(".md")]
        if slug not in anchors:
            return Target("article", slug, fragment, f"link to '{url}': no article content/{resolved}")
        if fragment and fragment not in anchors[slug]:
            problem = f"link to '{url}': no heading or anchor '{fragment}' in content/{resolved}"
            return Target("article", slug, fragment, problem)
        return Target("article", slug, fragment)
    if resolved not in assets:
        return Target("file", resolved, fragment, f"link to '{url}': no file content/{resolved}")
    return Target("file", resolved, fragment)


@dataclass
class LinkReport:
    """Every external link with the places that use it, and every internal link problem."""

    external: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    report: Report = field(default_factory=Report)


def article_links(article: Article, variables: Mapping[str, object]) -> Iterator[tuple[str, str, int]]:
    """Yield (url, file, line) for every link and image of an article, its snippets' included."""
    md = shared_markdown()
    for token in article.tokens:
        if token.type != "inline" or token.map is None:
            continue
        source = token.meta.get("source")
        file = f"content/{source}" if source else article.source_file
        line = token.meta.get("line", 0)
        text = fill(token.content, variables, _english()) if "{{" in token.content else token.content
        for child in md.parseInline(text)[0].children or []:
            url = (
                child.attrGet("href")
                if child.type == "link_open"
                else child.attrGet("src")
                if child.type == "image"
                else None
            )
            if isinstance(url, str):
                yield url, file, line


def _english() -> Locale:
    return Locale.parse("en")


def collect_links(config: Config) -> LinkReport:
    """Read every article and list its links; check the internal ones."""
    result = LinkReport()
    articles, problems = read_articles(config)
    result.report.extend(problems)
    anchors = {article.slug: article.anchors for article in articles}
    assets = frozenset(path for path in iter_files(config.content_dir) if not path.endswith(".md"))
    for article in articles:
        for url, file, line in article_links(article, config.variables):
            target = resolve_link(url, article.path, anchors, assets)  # snippet links resolve where they are shown
            if target.kind == "external":
                result.external.setdefault(url, []).append((file, line))
            elif target.problem:
                result.report.add(error(file, line, "link", target.problem))
    return result


def format_links(links: LinkReport, kind: str) -> str:
    """Return the link report as text for people or JSON for tools."""
    problems: list[Diagnostic] = list(links.report)
    if kind == "json":
        data = {
            "external": [
                {"url": url, "uses": [{"file": f, "line": n} for f, n in sorted(set(uses))]}
                for url, uses in sorted(links.external.items())
            ],
            "problems": [
                {"file": d.path, "line": d.line, "severity": d.severity, "code": d.code, "message": d.message}
                for d in problems
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    lines = [f"{len(links.external)} external links:"]
    for url, uses in sorted(links.external.items()):
        lines.append(f"  {url}")
        lines += [f"      {file}:{line}" for file, line in sorted(set(uses))]
    lines.append(f"{len(problems)} internal link problems" + (":" if problems else "."))
    lines += [f"  {d.format()}" for d in problems]
    return "\n".join(lines) + "\n"
