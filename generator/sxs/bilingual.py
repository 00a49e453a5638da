"""Import of bilingual "sxs" articles: every segment of every file, nothing lost.

In Microsoft's side-by-side format each translated piece of text stands as

    <span data-ttu-id="ID">TRANSLATION</span><span class="sxs-lookup"><span data-stu-id="ID">SOURCE</span></span>

Replacing every pair by its SOURCE gives the English article in its own Markdown structure.
Its helpgen segments are then found as for any article, and each segment's translation is its
source text with every sxs span in it replaced by that span's TRANSLATION, so the translation
keeps exactly the markup around the spans. Each catalog entry names the sxs ids it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from generator.l10n.catalogs import CatalogMessage, with_origin
from generator.model import HUMAN, MACHINE, Article
from generator.report import ContentError, Diagnostic, error, warning
from generator.safe_yaml import load_yaml

#: Front matter fields about the localization itself: they leave the source article and are
#: kept in the catalog header as `X-Sxs-<field>`.
LOCALIZATION_FIELDS = (
    "ms.contentlocale",
    "ms.translationtype",
    "ms.openlocfilehash",
    "ms.sourcegitcommit",
    "ms.lasthandoff",
    "ms.locfileid",
)
#: Front matter fields that the sxs file carries translated, without their source.
TRANSLATED_FIELDS = ("title", "description")

_OPEN = re.compile(r'<span data-ttu-id="([^"]*)">')
_MIDDLE = re.compile(r'</span><span class="sxs-lookup"><span data-stu-id="([^"]*)">')
_CLOSE = "</span></span>"
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SxsSpan:
    """One sxs segment: its id, translation, English source and the line it starts on."""

    id: str
    translation: str
    source: str
    line: int


@dataclass
class SxsFile:
    """One bilingual file split into its parts."""

    path: str
    meta: dict[str, object]
    front_text: str
    body: str
    body_line: int
    spans: list[SxsSpan]
    problems: list[Diagnostic] = field(default_factory=list)


def parse_sxs(text: str, path: str, display: str) -> SxsFile:
    """Split a bilingual file into front matter, English body and spans; report what is malformed."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    problems: list[Diagnostic] = []
    meta: dict[str, object] = {}
    front_text, body, body_line = "", text, 1
    front = _FRONT.match(text)
    if front:
        # A front matter is never imported as body text, readable or not: it would be published (#16).
        body, body_line = text[front.end() :], text.count("\n", 0, front.end()) + 1
        # helpgen's own YAML reader: no object tags, values it cannot build and alias bombs are errors.
        try:
            loaded = load_yaml(front.group(1), display, 2).data
            if not isinstance(loaded, dict):
                raise ContentError([error(display, 2, "yaml-syntax", "front matter is not a mapping of fields")])
            meta, front_text = loaded, front.group(1)
        except ContentError as exc:
            first = exc.diagnostics[0]
            problems.append(
                error(
                    display,
                    first.line or 2,
                    "sxs-front-matter",
                    f"front matter is not valid YAML ({first.message.removeprefix('invalid YAML: ')}); it is left out",
                    "the title comes from the first heading; fix the file and import it again to keep its fields",
                )
            )
    source, spans = _split_spans(body, body_line, display, problems)
    return SxsFile(path, meta, front_text, source, body_line, spans, problems)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[0]


def _split_spans(body: str, body_line: int, display: str, problems: list[Diagnostic]) -> tuple[str, list[SxsSpan]]:
    """Return the English body and the spans, tolerating and reporting broken span markup."""
    pieces: list[str] = []
    spans: list[SxsSpan] = []
    position = 0
    while (opening := _OPEN.search(body, position)) is not None:
        pieces.append(body[position : opening.start()])
        line = body_line + body.count("\n", 0, opening.start())
        span_id = opening.group(1)
        following = _OPEN.search(body, opening.end())
        limit = following.start() if following else len(body)
        middle = _MIDDLE.search(body, opening.end(), limit)
        closing = body.find(_CLOSE, middle.end(), limit) if middle else -1
        if middle is None or closing < 0:
            text, position = _broken_span(body, opening, middle, limit)
            closed = body.find("</span>", opening.end(), limit) >= 0
            what = "has no source half" if middle is None and closed else "is not closed"
            problems.append(
                error(display, line, "sxs-span", f"sxs segment {span_id} {what}; its text is kept as source")
            )
            spans.append(SxsSpan(span_id, text, text, line))
            pieces.append(text)
            continue
        if middle.group(1) != span_id:
            problems.append(warning(display, line, "sxs-ids", f"sxs ids do not pair: {span_id} and {middle.group(1)}"))
        translation, source = body[opening.end() : middle.start()], body[middle.end() : closing]
        spans.append(SxsSpan(span_id, translation, source, line))
        pieces.append(source)
        position = closing + len(_CLOSE)
    pieces.append(body[position:])
    return "".join(pieces), spans


def _broken_span(body: str, opening: re.Match[str], middle: re.Match[str] | None, limit: int) -> tuple[str, int]:
    """Return the visible text of a span whose markup is broken, and where to go on."""
    if middle is not None:  # no closing tags: the source half runs to the next span or the end of the line
        end_of_line = body.find("\n", middle.end(), limit)
        end = limit if end_of_line < 0 else end_of_line
        return _TAG.sub("", body[middle.end() : end]), end
    end = body.find("</span>", opening.end(), limit)
    if end < 0:
        end_of_line = body.find("\n", opening.end(), limit)
        end = limit if end_of_line < 0 else end_of_line
        return _TAG.sub("", body[opening.end() : end]), end
    return _TAG.sub("", body[opening.end() : end]), end + len("</span>")


def source_front_matter(sxs: SxsFile, title: str) -> str:
    """Return the English article's front matter: the original lines less localization and translated fields."""
    removed = set(LOCALIZATION_FIELDS) | set(TRANSLATED_FIELDS)
    kept, skipping = [], False
    for line in sxs.front_text.split("\n") if sxs.front_text else []:
        key = line.split(":", 1)[0] if line and not line[0].isspace() and line[0] != "-" else None
        if key is not None:
            skipping = key.strip() in removed
        if not skipping:
            kept.append(line)
    title_line = (
        "title: " + yaml.safe_dump(title, allow_unicode=True, width=10_000).strip().removesuffix("\n...").strip()
    )
    return "---\n" + "\n".join([title_line, *kept]).rstrip("\n") + "\n---\n"


def guess_title(path: str) -> str:
    """Return a title made from a file name: `cancel-power-bi.md` -> `Cancel power bi`."""
    words = PurePosixPath(path).stem.replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) or "Untitled"


def assign_spans(article: Article, spans: list[SxsSpan]) -> tuple[dict[int, list[SxsSpan]], list[SxsSpan]]:
    """Return the spans of each body segment (by index in `article.segments`) and the spans in none.

    Segments and spans are both in reading order, so each span is looked for in the current
    segment after the previous one, whitespace compared loosely (Markdown joins lines).
    """
    found: dict[int, list[SxsSpan]] = {}
    pending = list(spans)
    for index, segment in enumerate(article.segments):
        if segment.kind in ("title", "description"):
            continue
        offset = 0
        for text in (segment.msgid, segment.plural) if segment.plural else (segment.msgid,):
            while pending and (match := _loose(pending[0].source).search(text, offset)) is not None:
                found.setdefault(index, []).append(pending.pop(0))
                offset = match.end()
    return found, pending


def _loose(text: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in text.split()]
    return re.compile(r"\s+".join(parts)) if parts else re.compile(r"(?!x)x")


def translate_segment(msgid: str, spans: list[SxsSpan]) -> str:
    """Return a segment's translation: its source with each of its spans' text translated."""
    pieces, offset = [], 0
    for span in spans:
        match = _loose(span.source).search(msgid, offset)
        if match is None:
            continue
        pieces += [msgid[offset : match.start()], span.translation.strip() if span.source.strip() else span.translation]
        offset = match.end()
    pieces.append(msgid[offset:])
    return "".join(pieces)


def catalog_messages(article: Article, found: dict[int, list[SxsSpan]], translation_type: str) -> list[CatalogMessage]:
    """Return one catalog message per distinct segment, with its sxs ids and origin."""
    origin = MACHINE if translation_type == "MT" else HUMAN
    order: list[str] = []
    entries: dict[str, dict[str, list[str]]] = {}
    for index, segment in enumerate(article.segments):
        spans = found.get(index, [])
        entry = entries.setdefault(segment.msgid, {"text": [], "ids": [], "lines": [], "kinds": []})
        if segment.msgid not in order:
            order.append(segment.msgid)
        translation = translate_segment(segment.msgid, spans) if spans else ""
        if translation and translation not in entry["text"]:
            entry["text"].append(translation)
        entry["ids"] += [span.id for span in spans]
        entry["lines"].append(str(segment.line))
        if segment.kind not in entry["kinds"]:
            entry["kinds"].append(segment.kind)
    messages = []
    for msgid in order:
        entry = entries[msgid]
        ids = entry["ids"]
        # Five ids a line, so that no line is wrapped (a wrapped line would lose its `sxs:` prefix).
        comments: tuple[str, ...] = tuple(f"sxs: {' '.join(ids[i : i + 5])}" for i in range(0, len(ids), 5))
        comments += tuple(f"sxs alternative: {text}" for text in entry["text"][1:])
        msgstr = entry["text"][0] if entry["text"] else ""
        messages.append(
            CatalogMessage(
                msgid,
                msgstr,
                locations=tuple((article.source_file, int(line)) for line in entry["lines"]),
                auto_comments=(", ".join(entry["kinds"]),),
                user_comments=with_origin(comments, origin) if msgstr else comments,
            )
        )
    return messages


_DOCFX_INCLUDE = re.compile(r"^(?P<indent>[ \t>]*)\[!INCLUDE\s*\[[^\]]*\]\((?P<path>[^)\s]+)\)\]\s*$", re.MULTILINE)


def docfx_includes(body: str) -> str:
    """Turn DocFX's `[!INCLUDE [title](includes/x.md)]` lines into `{% include "x.md" %}` (includes become snippets)."""

    def replace_line(match: re.Match[str]) -> str:
        path = match.group("path")
        name = path.split("includes/", 1)[1] if "includes/" in path else PurePosixPath(path).name
        return f'{match.group("indent")}{{% include "{name}" %}}'

    return _DOCFX_INCLUDE.sub(replace_line, body)
