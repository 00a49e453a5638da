"""The distinct variants of an article: which org states see which branches (`helpgen variants`).

The org states tried are not every number: for each field an article's conditions use, the
values at and around every literal it is compared with (`>= 25` tries 24, 25 and 26), both
booleans, every choice of a choice field. Every combination of those values (other fields keep
the default profile's) is run through the article's branches as a page would.

    >>> from generator.config import OrgField
    >>> fields = {"seats": OrgField("seats", "integer", minimum=0)}
    >>> candidates(fields, [("seats", 25)], {})
    {'seats': [0, 24, 25, 26]}
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from generator.config import Config, OrgField
from generator.content.conditions import BRANCH_TAGS, Field, Literal, Node, describe, evaluate
from generator.locales import locale_info
from generator.model import Article
from generator.report import ContentError, error

#: More combinations than this and `variants` stops, saying so (an article with that many is unusual).
MAX_STATES = 100_000


@dataclass(frozen=True)
class Branch:
    """One branch of a conditional block: where it is, its condition (None for else), its block."""

    number: int
    line: int
    node: Node | None
    chain: int
    depth: int

    @property
    def label(self) -> str:
        """Return the branch's condition in words (`else` for the last branch)."""
        return "else" if self.node is None else describe(self.node)


@dataclass
class Variant:
    """The branches one group of org states sees, and one org state that sees them."""

    shown: tuple[int, ...]
    example: dict[str, Any]
    truth: dict[str, bool]
    states: int = 0
    #: With a locale: the variant's text in it, and the number of an earlier variant with the same text.
    text: str = ""
    same_as: int = 0


@dataclass
class VariantReport:
    """Everything `helpgen variants` says about one article."""

    article: str
    fields: list[str]
    branches: list[Branch]
    variants: list[Variant] = field(default_factory=list)
    #: (org state, the top-level branches whose conditions all hold for it): the first one shows.
    overlaps: list[tuple[dict[str, Any], tuple[int, ...]]] = field(default_factory=list)
    #: (org state, line of the block no branch of which holds): the page shows nothing there.
    uncovered: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    unreachable: list[int] = field(default_factory=list)
    #: (field, value compared with, [(value tried, variant number)]): what happens at each threshold.
    thresholds: list[tuple[str, Any, list[tuple[Any, int]]]] = field(default_factory=list)
    #: The locale the variants' texts are in ("" when not rendered).
    locale: str = ""


def branches_of(article: Article) -> list[Branch]:
    """Return the branches of an article's conditional blocks, in order."""
    found: list[Branch] = []
    chains: list[int] = []
    count = 0
    for token in article.tokens:
        if token.type not in BRANCH_TAGS:
            continue
        if token.type == "hg_endif":
            chains.pop()
            continue
        if token.type == "hg_if":
            count += 1
            chains.append(count)
        found.append(
            Branch(len(found) + 1, token.meta.get("line", 0), token.meta.get("node"), chains[-1], len(chains) - 1)
        )
    return found


def comparisons(node: Node | None) -> Iterator[tuple[str, Any]]:
    """Yield (field, literal) for every field compared with a literal in a condition."""
    if node is None or isinstance(node, Literal):
        return
    if isinstance(node, Field):
        yield node.name, True
        return
    args = node.args
    if len(args) == 2 and isinstance(args[0], Field) and isinstance(args[1], Literal):
        yield args[0].name, args[1].value
    elif len(args) == 2 and isinstance(args[1], Field) and isinstance(args[0], Literal):
        yield args[1].name, args[0].value
    for arg in args:
        yield from comparisons(arg)


def candidates(
    fields: Mapping[str, OrgField], compared: list[tuple[str, Any]], default: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Return the values to try for each field the conditions use."""
    values: dict[str, set[Any]] = {}
    for name, literal in compared:
        spec = fields[name]
        tried = values.setdefault(name, set())
        if spec.type == "boolean":
            tried.update((False, True))
        elif spec.type in ("integer", "number"):
            step = 1 if spec.type == "integer" else 0.5
            for value in literal if isinstance(literal, tuple) else (literal,):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    tried.update((value - step, value, value + step))
            if spec.minimum is not None:
                tried.add(spec.minimum)
        else:
            tried.update(spec.choices)
            for value in literal if isinstance(literal, tuple) else (literal,):
                if isinstance(value, str):
                    tried.add(value)
            if not spec.choices:
                tried.add("")  # a value no condition names
        if name in default:
            tried.add(default[name])
    result = {}
    for name, tried in values.items():
        spec = fields[name]
        kept = (
            [
                v
                for v in tried
                if (spec.minimum is None or v >= spec.minimum) and (spec.maximum is None or v <= spec.maximum)
            ]
            if spec.type in ("integer", "number")
            else list(tried)
        )
        if spec.type == "integer":
            kept = [int(v) for v in kept]
        result[name] = sorted(set(kept), key=lambda v: (str(type(v)), v))
    return result


def _walk(branches: list[Branch], org: Mapping[str, Any]) -> tuple[tuple[int, ...], dict[int, list[int]]]:
    """Return the branches shown for `org`, and per top-level block the branches whose condition holds."""
    shown: list[int] = []
    holding: dict[int, list[int]] = {}
    matched: dict[int, bool] = {}
    visible: dict[int, bool] = {}  # chain -> is the branch being read shown
    current: list[int] = []  # the open chains, outermost first
    for branch in branches:
        del current[branch.depth :]
        current.append(branch.chain)
        outer_visible = all(visible[chain] for chain in current[:-1])
        holds = branch.node is None or evaluate(branch.node, org)
        if branch.depth == 0 and branch.node is not None and holds:
            holding.setdefault(branch.chain, []).append(branch.number)
        shows = not matched.get(branch.chain, False) and holds
        matched[branch.chain] = matched.get(branch.chain, False) or shows
        visible[branch.chain] = shows
        if shows and outer_visible:
            shown.append(branch.number)
    return tuple(shown), holding


def analyze(article: Article, config: Config) -> VariantReport:
    """Return the variants of one article, with overlaps, gaps, unreachable branches and thresholds."""
    branches = branches_of(article)
    schema = {f.name: f for f in config.org}
    compared = [pair for branch in branches for pair in comparisons(branch.node)]
    default = dict(config.default_org())
    values = candidates(schema, compared, default)
    names = sorted(values)
    report = VariantReport(article.source_file, names, branches)
    total = 1
    for name in names:
        total *= len(values[name])
    if total > MAX_STATES:
        message = f"{total:,} org states to try (more than {MAX_STATES:,})"
        raise ContentError([error(article.source_file, 0, "too-many-org-states", message, "simplify the conditions")])
    by_shown: dict[tuple[int, ...], Variant] = {}
    has_else = {b.chain for b in branches if b.node is None}
    top_chains = sorted({b.chain for b in branches if b.depth == 0})
    first_line = {b.chain: b.line for b in reversed(branches)}
    for combination in itertools.product(*(values[n] for n in names)):
        org = {**default, **dict(zip(names, combination, strict=True))}
        state = {n: org[n] for n in names}
        shown, holding = _walk(branches, org)
        variant = by_shown.get(shown)
        if variant is None:
            truth = {b.label: evaluate(b.node, org) for b in branches if b.node is not None}
            variant = by_shown[shown] = Variant(shown, state, truth)
        variant.states += 1
        for chain in top_chains:
            claims = tuple(holding.get(chain, ()))
            if len(claims) > 1:
                report.overlaps.append((state, claims))
            if not claims and chain not in has_else:
                report.uncovered.append((state, first_line[chain]))
    report.variants = list(by_shown.values())
    seen = {number for variant in report.variants for number in variant.shown}
    report.unreachable = [b.number for b in branches if b.number not in seen]
    number_of = {variant.shown: index for index, variant in enumerate(report.variants, 1)}
    base = {**{n: values[n][0] for n in names}, **default}  # the default profile, where it says
    for name, literal in dict.fromkeys((n, v) for n, v in compared if not isinstance(v, (bool, tuple))):
        spec = schema[name]
        if spec.type not in ("integer", "number"):
            continue
        step = 1 if spec.type == "integer" else 0.5
        around = [v for v in (literal - step, literal, literal + step) if v in values[name]]
        results = [(v, number_of[_walk(branches, {**base, name: v})[0]]) for v in around]
        report.thresholds.append((name, literal, results))
    return report


def render_variants(report: VariantReport, config: Config, path: str, locale_tag: str) -> None:
    """Give every variant its text as a reader in `locale_tag` sees it (its example org state's page)."""
    from generator.build.page import render_body
    from generator.build.pages import Theme
    from generator.content.articles import read_article
    from generator.content.markup import RenderContext
    from generator.l10n.catalogs import read_article_catalog, read_theme_catalog
    from generator.l10n.translate import localize_article, translation_for

    locale = locale_info(locale_tag, config.source_locale)
    article = read_article(config, path)
    snippets = {s.source: read_article_catalog(config, s.source, locale) for s in article.segments if s.source}
    catalog = read_article_catalog(config, path, locale)
    item = localize_article(article, translation_for(config, locale), catalog, snippets)
    theme_catalog, _ = read_theme_catalog(config, locale)  # its problems are the build's and check's to report
    context = RenderContext(alert_titles=Theme(config, locale, theme_catalog).alert_titles())
    report.locale = locale_tag
    for variant in report.variants:
        html, _ = render_body(item, config, context, {**config.default_org(), **variant.example})
        variant.text = html_text(html)
    first_with: dict[str, int] = {}
    for index, variant in enumerate(report.variants, 1):
        variant.same_as = first_with.setdefault(variant.text, index)
        variant.same_as = 0 if variant.same_as == index else variant.same_as


class _Text(HTMLParser):
    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "div", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """Return the visible text of rendered HTML, one line per block."""
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _state(state: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={json.dumps(value)}" for name, value in state.items()) or "(any)"


def format_report(report: VariantReport, output: str = "text") -> str:
    """Return the report as text for people or JSON for tools."""
    lines_of = {b.number: b for b in report.branches}
    if output == "json":
        data = {
            "article": report.article,
            "locale": report.locale or None,
            "fields": report.fields,
            "branches": [
                {"number": b.number, "line": b.line, "condition": b.label, "depth": b.depth} for b in report.branches
            ],
            "variants": [
                {"branches": list(v.shown), "example": v.example, "conditions": v.truth, "states": v.states}
                | ({"text": v.text, "same_text_as": v.same_as or None} if report.locale else {})
                for v in report.variants
            ],
            "overlaps": [{"example": s, "branches": list(c)} for s, c in report.overlaps],
            "uncovered": [{"example": s, "line": line} for s, line in report.uncovered],
            "unreachable": report.unreachable,
            "thresholds": [
                {"field": n, "value": v, "tried": [{"value": t, "variant": k} for t, k in r]}
                for n, v, r in report.thresholds
            ],
        }
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    fields = ", ".join(report.fields) or "no field"
    out = [f"{report.article}: {len(report.variants)} variants, from the values of {fields}"]
    for index, variant in enumerate(report.variants, 1):
        shown = "; ".join(f"line {lines_of[n].line} ({lines_of[n].label})" for n in variant.shown) or "no branch"
        out.append(f"variant {index}: shows {shown}")
        out.append(f"  for example {_state(variant.example)}")
        if variant.truth:
            out.append(
                "  " + "; ".join(f"{label} is {'true' if value else 'false'}" for label, value in variant.truth.items())
            )
        if report.locale and variant.same_as:
            out.append(f"  in {report.locale}, the same text as variant {variant.same_as}")
        elif report.locale:
            out.append(f"  in {report.locale}:")
            out.extend(f"    {line}" for line in variant.text.splitlines())
    for name, literal, results in report.thresholds:
        tried = ", ".join(
            f"{'exactly ' if value == literal else ''}{value} → variant {number}" for value, number in results
        )
        out.append(f"at org.{name} around {literal}: {tried}")
    grouped: dict[tuple[int, ...], list[dict[str, Any]]] = {}
    for state, claims in report.overlaps:
        grouped.setdefault(claims, []).append(state)
    for claims, states in grouped.items():
        claimed = " and ".join(f"line {lines_of[n].line} ({lines_of[n].label})" for n in claims)
        more = f" (and {len(states) - 1} more org states)" if len(states) > 1 else ""
        out.append(f"overlap: {claimed} all hold for {_state(states[0])}{more}; only the first shows")
    for state, line in report.uncovered:
        out.append(
            f"gap: no branch of the block at line {line} holds for {_state(state)}; the page shows nothing there"
        )
    for number in report.unreachable:
        branch = lines_of[number]
        out.append(f"unreachable: line {branch.line} ({branch.label}) shows for no org state")
    if not (report.overlaps or report.uncovered or report.unreachable):
        out.append("no overlaps, gaps or unreachable branches")
    return "\n".join(out) + "\n"
