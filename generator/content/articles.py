"""Read the source articles in content/: front matter, body, conditions, and segments."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from generator.config import Config
from generator.content import conditions, plurals
from generator.content.markup import allowed_url, nesting_cut, parse_blocks
from generator.content.paths import OutsideProject, check_relative_path, read_inside
from generator.content.placeholders import check_placeholders
from generator.content.segment import nfc, segment_tokens
from generator.content.sources import MAX_ARTICLE_CHARS, article_paths, read_article_bytes, snippet_path
from generator.frozen import FrozenDict
from generator.model import Article, Segment
from generator.report import ContentError, Diagnostic, error
from generator.safe_yaml import load_yaml

#: The largest article read, in characters.
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*?(?:name|id)\s*=\s*["']([^"'<>]+)["']""", re.IGNORECASE)


def read_articles(config: Config) -> tuple[list[Article], list[Diagnostic]]:
    """Read every article; a bad one is reported and left out, the others are returned."""
    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for path in article_paths(config):
        try:
            articles.append(read_article(config, path))
        except ContentError as exc:
            problems.extend(exc.diagnostics)
    return articles, problems


def read_article(config: Config, path: str, data: bytes | None = None) -> Article:
    """Read one article below content/ (or parse its bytes); raise ContentError listing its problems."""
    return parse_article(config, path, decode_article(path, read_article_bytes(config, path) if data is None else data))


def decode_article(path: str, data: bytes) -> str:
    """Return an article's text from its bytes; raise ContentError when it is not UTF-8 or too long."""
    source_file = f"content/{path}"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([error(source_file, line, "article-encoding", "article is not valid UTF-8")]) from None
    if len(text) > MAX_ARTICLE_CHARS:
        raise ContentError(
            [error(source_file, 0, "article-too-large", f"article is longer than {MAX_ARTICLE_CHARS:,} characters")]
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_CHARACTERS.search(text)
    if control is not None:  # it would reach the HTML and <title> as it is (#20)
        line = text.count("\n", 0, control.start()) + 1
        message = f"the article has a control character U+{ord(control.group()):04X}, which no page may show"
        raise ContentError([error(source_file, line, "article-control-character", message, "delete it")])
    return text


#: C0 and C1 control characters but tab and line feed, and the line and paragraph separators: no page
#: may show them (an article with one fails; a theme translation loses them).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def parse_article(config: Config, path: str, text: str) -> Article:
    """Parse an article's text: front matter, block tokens, conditions and segments."""
    source_file = f"content/{path}"
    meta, body, body_line = split_front_matter(text, source_file)
    title, description = _title_and_description(meta, source_file, body_line)
    tokens, env = parse_blocks(body)
    tokens, problems = expand_includes(config, tokens, env, source_file, body_line, (path,))
    problems += nesting_problems(body, tokens, body_line, source_file)
    problems += video_problems([t for t in tokens if "source" not in t.meta], body_line, source_file)
    problems += _check_body(config, [t for t in tokens if "source" not in t.meta], body_line, source_file)
    for key, text in (("title", title), ("description", description)):  # front matter shows on the page too
        line = meta.get(f"__line__{key}", 2)
        problems += [error(source_file, line, "placeholder", m) for m in check_placeholders(text, config.variables)]
    segments = segment_tokens(tokens, body_line)
    if problems:
        raise ContentError(problems)
    title, description = nfc(title), nfc(description)
    front = [Segment(title, "title", meta.get("__line__title", 2))]
    if description:
        front.append(Segment(description, "description", meta.get("__line__description", 2)))
    anchors = frozenset(t.meta["anchor"] for t in tokens if t.type == "heading_open") | frozenset(
        _HTML_ANCHOR.findall(body)
    )
    order = meta.get("order")
    visible = {k: v for k, v in meta.items() if not k.startswith("__line__")}
    return Article(
        path=path,
        slug=path[: -len(".md")],
        source_file=source_file,
        title=title,
        description=description,
        meta=FrozenDict(visible),
        tokens=tuple(tokens),
        env=FrozenDict(env),
        segments=tuple(front + segments),
        anchors=anchors,
        order=order if isinstance(order, int) and not isinstance(order, bool) else None,
    )


def split_front_matter(text: str, source_file: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, 1-based line where the body starts)."""
    if not text.startswith("---\n"):
        raise ContentError(
            [
                error(
                    source_file,
                    1,
                    "front-matter-missing",
                    "article must start with YAML front matter",
                    "begin the file with a line '---', the title, and another '---'",
                )
            ]
        )
    closing = _FENCE.search(text, 4)
    if closing is None:
        raise ContentError([error(source_file, 1, "front-matter-unclosed", "front matter is not closed with '---'")])
    document = load_yaml(text[4 : closing.start()], source_file, first_line=2)
    if not isinstance(document.data, dict):
        raise ContentError([error(source_file, 2, "front-matter-type", "front matter must be a mapping of fields")])
    meta = dict(document.data)
    for key in ("title", "description"):
        if key in meta:
            meta[f"__line__{key}"] = document.line((key,))
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return meta, text[body_start:], body_line


def _title_and_description(meta: dict[str, Any], source_file: str, body_line: int) -> tuple[str, str]:
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ContentError(
            [
                error(
                    source_file, meta.get("__line__title", 2), "front-matter-title", "front matter needs a title (text)"
                )
            ]
        )
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise ContentError(
            [
                error(
                    source_file,
                    meta.get("__line__description", 2),
                    "front-matter-description",
                    "description must be text",
                )
            ]
        )
    return title.strip(), description.strip()


def _check_body(config: Config, tokens: list[Any], body_line: int, source_file: str) -> list[Diagnostic]:
    schema = {f.name: f for f in config.org}
    problems = [
        error(source_file, line, "condition", message)
        for line, message in conditions.bind_conditions(
            tokens, schema, config.variables, config.default_org(), body_line
        )
    ]
    problems += [
        error(source_file, line, "plural", message)
        for line, message in plurals.bind_plurals(tokens, schema, config.variables, body_line)
    ]
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        line = body_line + token.map[0]
        if "{%" in token.content:
            problems.append(
                error(
                    source_file,
                    line,
                    "condition-inline",
                    "a condition tag must stand alone on its own line, not inside a paragraph",
                )
            )
            continue
        variables = {**config.variables, plurals.COUNT: 0} if _in_plural(token) else config.variables
        for message in check_placeholders(token.content, variables):
            problems.append(error(source_file, line, "placeholder", message))
    return problems


def nesting_problems(body: str, tokens: list[Any], body_line: int, source_file: str) -> list[Diagnostic]:
    """Return an error where lists or quotes nest so deep that the Markdown parser would drop the rest."""
    deepest = nesting_cut(body, [t for t in tokens if "source" not in t.meta])
    if deepest is None:
        return []
    line = body_line + (deepest.map[0] if deepest.map else 0)
    message = "lists or quotes nest too deep here: Markdown stops reading and the rest of the article would be lost"
    return [error(source_file, line, "nesting-too-deep", message, "nest fewer levels (at most 9 lists)")]


def video_problems(tokens: list[Any], body_line: int, source_file: str) -> list[Diagnostic]:
    """Return an error for each `[!VIDEO url]` whose URL links may not have (javascript:, and the like)."""
    return [
        error(
            source_file,
            body_line + (token.map[0] if token.map else 0),
            "video-url",
            f"a video's URL must be http(s) or relative, not {token.info.split(':', 1)[0]!r}",
        )
        for token in tokens
        if token.type == "hg_video" and not allowed_url(token.info, image=False)
    ]


def _in_plural(token: Any) -> bool:
    return "plural" in token.meta or "plural_form_of" in token.meta


#: The most blocks an article may expand to through its snippets (a guard against include bombs).
MAX_BLOCK_TOKENS = 200_000

#: Folder of content/ that holds snippets: Markdown fragments that articles include.
_INCLUDE = re.compile(r"""^\s*["']([^"']+)["']\s*$""")


def expand_includes(
    config: Config,
    tokens: list[Any],
    env: MutableMapping[str, Any],
    source_file: str,
    body_line: int,
    chain: tuple[str, ...],
    expansion: Expansion | None = None,
) -> tuple[list[Any], list[Diagnostic]]:
    """Replace every `{% include "name.md" %}` by the snippet's blocks; return them and the problems.

    The `expansion` counts down the blocks an article may still take in through all its includes,
    so that an include bomb stops at once instead of being expanded first.
    """
    expansion = expansion or Expansion()
    result: list[Any] = []
    problems: list[Diagnostic] = []
    for token in tokens:
        if token.type != "hg_include":
            result.append(token)
            continue
        line = token.meta.get("line") or body_line + token.map[0]
        try:
            result.extend(include_snippet(config, token.info, env, chain, expansion))
        except ContentError as exc:
            problems.extend(exc.diagnostics)
            if expansion.budget < 0:
                problems.append(
                    error(
                        source_file,
                        line,
                        "include-too-large",
                        f"the includes expand to more than {MAX_BLOCK_TOKENS:,} blocks",
                    )
                )
                return result, problems
            problems.append(error(source_file, line, "include", f"cannot include {token.info}"))
    return result, problems


@dataclass
class Expansion:
    """One article's expansion of its includes: the blocks it may still take in, the snippets parsed so far."""

    budget: int = MAX_BLOCK_TOKENS
    #: snippet path -> (block tokens, env, segments): each snippet is parsed once per article.
    parsed: dict[str, tuple[list[Any], MutableMapping[str, Any], list[Segment]]] = field(default_factory=dict)


def include_snippet(
    config: Config, argument: str, env: MutableMapping[str, Any], chain: tuple[str, ...], expansion: Expansion
) -> list[Any]:
    """Return the checked block tokens of the snippet named by an include tag's argument."""
    match = _INCLUDE.match(argument)
    if match is None:
        raise ContentError([error(f"content/{chain[-1]}", 0, "include", 'write {% include "name.md" %}')])
    path = snippet_path(match.group(1))
    problem = check_relative_path(path)
    if problem:
        raise ContentError([error(f"content/{chain[-1]}", 0, "include", problem)])
    if path in chain:
        route = " → ".join(f"content/{step}" for step in (*chain, path))
        raise ContentError([error(f"content/{path}", 0, "include-cycle", f"a snippet includes itself: {route}")])
    parsed = expansion.parsed.get(path)
    if parsed is None:
        parsed = parse_snippet(config, path, read_snippet(config, path), chain, expansion)
        expansion.parsed[path] = parsed
    tokens = [token.copy(meta=dict(token.meta), attrs=dict(token.attrs)) for token in parsed[0]]
    snippet_env = parsed[1]
    expansion.budget -= len(tokens)
    if expansion.budget < 0:
        raise ContentError([])
    for label, reference in snippet_env.get("references", {}).items():
        env.setdefault("references", {}).setdefault(label, reference)
    return tokens


def read_snippet(config: Config, path: str) -> bytes:
    """Return a snippet's bytes; raise ContentError when it is missing or leads out of the project."""
    try:
        data = read_inside(config.content_dir, path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ContentError([error(f"content/{path}", 0, "include-missing", f"no snippet content/{path}")]) from None
    except OutsideProject:
        message = "the snippet is a link to a file outside the project; helpgen reads only the project's own files"
        raise ContentError([error(f"content/{path}", 0, "outside-project", message)]) from None
    assert data is not None
    return data


def parse_snippet(
    config: Config, path: str, data: bytes, chain: tuple[str, ...] = (), expansion: Expansion | None = None
) -> tuple[list[Any], MutableMapping[str, Any], list[Segment]]:
    """Parse and check a snippet; return its block tokens (marked with their file and line), env and segments."""
    source_file = f"content/{path}"
    text = decode_article(path, data)
    body, body_line = text, 1
    if text.startswith("---\n"):  # a snippet may have front matter; it is not shown
        _, body, body_line = split_front_matter(text, source_file)
    tokens, env = parse_blocks(body)
    tokens, problems = expand_includes(config, tokens, env, source_file, body_line, (*chain, path), expansion)
    if expansion is not None and expansion.budget < 0:
        raise ContentError(problems)
    problems += nesting_problems(body, tokens, body_line, source_file)
    problems += _check_body(config, [t for t in tokens if "source" not in t.meta], body_line, source_file)
    if problems:
        raise ContentError(problems)
    for token in tokens:
        if "source" not in token.meta:
            token.meta["source"] = path
            if token.map is not None:
                token.meta["line"] = body_line + token.map[0]
    segments = segment_tokens(tokens, body_line)
    return tokens, env, [s for s in segments if s.source == path]
