"""Plural forms: segments whose wording depends on a count.

A writer gives the source's two forms between tags, each form one paragraph:

    {% plural org.assigned_licenses %}
    You have {{ count }} license assigned.
    {% or %}
    You have {{ count }} licenses assigned.
    {% endplural %}

The segment is one gettext entry with `msgid_plural`; a translator writes one `msgstr[n]` per
plural form of their language, as its Plural-Forms header (from Babel's CLDR data) says. Pages
carry one paragraph per CLDR category (`one`, `few`, `other`…); the count picks one, at build
time for a site variable or a `--profile` build, in the browser for an org field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal
from markdown_it.token import Token

from generator.config import OrgField
from generator.content import conditions
from generator.locales import category_for
from generator.model import LocalizedArticle

#: The placeholder that stands for the count inside plural forms.
COUNT = "count"
#: Stands in a filled text where the count will go; replaced when the page is rendered.
COUNT_MARK = "\x00count\x00"
PLURAL_TAGS = ("hg_plural", "hg_or", "hg_endplural")


def parse_count(text: str, schema: Mapping[str, OrgField], variables: Mapping[str, Any]) -> conditions.Node:
    """Parse the count of a plural block: a numeric org field or site variable."""
    node = conditions.parse_value(text, schema, variables)
    if isinstance(node, conditions.Field) and schema[node.name].type in ("integer", "number"):
        return node
    if (
        isinstance(node, conditions.Literal)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return node
    raise conditions.ConditionError(f"the count of a plural block must be a number, not '{text.strip()}'")


def bind_plurals(
    tokens: list[Any], schema: Mapping[str, OrgField], variables: Mapping[str, Any], body_line: int
) -> list[tuple[int, str]]:
    """Check the plural blocks of an article's tokens; return (line, message) for each problem."""
    problems = []
    for index, token in enumerate(tokens):
        line = body_line + (token.map[0] if token.map else 0)
        if token.type in ("hg_or", "hg_endplural") and not token.meta.get("plural_checked"):
            problems.append((line, f"{{% {token.type[3:]} %}} without an open {{% plural %}}"))
        if token.type != "hg_plural":
            continue
        shape = [t.type for t in tokens[index + 1 : index + 9]]
        expected = ["paragraph_open", "inline", "paragraph_close", "hg_or"] * 2
        expected[-1] = "hg_endplural"
        if shape != expected:
            problems.append(
                (
                    line,
                    "a {% plural %} block holds two paragraphs, the singular and the plural form, "
                    "separated by {% or %} and closed by {% endplural %}",
                )
            )
            continue
        tokens[index + 4].meta["plural_checked"] = tokens[index + 8].meta["plural_checked"] = True
        try:
            token.meta["count"] = parse_count(token.info, schema, variables)
        except conditions.ConditionError as exc:
            problems.append((line, str(exc)))
            continue
        singular, plural = tokens[index + 2], tokens[index + 6]
        singular.meta["plural"] = plural.content.strip()
        plural.meta["plural_form_of"] = singular.content.strip()
    return problems


def expand_plurals(
    tokens: list[Token],
    localized: LocalizedArticle,
    source_locale: str,
    org: Mapping[str, Any],
    resolved: bool,
) -> list[Token]:
    """Replace each plural block by one paragraph per plural form of the page's language.

    The form for `org` (or for a site variable's value) shows; the others are `hidden` and
    chosen by the page script when the count is an org field. With `resolved`, only the form
    for `org` is kept.
    """
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "hg_plural":
            result.append(token)
            index += 1
            continue
        inline = tokens[index + 2]
        result.extend(_plural_block(token, inline, localized, source_locale, org, resolved))
        index += 9  # hg_plural, two paragraphs of three tokens, hg_or, hg_endplural
    return result


def _plural_block(
    token: Token, inline: Token, localized: LocalizedArticle, source_locale: str, org: Mapping[str, Any], resolved: bool
) -> list[Token]:
    msgid = inline.meta["msgid"]
    shows_source = msgid in localized.fallbacks or localized.locale.is_pseudo
    language = source_locale if shows_source else localized.locale.tag
    node = token.meta["count"]
    count = node.value if isinstance(node, conditions.Literal) else org.get(node.name, 0)
    chosen = category_for(language, count)
    shown = format_decimal(count, locale=localized.locale.babel)
    opening = Token("hg_plural_open", "div", 1, block=True)
    opening.attrs = {"class": "hg-plural"}
    if isinstance(node, conditions.Field) and not resolved:
        opening.attrs["data-hg-count"] = json.dumps(conditions.to_json(node), sort_keys=True)
        opening.attrs["data-hg-rules"] = language  # whose plural rules pick the form (pseudo-locales: the source's)
    if msgid in localized.fallbacks:
        opening.attrs.update({"lang": source_locale, "class": "hg-plural hg-fallback"})
    block = [opening]
    for category, text in localized.plurals[msgid]:
        if resolved and category != chosen:
            continue
        paragraph = Token("paragraph_open", "p", 1, block=True)
        paragraph.attrs = {"data-hg-plural": category}
        if category != chosen:
            paragraph.attrs["hidden"] = ""
        content = text.replace(COUNT_MARK, f'<span class="hg-count">{shown}</span>')
        block += [
            paragraph,
            inline.copy(content=content, children=None, meta=dict(inline.meta)),
            Token("paragraph_close", "p", -1, block=True),
        ]
    block.append(Token("hg_plural_close", "div", -1, block=True))
    return block
