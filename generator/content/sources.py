"""The project's source files: which articles there are, and their bytes.

Every build reads all of them, also one that changes nothing, so this module imports nothing
heavy (no Markdown parser, no templates).
"""

from __future__ import annotations

import os

from generator.config import Config
from generator.content.paths import OutsideProject, check_relative_path, iter_files, open_inside
from generator.report import ContentError, error

#: The longest article read, in characters; longer ones are refused.
MAX_ARTICLE_CHARS = 2_000_000


def article_paths(config: Config) -> list[str]:
    """Return the paths of the articles below content/, sorted (folders starting with `_` hold snippets)."""
    return [path for path in iter_files(config.content_dir) if path.endswith(".md") and not path.startswith("_")]


def read_article_bytes(config: Config, path: str) -> bytes:
    """Return an article file's bytes, refusing a path that escapes content/ or a file too large to build."""
    source_file = f"content/{path}"
    problem = check_relative_path(path)
    if problem:
        raise ContentError([error(source_file, 0, "article-path", problem)])
    try:
        descriptor = open_inside(config.content_dir, path)
    except OutsideProject:
        message = "is a link to a file outside the project; helpgen reads only the project's own files"
        raise ContentError([error(source_file, 0, "outside-project", message)]) from None
    with os.fdopen(descriptor, "rb") as file:  # plain os calls: once per article per build
        if os.fstat(file.fileno()).st_size > MAX_ARTICLE_CHARS * 4:
            raise ContentError([error(source_file, 0, "article-too-large", "article is too large to build")])
        return file.read()


#: The folder of content/ that holds snippets (included, never pages of their own).
SNIPPETS = "_snippets"


def snippet_path(name: str) -> str:
    """Return the content-relative path of a snippet named in `{% include "name" %}`."""
    return f"{SNIPPETS}/{name}"
