"""The `helpgen` command and its subcommands.

Each subcommand loads the config, calls one library function, prints the report and returns
the exit code: 0 ok, 1 content errors, 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from generator.build.progress import Progress
from generator.report import ContentError, Report

if TYPE_CHECKING:
    from generator.config import Config

#: The object whose add_parser makes a subcommand (argparse keeps its class private).
Commands = Any

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Build a localized, personalized static help center from one source.

A project holds helpgen.yaml (settings), content/ (Markdown articles in the source
locale), locales/<locale>/ (one gettext PO catalog per article) and templates/ (theme
overrides). `helpgen build` writes one static site with a folder per locale.
"""
EPILOG = """\
exit codes: 0 ok, 1 content errors (a page failed; other pages were built),
2 usage or configuration errors (nothing was written).
Documentation: docs/ in the helpgen repository."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ContentError as exc:  # a usage or configuration error: nothing was done
        print_report(Report(list(exc.diagnostics)))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("helpgen: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # the machine, not the input: a full disk, a read-only folder, a file in the way
        print(describe_os_error(exc), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        print(
            f"helpgen: internal error: {exc.__class__.__name__}: {exc} (run with --verbose for details)",
            file=sys.stderr,
        )
        return EXIT_USAGE


#: What to do about the environment errors a user meets, by errno name.
OS_ERROR_HINTS = {
    "ENOSPC": "free some disk space and run it again; nothing written before was lost",
    "EDQUOT": "free some disk space (quota) and run it again",
    "EROFS": "the folder is read-only: choose another (--out DIR)",
    "EACCES": "you may not write there: choose another folder or change its permissions",
    "EPERM": "you may not write there: choose another folder or change its permissions",
    "EEXIST": "a file stands where helpgen needs a folder: move it, or choose another --out",
    "ENOTDIR": "a file stands where helpgen needs a folder: move it, or choose another --out",
    "EMFILE": "too many open files: raise the limit (ulimit -n) or build with fewer jobs (-j)",
}


def describe_os_error(exc: OSError) -> str:
    """Return a one-line message for an error of the machine (disk, permissions), with what to do."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    where = f" ({exc.filename})" if exc.filename else ""
    hint = OS_ERROR_HINTS.get(name, "check the disk and the folders' permissions")
    return f"helpgen: {exc.strerror or exc}{where}: {hint}"


def run_and_exit() -> NoReturn:
    """Run the `helpgen` command, then end the process without tearing down its objects.

    A build of a large site leaves millions of objects (parsed texts, pages); freeing them one by
    one at interpreter exit took a second on the corpus, for memory the system reclaims at once.
    Everything is written and flushed before: files are closed as they are written, worker
    processes are joined, and the output streams are flushed here (mypy ends the same way).
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (helpgen check | head): nothing more to say
            stream.flush()
    os._exit(code)


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="helpgen", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show helpgen's version and exit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the help-site project (folder with helpgen.yaml); default: the current folder",
    )
    common.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in COMMANDS:
        add(commands, common)
    return parser


def read_project(args: argparse.Namespace) -> Config:
    """Return the validated configuration of the --project folder (ContentError when it is bad)."""
    from generator.config import read_config

    return read_config(args.project.resolve())


class _VersionAction(argparse.Action):
    """`--version`, looked up only when asked for (importlib.metadata costs every command 40 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"helpgen {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("helpgen")
    except PackageNotFoundError:
        return "unknown"


def print_report(report: Report) -> None:
    """Print every diagnostic, compiler-style, to standard error."""
    for diagnostic in report:
        print(diagnostic.format(), file=sys.stderr)


def finish_update(result: Any, what: str) -> int:
    """Print what an extract or update did and return its exit code."""
    print_report(result.report)
    for path in result.written:
        print(f"wrote {path}")
    print(
        f"helpgen: {len(result.written)} {what} written, {len(result.unchanged)} unchanged; {result.report.summary()}",
        file=sys.stderr,
    )
    return EXIT_CONTENT if result.report.failed() else EXIT_OK


def _part(text: str) -> tuple[int, int]:
    """Parse `K/N` for --shard."""
    try:
        index, count = (int(number) for number in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N such as 2/4, not {text!r}") from None
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"K must be from 1 to N in K/N, not {text!r}")
    return index, count


def add_build(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen build`."""
    parser = commands.add_parser(
        "build",
        parents=[common],
        help="build the static site",
        description="Build every page of every locale. The first build (or one with --no-cache) writes a new "
        "site beside the old one and swaps it in at once; later builds rewrite only the pages that changed, "
        "each atomically. A page with errors is reported with file:line and keeps its previous version; the "
        "other pages are built.",
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder; default: site/ in the project")
    parser.add_argument(
        "--locale",
        action="append",
        default=[],
        metavar="L",
        help="build only this locale (and the source locale); repeatable",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="write pages resolved for one named org state (no script, one branch per block)",
    )
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too, as CI should")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        default=0,
        help="build with N processes (default: the number of cores); the site is the same for every N",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        type=_part,
        help="build only the K-th of N parts of the pages (each CI machine one part); then helpgen merge",
    )
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="leave out the search index (quicker while writing; overrides 'search: true' in helpgen.yaml)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither use nor fill the build cache (.helpgen-cache/ in the project; safe to delete): build "
        "every page and swap the new site in at once",
    )
    parser.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    """Run `helpgen build`."""
    from generator.build.build import BuildOptions, build_site
    from generator.build.workers import default_jobs

    started = time.perf_counter()
    # A build keeps many objects alive and makes few cycles: collect young objects less often
    # (on the corpus, 2,000 collections took a second of a 16 s build; 25 take 0.14 s, same memory).
    gc.set_threshold(50_000, 50, 50)
    config = read_project(args)
    out_dir = args.out or config.project_dir / "site"
    options = BuildOptions(
        out_dir=out_dir,
        locales=tuple(args.locale),
        profile=args.profile,
        jobs=args.jobs or default_jobs(),
        cache=not args.no_cache,
        background_cleanup=True,
        part=args.shard,
        search=False if args.no_search else None,
    )
    progress = Progress()
    try:
        result = build_site(config, options, progress)
    finally:
        progress.clear()
    print_report(result.report)
    seconds = time.perf_counter() - started
    kept = f" ({len(result.kept)} kept from the previous build)" if result.kept else ""
    where = f"site in {out_dir}" if result.written else f"site in {out_dir} is up to date"
    print(
        f"helpgen: {len(result.pages)} article pages ({len(result.rebuilt)} built, {len(result.reused)} reused), "
        f"{len(result.failed)} failed{kept}; {result.report.summary()}; {seconds:.2f} s; {where}",
        file=sys.stderr,
    )
    return EXIT_CONTENT if result.failed or result.report.failed(args.strict) else EXIT_OK


def add_serve(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen serve`."""
    parser = commands.add_parser(
        "serve",
        parents=[common],
        help="preview every locale and org state live in a browser while you write",
        description="Build the site with the preview tools and serve it, rebuilding the pages a change affects "
        "whenever a file in content/, locales/, templates/ or helpgen.yaml changes; open pages reload by "
        "themselves. A panel on every page switches the locale and the organization state (fields from the "
        "schema, presets from the profiles), and shows every variant with its condition, the source text "
        "under each segment, and each segment's translation status with its catalog entry (file:line). A "
        "build error is shown over the page with file:line while the last good pages stay served. The "
        "preview is built into .helpgen-cache/preview/ and is never part of a site that helpgen build writes.",
    )
    parser.add_argument("--port", type=int, default=8000, metavar="N", help="port (default: 8000; 0: any free port)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every network)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (the Host header); repeatable. Requests for any "
        "other name are refused, which stops DNS rebinding",
    )
    parser.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Run `helpgen serve` until interrupted."""
    from generator.preview.serve import serve

    try:
        serve(args.project, args.host, args.port, args.allow_host)
    except KeyboardInterrupt:  # Ctrl-C is how a preview ends
        print("helpgen: preview stopped", file=sys.stderr)
    except OSError as exc:  # the address: in use, or not this machine's
        print(f"helpgen: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        print("helpgen: choose another port with --port N (0: any free port)", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def add_check(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen check`."""
    parser = commands.add_parser(
        "check",
        parents=[common],
        help="check every translation for what machine translation and hurried edits break",
        description="Run the QA checks over every translated catalog entry: placeholders, markup that no longer "
        "renders, links and images, code spans, raw HTML, quotation marks torn across markup, leaked MT "
        "placeholders, invisible characters, the glossary (errors); numbers, untranslated text, final "
        "punctuation and length outliers (warnings). Lines are file:line of the catalog entry. Exit 1 on an "
        "error. Severities per locale in helpgen.yaml (qa:); silence one check on one entry with the PO flag "
        "or translator comment ignore-<check>.",
    )
    parser.add_argument("--locale", action="append", default=[], metavar="L", help="only this locale; repeatable")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Run `helpgen check`."""
    from generator.config import check_locales
    from generator.reports.check import check_project, format_check

    config = read_project(args)
    check_locales(config, args.locale)
    result = check_project(config, tuple(args.locale))
    sys.stdout.write(format_check(result, args.format))
    return EXIT_CONTENT if result.report.errors else EXIT_OK


def add_variants(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen variants`."""
    parser = commands.add_parser(
        "variants",
        parents=[common],
        help="list the distinct variants of an article and the org states that see them",
        description="Find every distinct variant of an article: the branches each group of org states sees, "
        "an org state that sees it, and each condition's truth. Also org states that several top-level "
        "branches claim (only the first shows), blocks that show nothing for some org state, branches no "
        "org state reaches, and what happens at and around every number a condition compares with. The "
        "org states tried are the boundary values of the comparisons and every boolean and choice.",
    )
    parser.add_argument("article", help="the article: its path below content/ (billing/cancel.md) or its slug")
    parser.add_argument(
        "--locale",
        metavar="L",
        help="also show each variant's text as a reader in this locale sees it (and which variants read the same)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(run=run_variants)


def run_variants(args: argparse.Namespace) -> int:
    """Run `helpgen variants`."""
    from generator.config import check_locales
    from generator.content.articles import read_article
    from generator.report import error
    from generator.reports.variants import analyze, format_report, render_variants

    config = read_project(args)
    check_locales(config, [args.locale] if args.locale else [])
    path = args.article.removeprefix("content/")
    path = path if path.endswith(".md") else path + ".md"
    if not (config.content_dir / path).is_file():
        raise ContentError([error(args.article, 0, "unknown-article", f"no article content/{path}")])
    try:
        report = analyze(read_article(config, path), config)
        if args.locale:
            render_variants(report, config, path, args.locale)
    except ContentError as exc:
        print_report(Report(list(exc.diagnostics)))
        return EXIT_CONTENT
    sys.stdout.write(format_report(report, args.format))
    return EXIT_OK


def add_links(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen links`."""
    parser = commands.add_parser(
        "links",
        parents=[common],
        help="list every external link and every internal link problem",
        description="List every external link of the site with the articles and lines that use it, and every "
        "link to an article, anchor or file that does not exist (file:line). Nothing is fetched.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(run=run_links)


def run_links(args: argparse.Namespace) -> int:
    """Run `helpgen links`."""
    from generator.content.links import collect_links, format_links

    links = collect_links(read_project(args))
    sys.stdout.write(format_links(links, args.format))
    return EXIT_CONTENT if links.report.failed() else EXIT_OK


def add_merge(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen merge`."""
    parser = commands.add_parser(
        "merge",
        help="put together the parts built with helpgen build --shard K/N",
        description="Put the N parts of one site (folders written by helpgen build --shard K/N, from the same inputs) "
        "together into one site, exactly the bytes a single build gives, swapped in at once.",
    )
    parser.add_argument("parts", nargs="+", type=Path, metavar="PART_DIR", help="the folders of all N parts")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder of the whole site")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    parser.set_defaults(run=run_merge)


def run_merge(args: argparse.Namespace) -> int:
    """Run `helpgen merge`."""
    from generator.build.parts import merge_parts
    from generator.build.writer import check_output_dir

    check_output_dir(args.out, Path.cwd() / ".helpgen-merge-has-no-project")
    count = merge_parts(args.out, [part.resolve() for part in args.parts], background=True)
    print(f"helpgen: merged {len(args.parts)} parts, {count} files, into {args.out}", file=sys.stderr)
    return EXIT_OK


def add_extract(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen extract`."""
    parser = commands.add_parser(
        "extract",
        parents=[common],
        help="write the translation templates (POT) into locales/",
        description="Write one gettext template per article (locales/<article>.pot) and one for the theme's UI "
        "strings (locales/_theme.pot). Each entry has its location and a comment with the kind of "
        "text and the value of every placeholder. Files whose content is unchanged are not touched.",
    )
    parser.set_defaults(run=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    """Run `helpgen extract`."""
    from generator.l10n.update import extract_templates

    result = extract_templates(read_project(args))
    return finish_update(result, "templates")


def add_update(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen update`."""
    parser = commands.add_parser(
        "update",
        parents=[common],
        help="create or update the catalogs of every locale",
        description="Bring locales/<locale>/*.po up to date with the articles, as msgmerge does: new segments are "
        "added untranslated (or pre-filled from the locale's other catalogs, flagged fuzzy with the comment "
        "# origin: memory), a changed segment keeps its translation as fuzzy with the previous "
        "msgid, a removed segment's translation becomes obsolete (#~). No translation is ever dropped; "
        "running it twice changes nothing.",
    )
    parser.add_argument(
        "--locale",
        action="append",
        default=[],
        metavar="L",
        help="update only this locale; repeatable (default: every translated locale)",
    )
    parser.set_defaults(run=run_update)


def run_update(args: argparse.Namespace) -> int:
    """Run `helpgen update`."""
    from generator.config import check_locales
    from generator.l10n.update import update_catalogs

    config = read_project(args)
    check_locales(config, args.locale, translated=True)
    return finish_update(update_catalogs(config, tuple(args.locale)), "catalogs")


def add_stats(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen stats`."""
    parser = commands.add_parser(
        "stats",
        parents=[common],
        help="show translation progress per locale and article",
        description="Count segments and source words translated, fuzzy, untranslated and machine-translated, per "
        "locale and per article, with each article's completeness and whether the locale's policy "
        "publishes it. The HTML form is a sortable status page whose links lead to the catalogs "
        "(relative to the project folder).",
    )
    parser.add_argument("--locale", action="append", default=[], metavar="L", help="only this locale; repeatable")
    parser.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format")
    parser.set_defaults(run=run_stats)


def run_stats(args: argparse.Namespace) -> int:
    """Run `helpgen stats`."""
    from generator.config import check_locales
    from generator.reports.stats import collect_stats, format_html, format_json, format_text

    config = read_project(args)
    check_locales(config, args.locale)
    stats, report = collect_stats(config, tuple(args.locale))
    formatter = {"text": format_text, "json": format_json, "html": format_html}[args.format]
    sys.stdout.write(formatter(stats))
    print_report(report)
    return EXIT_CONTENT if report.failed() else EXIT_OK


def add_import_sxs(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen import-sxs`."""
    parser = commands.add_parser(
        "import-sxs",
        parents=[common],
        help="import bilingual sxs articles (source articles and one locale's catalogs)",
        description="Import every bilingual Microsoft 'sxs' article below SRC_DIR: the English half of every segment "
        "becomes a source article in content/ (unless it exists), the translated half a catalog in "
        "locales/<L>/ whose entries name their sxs ids and origin (MT: machine). Localization fields move to "
        "the catalog header; media are copied; includes/ become content/_snippets/; TOC and build files are "
        "kept under content/_sxs/. A --project folder that does not exist becomes a new project. Problems "
        "are reported as file:line and the rest is imported.",
    )
    parser.add_argument("source", type=Path, metavar="SRC_DIR", help="folder of bilingual articles (one locale)")
    parser.add_argument("--locale", required=True, metavar="L", help="the locale of the translations, e.g. zh-CN")
    parser.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Run `helpgen import-sxs`."""
    from generator.locales import check_locale_tag
    from generator.report import error
    from generator.sxs.migrate import import_sxs

    if not args.source.is_dir():
        raise ContentError([error(str(args.source), 0, "import-source", "not a folder of sxs articles")])
    problem = check_locale_tag(args.locale)
    if problem:
        raise ContentError([error("--locale", 0, "import-locale", *problem)])
    progress = Progress()
    try:
        result = import_sxs(args.source.resolve(), args.locale, args.project.resolve(), progress)
    finally:
        progress.clear()
    print_report(result.report)
    print(
        f"helpgen: imported {result.files} files, {result.spans} segments; {len(result.written)} files written; "
        f"{result.report.summary()}; {result.seconds:.1f} s",
        file=sys.stderr,
    )
    return EXIT_CONTENT if result.report.errors else EXIT_OK


def add_init(commands: Commands, common: argparse.ArgumentParser) -> None:
    """Add `helpgen init`."""
    parser = commands.add_parser(
        "init",
        help="create a new help-site project with the default theme",
        description="Create DIR with helpgen.yaml, content/, locales/ and templates/ holding a copy of the default "
        "theme to change.",
    )
    parser.add_argument("directory", type=Path, metavar="DIR", help="folder of the new project")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    parser.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    """Run `helpgen init`."""
    from generator.sxs.migrate import init_project

    created = init_project(args.directory.resolve())
    print(
        f"helpgen: created {args.directory} ({len(created)} files); next: write content/*.md, then helpgen build "
        f"--project {args.directory}",
        file=sys.stderr,
    )
    return EXIT_OK


#: Every subcommand, in the order `helpgen --help` lists them; each `add_<name>` stands beside its `run_<name>`.
COMMANDS: tuple[Callable[[Commands, argparse.ArgumentParser], None], ...] = (
    add_build,
    add_serve,
    add_check,
    add_variants,
    add_links,
    add_merge,
    add_extract,
    add_update,
    add_stats,
    add_import_sxs,
    add_init,
)
