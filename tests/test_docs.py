from __future__ import annotations

from generator.cli import make_parser
from generator.config import describe_schema
from tests.conftest import REPO


def test_site_builder_docs_carry_the_config_schema() -> None:
    assert describe_schema() in (REPO / "docs/site-builders.md").read_text(encoding="utf-8")


def test_every_build_option_is_documented() -> None:
    docs = (REPO / "docs/site-builders.md").read_text(encoding="utf-8")
    parser = make_parser()
    build = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "build")[1]  # type: ignore[union-attr]
    for action in build._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in docs, option


def test_the_architecture_page_links_to_files_and_names_functions_that_exist() -> None:
    import importlib
    import re

    text = (REPO / "docs/architecture.md").read_text(encoding="utf-8")
    links = re.findall(r"\[`?([\w.]+)`?\]\(\.\./(generator/[\w/]+\.py)\)", text)
    assert len(links) >= 20
    for name, path in links:
        assert (REPO / path).is_file(), path
        if "." in name and not name.endswith(".py") and not path.endswith(f"/{name.rsplit('.', 1)[1]}.py"):
            # `module.function` names a function of the linked file
            module = "generator." + path.removeprefix("generator/").removesuffix(".py").replace("/", ".")
            assert hasattr(importlib.import_module(module), name.rsplit(".", 1)[1]), (name, path)
