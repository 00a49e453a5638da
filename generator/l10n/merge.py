"""Merging a catalog with its template, as msgmerge does, without ever dropping a translation.

- A message whose source is unchanged keeps everything a translator wrote.
- A changed source keeps the old translation, marked fuzzy, with the previous msgid (`#|`).
  Changing the source back restores the translation exactly as it was.
- A removed source becomes obsolete (`#~`) with its translation, and comes back if the source does.
- A new source already translated elsewhere in the locale is pre-filled from that translation
  memory, flagged `fuzzy` for review, with the comment `# origin: memory`.
The output order is the template's, then the obsolete messages; merging twice changes nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from generator.l10n.catalogs import CatalogMessage, with_origin
from generator.model import MEMORY

FUZZY = "fuzzy"
#: How alike an old and a new source must be for the old translation to carry over as fuzzy.
SIMILARITY = 0.6


def merge_messages(
    template: Sequence[CatalogMessage],
    existing: Sequence[CatalogMessage],
    memory: Mapping[str, str],
) -> list[CatalogMessage]:
    """Return the catalog's messages brought up to date with its template."""
    live = {m.msgid: m for m in existing if not m.obsolete}
    obsolete = {m.msgid: m for m in existing if m.obsolete}
    used: set[str] = set()
    merged = []
    new_sources = [t for t in template if t.msgid not in live and t.msgid not in obsolete]
    unmatched = [m for m in existing if not m.obsolete and m.msgid not in {t.msgid for t in template}]
    carried = _carry_over(new_sources, unmatched)
    for message in template:
        old = live.get(message.msgid) or obsolete.get(message.msgid)
        if old is not None:
            used.add(old.msgid)
            merged.append(_update(old, message, old.msgstr, old.flags, old.previous_id))
        elif message.msgid in carried:
            old, restored = carried[message.msgid]
            used.add(old.msgid)
            if restored:  # the source was changed back: the translation is as it was
                flags = tuple(f for f in old.flags if f != FUZZY)
                merged.append(_update(old, message, old.msgstr, flags, ""))
            else:
                flags = tuple(sorted({*old.flags, FUZZY}))
                merged.append(_update(old, message, old.msgstr, flags, old.msgid))
        elif memory.get(message.msgid) and not message.msgid_plural:
            comments = with_origin(message.user_comments, MEMORY)
            flags = tuple(sorted({FUZZY, *message.flags}))
            merged.append(replace(message, msgstr=memory[message.msgid], flags=flags, user_comments=comments))
        else:
            merged.append(message)
    merged.extend(
        _retire(m) for m in existing if m.msgid not in used and (m.msgstr or any(m.msgstr_plural) or m.user_comments)
    )
    return merged


def _carry_over(
    new_sources: Sequence[CatalogMessage], unmatched: Sequence[CatalogMessage]
) -> dict[str, tuple[CatalogMessage, bool]]:
    """Pair each new source with the old message it most likely replaces (and whether it is a revert)."""
    pairs: dict[str, tuple[CatalogMessage, bool]] = {}
    candidates = [m for m in unmatched if m.msgstr]
    for message in new_sources:
        reverted = next((m for m in candidates if m.previous_id == message.msgid and FUZZY in m.flags), None)
        if reverted is not None:
            pairs[message.msgid] = (reverted, True)
            candidates.remove(reverted)
    for message in new_sources:
        if message.msgid in pairs or not candidates:
            continue
        best = max(candidates, key=lambda m: _similarity(message.msgid, m.msgid))
        if _similarity(message.msgid, best.msgid) >= SIMILARITY:
            pairs[message.msgid] = (best, False)
            candidates.remove(best)
    return pairs


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= SIMILARITY else 0.0


def _update(
    old: CatalogMessage, template: CatalogMessage, msgstr: str, flags: tuple[str, ...], previous_id: str
) -> CatalogMessage:
    """Return the template message carrying what a translator wrote on `old`."""
    plural_changed = old.msgid_plural != template.msgid_plural and bool(old.msgid_plural)
    if plural_changed and (old.msgstr_plural and any(old.msgstr_plural)):
        flags = tuple(sorted({*flags, FUZZY}))
    return replace(
        template,
        msgstr=msgstr,
        msgstr_plural=old.msgstr_plural if template.msgid_plural else (),
        flags=flags,
        user_comments=old.user_comments,
        previous_id=previous_id if FUZZY in flags else "",
        obsolete=False,
    )


def _retire(message: CatalogMessage) -> CatalogMessage:
    return replace(message, locations=(), auto_comments=(), obsolete=True)


def translation_memory(catalogs: Sequence[Sequence[CatalogMessage]]) -> dict[str, str]:
    """Return msgid -> translation from reviewed entries of a locale's catalogs (first catalog wins)."""
    memory: dict[str, str] = {}
    for messages in catalogs:
        for message in messages:
            if message.msgstr and not message.obsolete and FUZZY not in message.flags:
                memory.setdefault(message.msgid, message.msgstr)
    return memory
