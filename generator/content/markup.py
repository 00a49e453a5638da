"""The Markdown engine: markdown-it-py configured for help articles, parsing in two halves.

An article's block structure is parsed once (`parse_blocks`), in the source locale, and shared
by every locale. A page is made by putting each segment's text for that locale into the
inline tokens and running only the inline half (`render_blocks`): the page is parsed once,
never once per segment.

The plugins are listed in `make_markdown`; condition tags are a block rule of this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, normalize, text_join
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from generator.model import SegmentNote

#: A condition tag alone on its line: `{% if … %}`, `{% elif … %}`, `{% else %}`, `{% endif %}`.
CONDITION_TAG = re.compile(r"^\{%-?\s*(if|elif|else|endif|plural|or|endplural|include)\b(.*?)-?%\}\s*$")

#: Localized titles of DocFX alerts (theme UI strings, translated in each locale's _theme.po).
ALERT_TITLES = {
    "NOTE": "Note",
    "TIP": "Tip",
    "IMPORTANT": "Important",
    "WARNING": "Warning",
    "CAUTION": "Caution",
    "VIDEO": "Watch the video",
}


def _condition_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Turn a line that is exactly one condition tag into an `hg_<tag>` token."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[begin : state.eMarks[start_line]]
    if not line.startswith("{%"):
        return False
    match = CONDITION_TAG.match(line)
    if not match:
        return False
    if silent:
        return True
    token = state.push(f"hg_{match.group(1)}", "div", 0)
    token.info = match.group(2).strip()
    token.map = [start_line, start_line + 1]
    state.line = start_line + 1
    return True


def condition_plugin(md: MarkdownIt) -> None:
    """Recognize condition tags as blocks; a tag line also ends a paragraph, list or quote."""
    md.block.ruler.before(
        "table", "hg_condition", _condition_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


#: The characters that start an inline rule of `make_markdown`'s parser (newline, escape, code
#: span, strikethrough, emphasis, link, image, autolink, raw HTML, entity). Text without any of
#: them is one text token, so it is not parsed at all (a third of the corpus's segments).
INLINE_SPECIAL = re.compile(r"[\n\\`~*_\[\]!<&]")


def _parse_inline(md: MarkdownIt, text: str, env: EnvType, children: list[Token]) -> None:
    """markdown-it-py's inline parse, with a shortcut for text that has no inline syntax."""
    if text and not INLINE_SPECIAL.search(text):
        token = Token("text", "", 0)
        token.content = text
        children.append(token)
    else:
        md.inline.parse(text, md, env, children)


def _inline_rule(state: StateCore) -> None:
    """markdown-it-py's core `inline` rule, parsing each text once per process (`parsed_inline`).

    The parse of a text depends on nothing else, except for reference-style links, whose
    definitions the article's env holds: those articles' text is parsed in place.
    """
    md, shared = state.md, not state.env.get("references")
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if shared and md is shared_markdown():
            # Only links and images are changed by rendering (their URL is the page's): the
            # other tokens are shared by every page that shows the text.
            token.children.extend(_copy((t,))[0] if t.type in _REWRITTEN else t for t in parsed_inline(token.content))
        else:
            _parse_inline(md, token.content, state.env, token.children)


#: The inline tokens that rendering changes: a link's or an image's URL is rewritten for its page.
_REWRITTEN = frozenset({"link_open", "image"})


@lru_cache(maxsize=1 << 17)
def parsed_inline(text: str) -> tuple[Token, ...]:
    """Return the inline tokens of `text` as the core `inline` and `text_join` rules leave them.

    Each text is parsed once per process: the QA checks of a translation and the page that
    shows it share the parse (the whole corpus's 54,600 texts keep about 75 MiB). The tokens
    are shared: read them, or `_copy` them to change them.
    """
    md = shared_markdown()
    state = StateCore(text, md, {})
    normalize(state)  # as a page's text already is (the block parse normalized it)
    children: list[Token] = []
    state.tokens = [Token("inline", "", 0, content=state.src, children=children)]
    _parse_inline(md, state.src, state.env, children)
    text_join(state)  # replaces the children's list
    return tuple(state.tokens[0].children or ())


def _copy(tokens: Sequence[Token]) -> list[Token]:
    """Return copies of tokens that the renderer may change (attributes, meta, children)."""
    # The constructor, not Token.copy: dataclasses.replace costs five times as much, for every token of every page.
    return [
        Token(
            t.type,
            t.tag,
            t.nesting,
            dict(t.attrs),
            t.map,
            t.level,
            _copy(t.children) if t.children else t.children,
            t.content,
            t.markup,
            t.info,
            dict(t.meta),
            t.block,
            t.hidden,
        )
        for t in tokens
    ]


def make_markdown() -> MarkdownIt:
    """Return the Markdown parser for articles: CommonMark, tables, alerts, raw HTML, conditions."""
    # HTML as HTML5 serializers (and the sanitizer) write it: <br>, and text with its quotation marks as they are.
    md = MarkdownIt("commonmark", {"html": True, "alerts": True, "xhtmlOut": False, "highlight": _code_text})
    md.enable(["table", "strikethrough"])
    md.core.ruler.at("inline", _inline_rule)
    md.use(condition_plugin)
    # A help site links to the same few hundred URLs from thousands of segments; encode each once.
    md.normalizeLink = lru_cache(maxsize=16384)(md.normalizeLink)  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def shared_markdown() -> MarkdownIt:
    """Return this process's parser (built once; parsers are reused, never rebuilt per page)."""
    return make_markdown()


@lru_cache(maxsize=1)
def deep_markdown() -> MarkdownIt:
    """Return a parser with a higher nesting limit, to tell whether the shared one stopped short."""
    md = make_markdown()
    md.options["maxNesting"] = DEEP_NESTING
    return md


#: markdown-it stops parsing blocks nested this deep (each list level counts twice) and drops the rest.
DEEP_NESTING = 100


def nesting_cut(text: str, tokens: list[Token], md: MarkdownIt | None = None) -> Token | None:
    """Return the deepest block token if the parser's nesting limit cut `text` short, else None.

    markdown-it-py gives up on blocks nested `maxNesting` deep and skips the rest of their
    container, silently (#20). Only a text that reaches the limit is parsed again, with a higher one.
    """
    limit = (md or shared_markdown()).options["maxNesting"]
    deepest = max(tokens, key=lambda token: token.level, default=None)
    if deepest is None or deepest.level < limit - 1:
        return None
    again, _ = parse_blocks(text, deep_markdown())
    return deepest if len(again) != len(tokens) else None


def _core_rules(md: MarkdownIt) -> tuple[list[Callable[[StateCore], None]], list[Callable[[StateCore], None]]]:
    names = md.core.ruler.get_active_rules()
    rules = md.core.ruler.getRules("")
    split = names.index("block") + 1
    return rules[:split], rules[split:]


def parse_blocks(text: str, md: MarkdownIt | None = None) -> tuple[list[Token], EnvType]:
    """Parse the block structure of `text`; inline tokens keep their raw content, unparsed."""
    md = md or shared_markdown()
    env: EnvType = {}
    state = StateCore(text, md, env)
    for rule in _core_rules(md)[0]:
        rule(state)
    return _videos(state.tokens), env


_VIDEO = re.compile(r"^\[!VIDEO\s+(\S+?)\]$")


def _videos(tokens: list[Token]) -> list[Token]:
    """Turn DocFX's `> [!VIDEO url]` quotes into `hg_video` tokens (rendered as a link to the video)."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        window = tokens[index : index + 5]
        shape = [t.type for t in window]
        match = _VIDEO.match(window[2].content.strip()) if len(window) == 5 else None
        if shape == ["blockquote_open", "paragraph_open", "inline", "paragraph_close", "blockquote_close"] and match:
            video = Token("hg_video", "p", 0, block=True, info=match.group(1), map=window[0].map)
            result.append(video)
            index += 5
        else:
            result.append(tokens[index])
            index += 1
    return result


@dataclass
class RenderContext:
    """What the renderer needs besides tokens: URL rewriting and localized alert titles."""

    rewrite_url: Callable[[str, int, list[tuple[int, str]]], str] = lambda url, line, problems: url
    alert_titles: Mapping[str, str] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


def render_blocks(tokens: Sequence[Token], env: EnvType, context: RenderContext, md: MarkdownIt | None = None) -> str:
    """Parse the inline content of block tokens and render them to HTML."""
    md = md or shared_markdown()
    state = StateCore("", md, dict(env, hg=context), list(tokens))
    for rule in _core_rules(md)[1]:
        rule(state)
    renderer = _renderer(md)
    for token in state.tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in _REWRITTEN:  # a link that cannot be resolved is reported at its line
                    child.meta["line"] = token.meta.get("line", 0)
            if any(child.type == "html_inline" for child in token.children):
                token.children = [_contained(renderer, token.children, md, state.env)]
    return renderer.render(state.tokens, md.options, state.env)


def _contained(renderer: RendererHTML, children: list[Token], md: MarkdownIt, env: EnvType) -> Token:
    """Return a segment with raw HTML as one sanitized piece.

    A tag it leaves open is closed within it, and never runs on into the rest of the page.
    """
    piece = Token("html_inline", "", 0)
    piece.content = sanitize_html(renderer.renderInline(children, md.options, env))
    return piece


def escape_text(text: str) -> str:
    """Escape text for an element's content: `&`, `<` and `>` (quotation marks need escaping only in attributes).

    The same as `html.escape(text, quote=False)`, which costs half as much again per call; this
    runs for every text token of every page.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code_text(content: str, language: str, attributes: str) -> str:
    return escape_text(content)


def _render_text(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return escape_text(tokens[idx].content)


def _render_code_inline(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    return f"<code{_renderer_of(env).renderAttrs(token)}>{escape_text(token.content)}</code>"


def _render_code_block(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    return f"<pre{_renderer_of(env).renderAttrs(token)}><code>{escape_text(token.content)}</code></pre>\n"


@lru_cache(maxsize=4)
def _renderer(md: MarkdownIt) -> RendererHTML:
    renderer = RendererHTML(md)
    # Rules stored directly in `rules` are called as plain functions (tokens, idx, options, env).
    rules: dict[str, Any] = {
        "hg_if": _render_branch_open,
        "hg_elif": _render_branch_open,
        "hg_else": _render_branch_open,
        "hg_endif": lambda tokens, idx, options, env: "</div></div>\n",
        "link_open": _render_link_open,
        "image": _render_image,
        "alert_title_open": _render_alert_title,
        "hg_video": _render_video,
        "text": _render_text,
        "code_inline": _render_code_inline,
        "code_block": _render_code_block,
    }
    renderer.rules.update(rules)
    return renderer


def _render_branch_open(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    attrs = token.meta.get("attrs", {})
    parts = ['<div class="hg-branch"']
    for name in sorted(attrs):
        value = attrs[name]
        parts.append(f' {name}=""' if value is True else f' {name}="{_attr(value)}"')
    opening = '<div class="hg-cond">' if token.type == "hg_if" else "</div>"
    return f"{opening}{''.join(parts)}>\n"


def _attr(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _context(env: EnvType) -> RenderContext:
    context = env.get("hg")
    return context if isinstance(context, RenderContext) else RenderContext()


def _rewrite_url_attribute(token: Token, name: str, env: EnvType) -> None:
    """Point a link's href or an image's src at its page in the site; drop a URL of a scheme not allowed."""
    url = token.attrGet(name)
    if isinstance(url, str):
        url = _context(env).rewrite_url(url, token.meta.get("line", 0), _context(env).problems)
        if allowed_url(url, image=name == "src"):
            token.attrSet(name, url)
        else:
            del token.attrs[name]


def _render_link_open(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    _rewrite_url_attribute(tokens[idx], "href", env)
    return RendererHTML.renderToken(_renderer_of(env), tokens, idx, options, env)


def _render_image(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    _rewrite_url_attribute(token, "src", env)
    token.attrSet("loading", "lazy")
    return RendererHTML.image(_renderer_of(env), tokens, idx, options, env)


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
#: The URL schemes a page may link to; `data:` only as the source of an image (`_DATA_IMAGE`).
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def allowed_url(url: str, image: bool) -> bool:
    """Return whether a link (or, with `image`, an image source) may keep its URL: relative, or an allowed scheme."""
    match = _SCHEME.match(url.lstrip())
    if match is None:
        return True
    scheme = match.group(1).lower()
    if scheme == "data":
        return image and bool(_DATA_IMAGE.match(url))
    return scheme in URL_SCHEMES


def _renderer_of(env: EnvType) -> RendererHTML:
    return _renderer(shared_markdown())


def _render_alert_title(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    kind = str(tokens[idx - 1].info or tokens[idx - 1].meta.get("kind", "")).upper()
    title = _context(env).alert_titles.get(kind)
    inline = tokens[idx + 1]
    if title and inline.type == "inline" and inline.children:
        inline.children = [_text_token(title)]
    return RendererHTML.renderToken(_renderer_of(env), tokens, idx, options, env)


def _render_video(tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    context = _context(env)
    url = context.rewrite_url(tokens[idx].info, 0, context.problems)
    label = escapeHtml(context.alert_titles.get("VIDEO", "Watch the video"))
    if not allowed_url(url, image=False):  # the links' allow-list: never a javascript: URL (#20)
        return f'<p class="hg-video">{label}</p>\n'
    return f'<p class="hg-video"><a href="{escapeHtml(url)}">{label}</a></p>\n'


def _text_token(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


# -- One article in one locale --------------------------------------------------------------------

#: What content HTML may contain after rendering; everything else is removed by nh3.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "video",
    "source",
}
ALLOWED_ATTRIBUTES = {
    "*": {
        "class",
        "id",
        "hidden",
        "lang",
        "dir",
        "title",
        "data-hg-when",
        "data-hg-else",
        "data-hg-label",
        "data-hg-count",
        "data-hg-plural",
        "data-hg-rules",
        "data-pagefind-ignore",
    },
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "video": {"src", "controls", "width", "height"},
    "source": {"src", "type"},
}


_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


#: The attributes that carry a segment's translation status in the preview (`SegmentNote`).
PREVIEW_ATTRIBUTES = {"data-hg-source", "data-hg-status", "data-hg-entry", "data-hg-qa"}


def sanitize_html(html: str, preview: bool = False) -> str:
    """Return content HTML with only allow-listed tags, attributes and URL schemes (every image with an alt)."""
    return _IMG_WITHOUT_ALT.sub('<img alt=""', _clean(html, preview))


def _clean(html: str, preview: bool = False) -> str:
    import nh3

    attributes = ALLOWED_ATTRIBUTES
    if preview:
        attributes = {**attributes, "*": attributes["*"] | PREVIEW_ATTRIBUTES}
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_only_image_data,
        link_rel=None,
        filter_style_properties={"text-align"},
    )


_DATA_IMAGE = re.compile(r"^\s*data:image/(png|gif|jpeg|webp);", re.IGNORECASE)


def _only_image_data(tag: str, attribute: str, value: str) -> str | None:
    """Let `data:` through only as the source of an image (the corpus inlines icons so); never as a link."""
    if value.lstrip()[:5].lower() == "data:" and not (tag == "img" and attribute == "src" and _DATA_IMAGE.match(value)):
        return None
    return value


def localize_tokens(
    tokens: Sequence[Token],
    texts: Mapping[str, str],
    fallbacks: frozenset[str],
    source_lang: str,
    notes: Mapping[str, SegmentNote] | None = None,
) -> list[Token]:
    """Return copies of block tokens with each segment's inline text replaced for one locale.

    A segment shown in the source language gets `lang` on its element; with `notes` (the
    preview), every segment's element also carries its note's data attributes.
    """
    from generator.content.segment import inline_source

    result: list[Token] = []
    for token in tokens:
        if token.type != "inline":
            result.append(token)  # shared: the renderer changes only tokens it was given copies of
            continue
        msgid = token.meta.get("msgid")
        text = token.content if msgid is None else inline_source(token, texts.get(msgid, msgid))
        result.append(
            # The constructor, not Token.copy (dataclasses.replace), as in `_copy`: once per segment of every page.
            Token(
                token.type,
                token.tag,
                token.nesting,
                token.attrs,
                token.map,
                token.level,
                None,
                text,
                token.markup,
                token.info,
                dict(token.meta),
                token.block,
                token.hidden,
            )
        )
        if msgid is None:
            continue
        attrs = notes[msgid].attributes() if notes and msgid in notes else {}
        if msgid in fallbacks:
            attrs |= {"lang": source_lang, "class": "hg-fallback"}
        if attrs:
            _annotate(result, attrs)
    return result


def _annotate(opened: list[Token], attrs: Mapping[str, str]) -> None:
    """Put `attrs` on (a copy of) the element that holds the segment just added (a class is joined)."""
    for index in range(len(opened) - 1, -1, -1):
        token = opened[index]
        if token.nesting == 1 and not token.hidden:
            copy = token.copy(attrs=dict(token.attrs))
            for name, value in attrs.items():
                if name == "class":
                    copy.attrJoin(name, value)
                else:
                    copy.attrSet(name, value)
            opened[index] = copy
            return


def render_article_body(tokens: Sequence[Token], env: EnvType, context: RenderContext, preview: bool = False) -> str:
    """Render localized block tokens to safe HTML (keeping the preview's attributes, with `preview`).

    What the renderer writes itself is safe as written: text and attributes escaped, URLs of
    allowed schemes only (`allowed_url`), and each segment's raw HTML sanitized on its own
    (`_contained`). A page whose article has raw HTML blocks is sanitized as a whole, since a
    block may open an element that a later one closes.
    """
    html = render_blocks(tokens, env, context)
    if any(token.type == "html_block" for token in tokens):
        return sanitize_html(html, preview)
    return html.replace("\xa0", "&nbsp;")  # written as the sanitizer writes it, so that every page reads alike
