"""Plural forms: one gettext entry with msgid_plural, one form per plural category of each language."""

from __future__ import annotations

import gettext
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from babel import Locale
from babel.messages.plurals import get_plural

from generator.locales import categories, category_for
from tests.conftest import article, msgfmt_path, run_helpgen
from tests.test_catalogs import assert_babel_and_polib_agree

CONFIG = """\
locales: [en-US, de-DE, zh-CN]
site_url: https://h.example/
org:
  assigned_licenses: {type: integer, minimum: 0}
profiles:
  c0: {assigned_licenses: 0}
  c1: {assigned_licenses: 1}
  c2: {assigned_licenses: 2}
  c5: {assigned_licenses: 5}
default_profile: c2
"""
BODY = """\
{% plural org.assigned_licenses %}
You have {{ count }} assigned license.
{% or %}
You have {{ count }} assigned licenses.
{% endplural %}
"""
FORMS = {
    "de-DE": ["Sie haben {{ count }} zugewiesene Lizenz.", "Sie haben {{ count }} zugewiesene Lizenzen."],
    "zh-CN": ["您有 {{ count }} 个已分配的许可证。"],
}


@pytest.fixture
def plural_site(make_site: Callable[..., Path]) -> Path:
    project = make_site({"helpgen.yaml": CONFIG, "content/licenses.md": article("Licenses", BODY)})
    assert run_helpgen("update", "--project", project).code == 0
    for locale, forms in FORMS.items():
        path = project / f"locales/{locale}/licenses.po"
        po = polib.pofile(str(path))
        entry = po.find("You have {{ count }} assigned license.")
        assert entry is not None and entry.msgid_plural == "You have {{ count }} assigned licenses."
        assert len(entry.msgstr_plural) == len(forms), "one msgstr per plural form of the language"
        entry.msgstr_plural = dict(enumerate(forms))
        po.find("Licenses").msgstr = {"de-DE": "Lizenzen", "zh-CN": "许可证"}[locale]
        po.save()
        subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], check=True)
    assert run_helpgen("update", "--project", project).code == 0
    for locale in FORMS:
        path = project / f"locales/{locale}/licenses.po"
        subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], check=True)
        assert_babel_and_polib_agree(path)
    return project


EXPECTED = {
    ("en-US", 0): "You have 0 assigned licenses.",
    ("en-US", 1): "You have 1 assigned license.",
    ("en-US", 2): "You have 2 assigned licenses.",
    ("en-US", 5): "You have 5 assigned licenses.",
    ("de-DE", 0): "Sie haben 0 zugewiesene Lizenzen.",
    ("de-DE", 1): "Sie haben 1 zugewiesene Lizenz.",
    ("de-DE", 2): "Sie haben 2 zugewiesene Lizenzen.",
    ("de-DE", 5): "Sie haben 5 zugewiesene Lizenzen.",
    ("zh-CN", 0): "您有 0 个已分配的许可证。",
    ("zh-CN", 1): "您有 1 个已分配的许可证。",
    ("zh-CN", 2): "您有 2 个已分配的许可证。",
    ("zh-CN", 5): "您有 5 个已分配的许可证。",
}


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_plural_renders_for_each_count(plural_site: Path, count: int) -> None:
    out = plural_site / f"site-{count}"
    result = run_helpgen("build", "--project", plural_site, "--profile", f"c{count}", "--out", out)
    assert result.code == 0, result.err
    for locale in ("en-US", "de-DE", "zh-CN"):
        html = (out / locale.lower() / "licenses/index.html").read_text(encoding="utf-8")
        text = " ".join(html.replace('<span class="hg-count">', "").replace("</span>", "").split())
        assert EXPECTED[(locale, count)] in text, (locale, count)
        others = [v for (loc, n), v in EXPECTED.items() if loc == locale and v != EXPECTED[(locale, count)]]
        assert not any(other in text for other in others)


def test_page_without_profile_carries_every_form_for_the_script(plural_site: Path) -> None:
    assert run_helpgen("build", "--project", plural_site).code == 0
    html = (plural_site / "site/zh-cn/licenses/index.html").read_text(encoding="utf-8")
    assert 'data-hg-count="{&quot;field&quot;: &quot;assigned_licenses&quot;}"' in html
    assert html.count("data-hg-plural=") == 1  # zh-CN has a single form
    de = (plural_site / "site/de-de/licenses/index.html").read_text(encoding="utf-8")
    assert '<p data-hg-plural="one" hidden="">' in de and '<p data-hg-plural="other">' in de  # default c2
    assert "_static/helpgen.js" in de


def test_categories_follow_gettext_form_order() -> None:
    assert categories("en-US") == ("one", "other")
    assert categories("zh-CN") == ("other",)
    assert categories("ru") == ("one", "few", "many")
    # Arabic's last two forms swapped places in Babel 2.19 (now as GNU gettext: msgstr[4] is 11-99,
    # "many"; before, msgstr[4] was 100-102, "other"). Each form must name the category of the
    # numbers that the locale's own plural expression sends to it, whichever Babel is installed.
    form_of = gettext.c2py(get_plural(Locale.parse("ar")).plural_expr)
    arabic = categories("ar")
    assert arabic[:4] == ("zero", "one", "two", "few") and sorted(arabic[4:]) == ["many", "other"]
    assert arabic[form_of(11)] == arabic[form_of(99)] == "many"
    assert arabic[form_of(100)] == arabic[form_of(102)] == "other"
    assert [category_for("ru", n) for n in (1, 3, 5, 21)] == ["one", "few", "many", "one"]


def test_wrong_number_of_forms_falls_back_to_source(plural_site: Path) -> None:
    path = plural_site / "locales/de-DE/licenses.po"
    po = polib.pofile(str(path))
    entry = po.find("You have {{ count }} assigned license.")
    entry.msgstr_plural = {0: "Sie haben {{ count }} Lizenz {{ oops }}.", 1: "Sie haben {{ count }} Lizenzen."}
    po.save()
    result = run_helpgen("build", "--project", plural_site)
    assert "warning[unsafe-translation]: translation adds {{ oops }}" in result.err
    html = (plural_site / "site/de-de/licenses/index.html").read_text(encoding="utf-8")
    assert 'lang="en-US"' in html and "You have" in html and "oops" not in html


def test_bad_plural_blocks(make_site: Callable[..., Path]) -> None:
    body = (
        "{% plural org.assigned_licenses %}\nOnly one form.\n{% endplural %}\n\n"
        "{% plural org.plan %}\nA.\n{% or %}\nB.\n{% endplural %}\n"
    )
    project = make_site({"content/a.md": article("A", body)})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "content/a.md:4: error[plural]: a {% plural %} block holds two paragraphs" in result.err
    assert "content/a.md:8: error[plural]: the count of a plural block must be a number, not 'org.plan'" in result.err
    assert "content/a.md:6: error[plural]: {% endplural %} without an open {% plural %}" in result.err


ARABIC_BEFORE_BABEL_2_19 = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"
)


def arabic_catalog(plural_forms: str, forms: list[str]) -> bytes:
    lines = ['msgid ""', 'msgstr ""', f'"Plural-Forms: {plural_forms}\\n"', "", 'msgid "{{ count }} license"']
    lines.append('msgid_plural "{{ count }} licenses"')
    lines += [f'msgstr[{index}] "{form}"' for index, form in enumerate(forms)]
    return ("\n".join(lines) + "\n").encode()


def test_plural_forms_are_read_in_the_order_their_catalog_header_gives() -> None:
    """A catalog written when Babel ordered Arabic's forms differently is read by its own header."""
    from generator.l10n.catalogs import parse_catalog, parse_catalog_with_babel

    # Written under Babel 2.18: msgstr[4] for 100-102 ("other"), msgstr[5] for 11-99 ("many").
    data = arabic_catalog(ARABIC_BEFORE_BABEL_2_19, ["zero", "one", "two", "few", "for 100-102", "for 11-99"])
    for parse in (parse_catalog, parse_catalog_with_babel):
        entry = parse(data, "ar", "locales/ar/a.po").entries["{{ count }} license"]
        shown = dict(zip(categories("ar"), entry.msgstr_plural, strict=True))  # whatever Babel is installed
        assert shown == {
            "zero": "zero",
            "one": "one",
            "two": "two",
            "few": "few",
            "other": "for 100-102",
            "many": "for 11-99",
        }, parse
        assert entry.msgstr == entry.msgstr_plural[0]


def test_a_header_in_todays_order_changes_nothing_and_a_hostile_one_is_ignored() -> None:
    from generator.l10n.catalogs import parse_catalog

    plural = get_plural(Locale.parse("ru"))
    forms = ["one", "few", "many"]
    today = parse_catalog(arabic_catalog(plural.plural_forms, forms).replace(b"ar", b"ru"), "ru", "x.po").entries[
        "{{ count }} license"
    ]
    assert today.msgstr_plural == ("one", "few", "many")
    # The installed Babel's own expression with its forms 1 and 2 swapped: read back in today's order.
    swapped = f"nplurals=3; plural=(({plural.plural_expr}) == 1 ? 2 : ({plural.plural_expr}) == 2 ? 1 : 0);"
    entry = parse_catalog(arabic_catalog(swapped, ["one", "many", "few"]), "ru", "x.po").entries
    assert entry["{{ count }} license"].msgstr_plural == ("one", "few", "many")
    for hostile in ("nplurals=3; plural=__import__('os').system('touch /tmp/pwned');", "nplurals=3; plural=(n;"):
        entry = parse_catalog(arabic_catalog(hostile, ["a", "b", "c"]), "ru", "x.po").entries
        assert entry["{{ count }} license"].msgstr_plural == ("a", "b", "c")  # as written: no order to follow
    assert not Path("/tmp/pwned").exists()


def test_update_puts_the_forms_in_the_order_of_the_header_it_writes(make_site: Callable[..., Path]) -> None:
    """`helpgen update` writes today's Plural-Forms header, so it must move the forms to match."""
    project = make_site(
        {"helpgen.yaml": CONFIG.replace("de-DE, zh-CN", "ru"), "content/licenses.md": article("L", BODY)}
    )
    assert run_helpgen("update", "--project", project).code == 0
    path = project / "locales/ru/licenses.po"
    plural = get_plural(Locale.parse("ru"))
    swapped = f"nplurals=3; plural=(({plural.plural_expr}) == 1 ? 2 : ({plural.plural_expr}) == 2 ? 1 : 0);"
    po = polib.pofile(str(path))
    po.metadata["Plural-Forms"] = swapped  # as if written by a helpgen whose Babel ordered Russian so
    entry = po.find("You have {{ count }} assigned license.")
    assert entry is not None
    entry.msgstr_plural = {0: "одна {{ count }}", 1: "много {{ count }}", 2: "несколько {{ count }}"}
    po.save()
    assert run_helpgen("update", "--project", project).code == 0
    po = polib.pofile(str(path))
    assert po.metadata["Plural-Forms"] == plural.plural_forms  # today's header
    entry = po.find("You have {{ count }} assigned license.")
    assert entry is not None
    assert dict(zip(categories("ru"), (entry.msgstr_plural[i] for i in range(3)), strict=True)) == {
        "one": "одна {{ count }}",
        "few": "несколько {{ count }}",
        "many": "много {{ count }}",
    }
    subprocess.run([msgfmt_path(), "--check", "-o", "/dev/null", str(path)], check=True)
