"""The plain data that flows between the stages of a build (docs/architecture.md follows one segment).

    helpgen.yaml      ─ config.read_config ──────────────► Config
    content/x.md      ─ content.articles.read_article ────► Article (block tokens parsed once, Segments)
    locales/L/x.po    ─ l10n.catalogs.read_catalog ───────► Catalog of CatalogEntry
    Article + Catalog ─ l10n.translate.localize_article ──► LocalizedArticle (each segment's text in L)
    LocalizedArticle  ─ build.page.render_page ───────────► Page (the bytes of one output path)
    Page              ─ build.writer.write_page ──────────► site/l/x/index.html

Diagnostics (`report.Diagnostic`) travel beside them, never printed from inside a stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.locales import LocaleInfo
from generator.report import Diagnostic

if TYPE_CHECKING:  # markdown-it is imported where text is parsed: a build that changes nothing parses none
    from markdown_it.token import Token

#: Origins of a translation, kept in the PO entry's flags.
HUMAN, MACHINE, MEMORY = "human", "machine", "memory"


@dataclass(frozen=True)
class Segment:
    """One translatable unit of an article: its source text, kind and line."""

    msgid: str
    kind: str
    line: int
    plural: str = ""
    #: The snippet (path below content/) the segment comes from; "" for the article's own text.
    source: str = ""


@dataclass(frozen=True)
class Article:
    """A source article: front matter, block tokens parsed once, and its segments."""

    path: str
    slug: str
    source_file: str
    title: str
    description: str
    meta: Mapping[str, Any]
    tokens: tuple[Token, ...]
    env: Mapping[str, Any]
    segments: tuple[Segment, ...]
    anchors: frozenset[str]
    order: int | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """One message of a PO catalog, as the build needs it."""

    msgid: str
    msgstr: str
    fuzzy: bool
    origin: str
    line: int
    flags: frozenset[str] = frozenset()
    msgid_plural: str = ""
    msgstr_plural: tuple[str, ...] = ()
    #: QA checks a translator silenced on this entry (`#, ignore-<id>` or `# ignore-<id>`).
    ignored: frozenset[str] = frozenset()
    #: Translator comments (sxs ids of imported entries among them).
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """The translations of one article (or of the theme) into one locale."""

    locale: str
    path: str
    entries: Mapping[str, CatalogEntry] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentNote:
    """What the preview tells a translator about one segment of a page (`helpgen serve` only)."""

    #: Any of "untranslated", "fuzzy", "machine", "qa"; empty for a plain, reviewed translation.
    flags: tuple[str, ...]
    #: The catalog entry as `file:line` ("" when the catalog has no entry for the segment).
    entry: str
    #: The source text, placeholders filled, without its Markdown.
    source: str
    #: What the QA checks found, one message each.
    findings: tuple[str, ...] = ()

    def attributes(self) -> dict[str, str]:
        """Return the data attributes that carry this note on the segment's element."""
        attrs = {"data-hg-source": self.source, "data-hg-status": " ".join(self.flags) or "translated"}
        if self.entry:
            attrs["data-hg-entry"] = self.entry
        if self.findings:
            attrs["data-hg-qa"] = "\n".join(self.findings)
        return attrs


@dataclass(frozen=True)
class LocalizedArticle:
    """An article's text in one locale: what every segment shows, and what is not translated."""

    article: Article
    locale: LocaleInfo
    texts: Mapping[str, str]
    fallbacks: frozenset[str] = frozenset()
    machine: frozenset[str] = frozenset()
    unreviewed: frozenset[str] = frozenset()
    diagnostics: tuple[Diagnostic, ...] = ()
    published: bool = True
    #: For plural segments: (CLDR category, text) for each form shown.
    plurals: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: For the preview: each segment's translation status, entry and source (empty in a site build).
    notes: Mapping[str, SegmentNote] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Return the page title in this locale."""
        return self.texts.get(self.article.title, self.article.title)

    @property
    def description(self) -> str:
        """Return the description in this locale."""
        return self.texts.get(self.article.description, self.article.description)

    @property
    def translated(self) -> int:
        """Return how many distinct segments show a translation."""
        return len(self.texts) - len(self.fallbacks)

    @property
    def completeness(self) -> float:
        """Return the share of distinct segments shown translated, from 0 to 1."""
        return self.translated / len(self.texts) if self.texts else 1.0

    @property
    def shows_source(self) -> bool:
        """Return whether any segment shows source-language text."""
        return bool(self.fallbacks) and not self.locale.is_pseudo


@dataclass(frozen=True)
class Page:
    """One output file: its path below the site folder, its bytes, and what it was made from."""

    path: str
    content: bytes
    source: str
