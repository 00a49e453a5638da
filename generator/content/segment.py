"""Segmentation: find the translatable units of an article in its block tokens.

A segment is one block-level unit of text: the title, the description, a heading, a paragraph,
a list item's text, a table cell, an alert's paragraph, or the alt text of an image that
stands alone. Its msgid is the source text with inline Markdown and `{{ placeholders }}` kept.
Segmenting also gives every heading its stable anchor, derived from the source text so that
every locale has the same ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from markdown_it.token import Token

from generator.model import Segment

_EXPLICIT_ANCHOR = re.compile(r'^\s*<a\s+(?:name|id)\s*=\s*"([^"<>]+)"\s*>\s*</a>\s*', re.IGNORECASE)
_IMAGE_ONLY = re.compile(r'^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<dest><[^>]*>|[^\s)]*)(?P<title>\s+"[^"]*")?\)$')
_LETTER = re.compile(r"[^\W_]")  # a letter or a digit: dates and numbers may need localizing
_HTML_TAG = re.compile(r"<[^>]*>")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_KINDS = {
    "heading_open": "heading",
    "th_open": "table cell",
    "td_open": "table cell",
    "list_item_open": "list item",
    "alert_open": "alert",
    "blockquote_open": "quote",
}


def segment_tokens(tokens: Sequence[Token], body_line: int) -> list[Segment]:
    """Return the segments of an article body and annotate its inline tokens for rendering.

    `body_line` is the 1-based line of the file where the Markdown body starts. Each inline
    token gets `meta["msgid"]` (absent for text that needs no translation), `meta["line"]`
    and, for an image standing alone, `meta["image"]` with the parts around the alt text.
    """
    segments: list[Segment] = []
    parents: list[str] = []
    used_anchors: set[str] = set()
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            parents.append(token.type)
        elif token.nesting == -1 and parents:
            parents.pop()
        if token.type != "inline" or token.map is None:
            continue
        line = token.meta.get("line") or body_line + token.map[0]  # a snippet's tokens carry their own
        token.meta["line"] = line
        if index and tokens[index - 1].type == "heading_open":
            _set_anchor(tokens[index - 1], token, used_anchors)
        segment = _segment_of(token, _kind(parents), line)
        if segment is not None:
            segments.append(
                replace(segment, source=token.meta.get("source", "")) if "source" in token.meta else segment
            )
    return segments


def _kind(parents: Iterable[str]) -> str:
    for parent in reversed(list(parents)):
        if parent in _KINDS:
            return _KINDS[parent]
    return "paragraph"


def _segment_of(token: Token, kind: str, line: int) -> Segment | None:
    text = token.content.strip()
    if "plural_form_of" in token.meta:  # the plural form belongs to its singular's segment
        token.meta["msgid"] = nfc(token.meta["plural_form_of"])
        return None
    if "plural" in token.meta:
        token.meta["msgid"] = nfc(text)
        return Segment(msgid=nfc(text), kind="plural", line=line, plural=nfc(token.meta["plural"]))
    image = _IMAGE_ONLY.match(text) if kind != "table cell" else None
    if image:
        token.meta["image"] = (image.group("dest"), image.group("title") or "")
        text, kind = image.group("alt"), "alt text"
    if not _LETTER.search(_HTML_TAG.sub("", text)):
        return None
    token.meta["msgid"] = nfc(text)
    return Segment(msgid=nfc(text), kind=kind, line=line)


def _set_anchor(heading: Token, inline: Token, used: set[str]) -> None:
    explicit = _EXPLICIT_ANCHOR.match(inline.content)
    if explicit:
        inline.content = inline.content[explicit.end() :]
        anchor = explicit.group(1)
    else:
        anchor = slugify(plain_text(inline.content)) or "section"
    unique, n = anchor, 1
    while unique in used:
        unique, n = f"{anchor}-{n}", n + 1
    used.add(unique)
    heading.meta["anchor"] = unique
    heading.attrSet("id", unique)


def nfc(text: str) -> str:
    """Return text in Unicode normalization form C: segments and catalogs are compared so (é is é)."""
    return unicodedata.normalize("NFC", text)


def inline_source(token: Token, text: str) -> str:
    """Return the inline Markdown to parse for `token` when its segment reads `text`."""
    image = token.meta.get("image")
    if image:
        dest, title = image
        alt = text.replace("\\", "\\\\").replace("]", "\\]").replace("[", "\\[")
        return f"![{alt}]({dest}{title})"
    return text


_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]+>|[*_`~]+|\\(?=\S)")


def plain_text(markdown: str) -> str:
    """Return inline Markdown without its markup (links keep their text)."""
    return _MARKUP.sub(lambda m: m.group(1) or "", markdown)


def slugify(text: str) -> str:
    """Return a URL-safe id for a heading: `Canceling your subscription?` -> `canceling-your-subscription`."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^\w]+", "-", text, flags=re.ASCII if text.isascii() else 0).strip("-_")
