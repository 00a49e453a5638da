"""`helpgen import-sxs` and `helpgen init`: bring an existing library in, or start a new project."""

from __future__ import annotations

import filecmp
import re
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.build.progress import Progress
from generator.config import CONFIG_NAME, Config, read_config
from generator.content.articles import parse_article
from generator.content.paths import check_relative_path, iter_files, replace_file
from generator.l10n.catalogs import CatalogMessage, catalog_path, write_catalog
from generator.l10n.extract import article_messages
from generator.l10n.merge import merge_messages
from generator.model import Article
from generator.report import ContentError, Diagnostic, Report, error, unexpected, warning
from generator.sxs import bilingual

#: Folder of the sxs library's includes, and where they go in a helpgen project.
INCLUDES, SNIPPETS = "includes/", "_snippets/"
#: Files of the sxs library that are kept, unpublished, under content/_sxs/.
KEPT_FILES = re.compile(r"(^|/)(TOC\.yml|toc\.yml|docfx\.json|[^/]*\.yml)$")
MINIMAL_CONFIG = """\
# helpgen site settings; see docs/site-builders.md.
source_locale: en-US
locales: [en-US]
site_name: Help Center
"""


@dataclass
class ImportResult:
    """What an import did."""

    report: Report = field(default_factory=Report)
    files: int = 0
    spans: int = 0
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0


def init_project(project: Path, with_theme: bool = True) -> list[str]:
    """Create a new project: helpgen.yaml, content/, locales/ and (optionally) the default theme to edit."""
    if (project / CONFIG_NAME).exists():
        raise ContentError([error(str(project / CONFIG_NAME), 0, "init-exists", "a project already exists here")])
    created = []
    project.mkdir(parents=True, exist_ok=True)
    replace_file(project / CONFIG_NAME, MINIMAL_CONFIG.encode("utf-8"))
    created.append(CONFIG_NAME)
    for folder in ("content", "locales"):
        (project / folder).mkdir(exist_ok=True)
    if with_theme:
        theme = Path(__file__).parent.parent / "theme"
        for relative in iter_files(theme):
            target = project / "templates" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(theme / relative, target)
            created.append(f"templates/{relative}")
    return created


def ensure_locale(project: Path, locale: str) -> Config:
    """Return the project's config, adding `locale` to its `locales:` list if it is not there yet."""
    config = read_config(project)
    if locale in config.locales:
        return config
    path = project / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    flow = re.search(r"^locales:\s*\[(.*?)\]", text, re.MULTILINE)
    if flow is None:
        raise ContentError([error(CONFIG_NAME, 0, "import-locale", f"add {locale} to locales in {CONFIG_NAME} first")])
    items = [item.strip() for item in flow.group(1).split(",") if item.strip()] + [locale]
    replace_file(path, (text[: flow.start()] + f"locales: [{', '.join(items)}]" + text[flow.end() :]).encode("utf-8"))
    return read_config(project)


def import_sxs(source_dir: Path, locale: str, project: Path, progress: Progress | None = None) -> ImportResult:
    """Import every bilingual article below `source_dir` as source articles and `locale` catalogs."""
    progress = progress or Progress(enabled=False)
    started = time.perf_counter()
    result = ImportResult()
    if not (project / CONFIG_NAME).exists():
        init_project(project, with_theme=False)
    config = ensure_locale(project, locale)
    media = _media_names(source_dir)
    files = iter_files(source_dir)
    for done, relative in enumerate(files, start=1):
        progress.update(f"importing {locale}", done, len(files))
        try:
            if relative.endswith(".md"):
                import_file(config, source_dir, relative, locale, media, result)
            else:
                keep_file(config, source_dir, relative, locale, result)
        except OSError:
            raise  # the machine's (a full disk): the command says what to do
        except Exception as exc:
            result.report.add(unexpected(f"{source_dir.name}/{relative}", exc, "import this file"))
    result.seconds = time.perf_counter() - started
    return result


def target_path(relative: str) -> str:
    """Return where a library file goes below content/: includes become snippets."""
    return SNIPPETS + relative[len(INCLUDES) :] if relative.startswith(INCLUDES) else relative


def import_file(
    config: Config, source_dir: Path, relative: str, locale: str, media: dict[str, str], result: ImportResult
) -> None:
    """Import one bilingual article: its English article (unless one exists) and its catalog."""
    display = f"{source_dir.name}/{relative}"
    path = target_path(relative)
    problem = check_relative_path(path)
    if problem:
        result.report.add(error(display, 0, "import-path", problem))
        return
    data = (source_dir / relative).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        result.report.add(error(display, line, "sxs-encoding", "not valid UTF-8; the file is not imported"))
        return
    sxs = bilingual.parse_sxs(text, relative, display)
    result.report.extend(sxs.problems)
    result.files += 1
    result.spans += len(sxs.spans)
    sxs = fix_media_case(sxs, media, display, result.report)
    sxs = replace(sxs, body=bilingual.docfx_includes(sxs.body))
    article_text, article = english_article(config, sxs, path, display, result.report)
    messages = locale_messages(config, sxs, article, display, result.report)
    existing = config.content_dir / path
    if existing.is_file() and existing.read_text(encoding="utf-8") != article_text:
        current = _parse_or_none(config, path, existing.read_text(encoding="utf-8"))
        result.report.add(_difference(path, existing.read_text(encoding="utf-8"), article_text, locale))
        if current is not None:
            messages = merge_messages(article_messages(current, config.variables), messages, {})
    elif not existing.is_file():
        replace_file(existing, article_text.encode("utf-8"))  # never an empty article after a kill (#20)
        result.written.append(f"content/{path}")
    headers = {f"X-Sxs-{key}": str(sxs.meta[key]) for key in bilingual.LOCALIZATION_FIELDS if key in sxs.meta}
    headers |= {f"X-Sxs-{key}": str(sxs.meta[key]) for key in bilingual.TRANSLATED_FIELDS if key in sxs.meta}
    if article is not None and _title_matches(article, messages, str(sxs.meta.get("title", ""))):
        headers.pop("X-Sxs-title", None)  # the title's translation is the heading's, already in the catalog
    relative_catalog = catalog_path(locale, path)
    if write_catalog(config, locale, relative_catalog, messages, headers):
        result.written.append(relative_catalog)


def english_article(
    config: Config, sxs: bilingual.SxsFile, path: str, display: str, report: Report
) -> tuple[str, Article | None]:
    """Return the English article's text (and the parsed article when helpgen can read it)."""
    draft = bilingual.source_front_matter(sxs, "Untitled") + sxs.body
    article = _parse_or_none(config, path, draft, report, display)
    title = _source_title(sxs, article, path, display, report)
    text = bilingual.source_front_matter(sxs, title) + sxs.body
    return text, _parse_or_none(config, path, text)


def _title_matches(article: Article, messages: list[CatalogMessage], translated_title: str) -> bool:
    title = next((m for m in messages if m.msgid == article.title), None)
    return title is not None and " ".join(title.msgstr.split()) == plain_title(translated_title)


def _source_title(sxs: bilingual.SxsFile, article: Article | None, path: str, display: str, report: Report) -> str:
    if article is not None:
        headings = [(t.tag, t) for t in article.tokens if t.type == "heading_open"]
        for _tag, opening in sorted(headings, key=lambda item: item[0] != "h1"):  # the first h1, else any heading
            inline = article.tokens[article.tokens.index(opening) + 1]
            if inline.meta.get("msgid"):  # as plain text: a title is shown in <title>, indexes and search
                return plain_title(str(inline.meta["msgid"]))
    if path.startswith(SNIPPETS):
        return bilingual.guess_title(path)  # a snippet's title is never shown
    report.add(
        warning(
            display,
            1,
            "sxs-title",
            "no heading to take the English title from; it is made from the "
            "file name and the translated title is kept in the catalog header (X-Sxs-title)",
        )
    )
    return bilingual.guess_title(path)


def _parse_or_none(
    config: Config, path: str, text: str, report: Report | None = None, display: str = ""
) -> Article | None:
    try:
        return parse_article(config, path, text)
    except ContentError as exc:
        if report is not None:
            report.extend(replace(d, path=display) for d in exc.diagnostics)
        return None


def locale_messages(
    config: Config, sxs: bilingual.SxsFile, article: Article | None, display: str, report: Report
) -> list[CatalogMessage]:
    """Return the catalog messages of one file: one per segment, spans outside any segment kept obsolete."""
    translation_type = str(sxs.meta.get("ms.translationtype", ""))
    if article is None:
        found: dict[int, list[bilingual.SxsSpan]] = {}
        pending = list(sxs.spans)
        messages: list[CatalogMessage] = []
    else:
        found, pending = bilingual.assign_spans(article, sxs.spans)
        messages = title_from_heading(article, bilingual.catalog_messages(article, found, translation_type))
    for span in pending:
        report.add(
            warning(
                display,
                span.line,
                "sxs-unplaced",
                f"sxs segment {span.id} is in no segment of the article; it is kept as an obsolete catalog entry",
            )
        )
        messages.append(
            CatalogMessage(
                span.source.strip() or span.id,
                span.translation.strip(),
                user_comments=(f"sxs: {span.id}",),
                obsolete=True,
            )
        )
    return messages


def plain_title(markdown: str) -> str:
    """Return inline Markdown as the plain text it shows (`**Save** now` -> `Save now`; `A_B_C` stays).

    Rendered by markdown-it-py itself, so that intraword underscores and escapes read as CommonMark does.
    """
    from html import unescape

    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").renderInline(markdown)
    return " ".join(unescape(re.sub(r"<[^>]*>", "", html)).split())


def title_from_heading(article: Article, messages: list[CatalogMessage]) -> list[CatalogMessage]:
    """Return the messages with the title translated as plain text where it was taken from a heading with markup.

    The title `Cancel Power BI` comes from the heading `Cancel **Power BI**`; its translation is the
    heading's, less the markup.
    """
    title = next((m for m in messages if m.msgid == article.title), None)
    if title is None or title.msgstr:
        return messages
    heading = next((m for m in messages if m.msgstr and plain_title(m.msgid) == article.title), None)
    if heading is None:
        return messages
    origin = tuple(c for c in heading.user_comments if c.startswith("origin:"))  # machine-made, if the heading was
    translated = replace(title, msgstr=plain_title(heading.msgstr), user_comments=(*title.user_comments, *origin))
    return [translated if message is title else message for message in messages]


def _difference(path: str, current: str, imported: str, locale: str) -> Diagnostic:
    line = next(
        (n for n, (a, b) in enumerate(zip(current.split("\n"), imported.split("\n"), strict=False), 1) if a != b),
        min(current.count("\n"), imported.count("\n")) + 1,
    )
    return warning(
        f"content/{path}",
        line,
        "import-source-differs",
        f"the {locale} file's English text differs from the article's here; the article is kept "
        "and translations of changed segments are marked fuzzy",
    )


def _media_names(source_dir: Path) -> dict[str, str]:
    """Return lower-cased path -> real path of every non-article file, to mend references by case."""
    return {path.lower(): path for path in iter_files(source_dir) if not path.endswith(".md")}


_MEDIA_REFERENCE = re.compile(r"""(\]\(\s*<?|src\s*=\s*["'])((?:\.\./)*media/[^)\s"'>]+)""", re.IGNORECASE)


def fix_media_case(sxs: bilingual.SxsFile, media: dict[str, str], display: str, report: Report) -> bilingual.SxsFile:
    """Mend media references that differ from the file's name only in case (they break on Linux servers)."""
    folder = str(Path(sxs.path).parent)

    def mend(match: re.Match[str]) -> str:
        reference = match.group(2)
        resolved = str(Path(folder, reference)) if folder != "." else reference
        real = media.get(Path(resolved).as_posix().lower())
        if real is None or real == Path(resolved).as_posix():
            return match.group(0)
        fixed = reference[: len(reference) - len(Path(reference).name)] + Path(real).name
        line = sxs.body_line + sxs.body.count("\n", 0, match.start())
        report.add(
            warning(
                display,
                line,
                "import-media-case",
                f"'{reference}' names '{Path(real).name}' in another case; the reference is corrected",
            )
        )
        return match.group(1) + fixed

    body = _MEDIA_REFERENCE.sub(mend, sxs.body)
    if body == sxs.body:
        return sxs
    spans = [
        replace(s, source=_MEDIA_REFERENCE.sub(mend, s.source), translation=_MEDIA_REFERENCE.sub(mend, s.translation))
        for s in sxs.spans
    ]
    return replace(sxs, body=body, spans=spans)


def keep_file(config: Config, source_dir: Path, relative: str, locale: str, result: ImportResult) -> None:
    """Copy a non-article file: media into content/, TOC and build files under content/_sxs/.

    A media file that another locale already brought in with other content (a localized
    screenshot) goes to locales/<L>/, where the build uses it for that locale's pages.
    """
    kept = KEPT_FILES.search(relative)
    target = config.content_dir / ("_sxs/" + relative if kept else relative)
    source = source_dir / relative
    if target.exists() and not filecmp.cmp(source, target, shallow=False):
        target = config.content_dir / "_sxs" / locale / relative if kept else config.locales_dir / locale / relative
    if target.exists() and filecmp.cmp(source, target, shallow=False):
        return
    replace_file(target, source.read_bytes())
    result.written.append(str(target.relative_to(config.project_dir)))
