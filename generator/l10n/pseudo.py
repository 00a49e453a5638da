"""Pseudo-localization: `qps-ploc` (accented, longer, bracketed) and `qps-plocm` (right-to-left).

Pseudo-locales let every page be tested without translators: text that escaped localization
shows up unaccented, truncation shows up as a lost bracket, and mirroring bugs show up in
`qps-plocm`. Markup, placeholders, URLs, code and HTML are left exactly as they are.

>>> pseudo_localize("Select **Save**.")
'[Šéļéçţ **Šåṽé**. ··]'
"""

from __future__ import annotations

import re

_ACCENTS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "ÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽåƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýž",
)
# Kept as they are: placeholders, HTML tags and entities, code spans, link and image
# destinations, autolinks, bare URLs, and backslash escapes.
_PROTECTED = re.compile(
    r"\{\{.*?\}\}|<[^>]*>|&#?\w+;|`+[^`]*`+|\]\([^)]*\)|https?://[^\s)\]]+|\\.|%\(\w+\)[sd]",
)
#: How much longer pseudo text is than its source, like a long-winded language.
EXPANSION = 0.3


def pseudo_localize(text: str) -> str:
    """Return `text` accented, about 30% longer and bracketed, with its markup untouched."""
    pieces, position = [], 0
    for match in _PROTECTED.finditer(text):
        pieces.append(text[position : match.start()].translate(_ACCENTS))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(text[position:].translate(_ACCENTS))
    padding = "·" * max(1, round(len(text) * EXPANSION / 3))
    return f"[{''.join(pieces)} {padding}]"
