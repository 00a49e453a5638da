"""The build: project in, static localized site out. `build_site` is the table of contents."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build.cache import CACHE_DIR, Cache, code_fingerprint, files_fingerprint, fingerprint
from generator.build.incremental import (
    Manifest,
    carry_unchanged,
    files_key,
    read_manifest,
    remove_stale_pages,
    write_manifest,
)
from generator.build.parts import write_part_marker
from generator.build.progress import Progress
from generator.build.shard import KNOWN, Gathered, Rendered
from generator.build.site import UNKNOWN_ANCHORS, Modes, Site, Summary, page_path, site_page_paths, theme_fingerprint
from generator.build.workers import Workers, default_jobs
from generator.build.writer import (
    MARKER,
    begin_site,
    check_output_dir,
    claim_outputs,
    discard_site,
    finish_site,
    read_previous,
    remove_leftovers,
    update_files,
    write_page,
)
from generator.config import CONFIG_NAME, Config, check_locales
from generator.content.paths import iter_files
from generator.content.sources import article_paths
from generator.content.toc import TOC_NAMES, TocEntry, load_toc, sections_of, toc_slugs
from generator.l10n.catalogs import read_theme_catalog
from generator.locales import LocaleInfo, locale_info
from generator.model import Catalog, Page
from generator.report import ContentError, Report, error, warning

if TYPE_CHECKING:  # templates are imported where pages are made: a build that changes nothing makes none
    from generator.build.pages import Theme


@dataclass(frozen=True)
class BuildOptions:
    """What to build: which locales, for which org state, into which folder, with how many processes."""

    out_dir: Path
    locales: tuple[str, ...] = ()
    profile: str | None = None
    jobs: int = field(default_factory=default_jobs)
    cache: bool = True
    #: Delete the replaced site in a detached process (the command line does; tests wait for it).
    background_cleanup: bool = False
    #: (K, N): build only the K-th of N parts of the pages, for `helpgen merge` to put together.
    part: tuple[int, int] | None = None
    #: Update a site that this cache built by writing only its changed pages into it (each page
    #: replaced atomically, but not the site as a whole) and deleting the pages no longer built.
    #: Without it, or without a cache that knows the site, the site is assembled beside the old
    #: one and swapped in at once.
    in_place: bool = True
    #: Write the search index: None for what helpgen.yaml says (`search:`), False for `--no-search`.
    search: bool | None = None
    #: Build for `helpgen serve`: pages carry each segment's translation status for the preview tools.
    preview: bool = False


@dataclass
class BuildResult:
    """What a build did."""

    report: Report = field(default_factory=Report)
    pages: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    #: The pages that are not articles, carried over from the previous site unchanged.
    carried: list[str] = field(default_factory=list)
    written: bool = False


@dataclass(frozen=True)
class Plan:
    """One build's settings, as checked before anything is read: what to build, where, from which previous build."""

    config: Config
    options: BuildOptions
    locales: list[LocaleInfo]
    org: Mapping[str, Any] | None
    cache: Cache
    previous: Manifest
    paths: list[str]
    #: Write only the changed pages into the site (else a new site is assembled in `staging` and swapped in).
    in_place: bool
    staging: Path
    config_key: str
    modes: Modes
    #: The article paths of this part (`--shard K/N`), or None for all.
    share: frozenset[str] | None

    @property
    def first_part(self) -> bool:
        """Return whether this build writes the pages that are not articles (every build but parts 2..N)."""
        return self.options.part is None or self.options.part[0] == 1


def build_site(config: Config, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the site: read and localize every article, render the pages that changed, write, index."""
    progress = progress or Progress(enabled=False)
    result = BuildResult()
    plan = plan_build(config, options, result.report)
    try:
        with start_workers(plan) as workers:
            progress.update(
                f"reading {len(plan.paths)} articles in {len(plan.locales)} locales ({workers.jobs} processes)"
            )
            gathered = gather_articles(plan, workers)
            site, files = describe_site(plan, gathered, result.report)
            progress.update(f"rendering pages ({workers.jobs} processes)")
            if plan.in_place:  # until the new manifest is written, the old one no longer describes the site
                plan.cache.begin_update()
            rendered = workers.render(site, plan.org, plan.staging, plan.previous.pages, plan.share)
        progress.update("writing the site")
        record_pages(result, gathered, rendered)
        manifest = write_other_pages(plan, site, gathered, rendered, files, result)
        keep_failed_pages(plan, result)
        if manifest == plan.previous and not result.failed and (options.out_dir / MARKER).is_file():
            leave_unchanged(plan)
            return result
        publish_site(plan, manifest, rendered, files, result)
    except BaseException:
        if not plan.in_place:
            discard_site(plan.staging)
        raise
    return result


def start_workers(plan: Plan) -> Workers:
    """Start the worker processes of the build (none for one job)."""
    options = plan.options
    return Workers(
        plan.config,
        plan.locales,
        options.jobs,
        len(plan.paths),
        plan.cache,
        plan.config_key,
        options.out_dir,
        plan.modes,
    )


def plan_build(config: Config, options: BuildOptions, report: Report) -> Plan:
    """Check the build's settings and output folder; return its plan (ContentError: nothing may be written)."""
    check_output_dir(options.out_dir, config.project_dir)
    locales = select_locales(config, options.locales)
    org = resolve_profile(config, options.profile)
    modes = Modes(config.search if options.search is None else options.search, options.preview)
    if not modes.preview:  # the preview is served from its own address
        check_site_url(config, report)
    cache = Cache(cache_dir(config, modes) if options.cache else None)
    previous = read_manifest(cache, options.out_dir)
    paths = article_paths(config)
    remove_leftovers(options.out_dir)
    known = bool(previous.out) and (options.out_dir / MARKER).is_file()
    in_place = options.in_place and options.part is None and known
    staging = options.out_dir.resolve() if in_place else begin_site(options.out_dir)
    config_key = fingerprint(files_fingerprint([config.project_dir / CONFIG_NAME]), modes.search, modes.preview)
    share = part_of(paths, options.part)
    return Plan(config, options, locales, org, cache, previous, paths, in_place, staging, config_key, modes, share)


def gather_articles(plan: Plan, workers: Workers) -> list[Gathered]:
    """Read and localize every article (the cache spares those whose inputs did not change)."""
    gathered = workers.gather(plan.paths)
    if any(part.changed for part in gathered) or not plan.previous.out:
        plan.cache.store("state", KNOWN, {path: entry for part in gathered for path, entry in part.known.items()})
    return gathered


def describe_site(plan: Plan, gathered: list[Gathered], report: Report) -> tuple[Site, list[tuple[str, Path]]]:
    """Return what every page knows of the whole site, and the media files to copy into it."""
    config = plan.config
    files = claimed_files(config, plan.locales, plan.paths, report)
    # every article file counts: one that fails to build is reported once, not again by the TOC
    toc, problems = load_toc(config, {path[: -len(".md")] for path in plan.paths})
    report.extend(problems)
    site = make_site(config, plan.locales, summaries_of(gathered), files, toc, plan.paths, plan.modes)
    return site, files


def record_pages(result: BuildResult, gathered: list[Gathered], rendered: list[Rendered]) -> None:
    """Note what the shards found and did."""
    for diagnostics in [part.diagnostics for part in gathered] + [part.diagnostics for part in rendered]:
        result.report.extend(diagnostics)
    result.pages = sorted(path for part in rendered for path in part.keys)
    result.rebuilt = sorted(path for part in rendered for path in part.rebuilt)
    result.reused = sorted(path for part in rendered for path in part.unchanged)


def write_other_pages(
    plan: Plan,
    site: Site,
    gathered: list[Gathered],
    rendered: list[Rendered],
    files: list[tuple[str, Path]],
    result: BuildResult,
) -> Manifest:
    """Write the pages that are not articles (unless nothing they show changed); return the build's manifest."""
    pages = {key: value for part in rendered for key, value in part.keys.items()}
    files = files if plan.first_part else []
    site_key, site_pages = "", tuple[str, ...]()
    if plan.first_part:  # the pages that are not articles, and the copied files, come with the first part
        site_key, site_pages = write_site_pages(plan, site, summaries_of(gathered), result)
    if plan.options.part is not None:
        write_part_marker(plan.staging, *plan.options.part, part_inputs(plan, gathered), plan.modes.search)
    return Manifest(
        out=str(plan.options.out_dir.resolve()),
        config=plan.config_key,
        pages=pages,
        site=site_key,
        site_pages=site_pages,
        files=files_key(files),
        file_paths=tuple(sorted(path for path, _ in files)),
        # dropped in publish_site if indexing fails, so that the next build tries again
        searched=plan.modes.search and plan.options.part is None,
    )


def part_inputs(plan: Plan, gathered: list[Gathered]) -> str:
    """Return the key of the inputs of a part (`--shard K/N`): `helpgen merge` refuses parts of different inputs."""
    known = sorted((path, entry[0]) for part in gathered for path, entry in part.known.items())
    return fingerprint(plan.config_key, known, [locale.tag for locale in plan.locales], plan.options.profile)


def write_site_pages(
    plan: Plan, site: Site, summaries: list[Summary], result: BuildResult
) -> tuple[str, tuple[str, ...]]:
    """Write the pages that are not articles unless nothing they show changed; return their key and paths."""
    config, locales = plan.config, plan.locales
    catalogs = {locale.tag: read_theme_catalog_reported(config, locale, result.report) for locale in locales}
    key = fingerprint(
        code_fingerprint(),
        plan.config_key,
        [(s.path, s.order, s.title, sorted(s.localized.items())) for s in summaries],
        sorted((locale.tag, theme_fingerprint(config, locale, catalogs[locale.tag])) for locale in locales),
        sorted(site.assets),
        sorted(site.unpublished),
        site.toc,
    )
    earlier = plan.previous.site_pages
    if plan.previous.site == key and all((plan.options.out_dir / path).is_file() for path in earlier):
        result.carried.extend(earlier)
        return key, earlier
    from generator.build.pages import Theme  # only now: a build that changes nothing needs no templates

    themes = {locale.tag: Theme(config, locale, catalogs[locale.tag], plan.modes.search) for locale in locales}
    pages = site_pages(site, themes, summaries)
    for page in pages:
        write_page(plan.staging, page)
    return key, tuple(sorted(page.path for page in pages))


def leave_unchanged(plan: Plan) -> None:
    """End a build that changed nothing: the site on disk is already this build's."""
    if plan.in_place:
        plan.cache.end_update()  # nothing was written
    else:
        discard_site(plan.staging)


def publish_site(
    plan: Plan, manifest: Manifest, rendered: list[Rendered], files: list[tuple[str, Path]], result: BuildResult
) -> None:
    """Finish the site: drop stale pages (or carry unchanged ones), index it, copy media, remember the manifest."""
    out_dir = plan.options.out_dir
    if plan.in_place:
        remove_stale_pages(plan.staging, plan.previous, manifest, result.failed)
    else:
        carry_unchanged(out_dir, plan.staging, [path for part in rendered for path in part.unchanged] + result.carried)
    if manifest.searched:
        from generator.build.search import index_site

        problems = index_site(plan.staging, in_place=plan.in_place)
        if problems:
            manifest = dataclasses.replace(manifest, searched=False)
        result.report.extend(problems)
    elif plan.in_place:
        from generator.build.search import remove_index

        remove_index(plan.staging)
    files = files if plan.first_part else []
    if plan.in_place:
        update_files(plan.staging, files)
    else:
        finish_site(plan.staging, out_dir, files, plan.options.background_cleanup)
    result.written = True
    # Also after failures: the pages on disk are this build's (a failed page has no key, so
    # the next build makes it again). Keeping the last good build's keys instead let a page
    # changed back to what it was then pass for unchanged while the site had the newer one.
    write_manifest(plan.cache, manifest)


def cache_dir(config: Config, modes: Modes) -> Path:
    """Return the project's cache folder (the preview keeps its own, so that it never spoils the site's)."""
    return config.project_dir / CACHE_DIR / "preview" if modes.preview else config.project_dir / CACHE_DIR


def part_of(paths: list[str], part: tuple[int, int] | None) -> frozenset[str] | None:
    """Return the article paths of the K-th of N parts (every N-th path, from the K-th), or None for all."""
    if part is None:
        return None
    index, count = part
    return frozenset(paths[index - 1 :: count])


def check_site_url(config: Config, report: Report) -> None:
    """Warn when the site's URL is unknown: sitemap and hreflang links need it."""
    if not config.site_url:
        report.add(
            warning(
                config.config_path,
                0,
                "site-url",
                "site_url is not set; sitemap.xml and hreflang "
                "links use site-relative URLs, which search engines ignore",
            )
        )


def summaries_of(gathered: list[Gathered]) -> list[Summary]:
    """Return every shard's article summaries in path order (shards interleave the paths)."""
    return sorted((summary for part in gathered for summary in part.summaries), key=lambda s: s.path)


def select_locales(config: Config, wanted: tuple[str, ...]) -> list[LocaleInfo]:
    """Return the locales to build: all of the config's, or those asked for."""
    check_locales(config, wanted)
    tags = [tag for tag in config.all_locales if not wanted or tag in wanted or tag == config.source_locale]
    return [locale_info(tag, config.source_locale) for tag in tags]


def resolve_profile(config: Config, profile: str | None) -> Mapping[str, Any] | None:
    """Return the org state of a named profile, or None for pages that carry every branch."""
    if profile is None:
        return None
    if profile not in config.profiles:
        raise ContentError(
            [
                error(
                    config.config_path,
                    0,
                    "unknown-profile",
                    f"no profile called {profile!r}",
                    f"profiles: {', '.join(config.profiles) or 'none'}",
                )
            ]
        )
    return config.profiles[profile]


def read_theme_catalog_reported(config: Config, locale: LocaleInfo, report: Report) -> Catalog | None:
    """Return the theme's UI strings in `locale`; a broken catalog is reported and ignored."""
    catalog, problems = read_theme_catalog(config, locale)
    report.extend(problems)
    return catalog


def make_site(
    config: Config,
    locales: list[LocaleInfo],
    summaries: list[Summary],
    files: list[tuple[str, Path]],
    toc: tuple[TocEntry, ...] | None,
    paths: list[str],
    modes: Modes,
) -> Site:
    """Return the site-wide facts: locales, articles in order (the TOC's, then front matter's), titles, files.

    `paths` are all article files; one without a summary failed, and links to it are taken as they are.
    """
    by_front_matter = sorted(summaries, key=lambda a: (a.order is None, a.order or 0, a.title.casefold(), a.slug))
    listed = {slug: index for index, slug in enumerate(toc_slugs(toc or ()))}
    ordered = sorted(by_front_matter, key=lambda a: listed.get(a.slug, len(listed)))
    titles = {(tag, s.slug): values[0] for s in summaries for tag, values in s.localized.items()}
    unpublished = frozenset((tag, s.slug) for s in summaries for tag, values in s.localized.items() if not values[2])
    segments = {locale.url_segment: locale.tag for locale in locales}
    assets = frozenset(path for path, source in files if config.content_dir in source.parents)
    localized_assets = frozenset(
        (segments[path.split("/", 1)[0]], path.split("/", 1)[1])
        for path, source in files
        if config.locales_dir in source.parents
    )
    return Site(
        config,
        tuple(locales),
        tuple(s.slug for s in ordered),
        titles,
        {path[: -len(".md")]: UNKNOWN_ANCHORS for path in paths or ()} | {s.slug: s.anchors for s in summaries},
        unpublished,
        assets,
        localized_assets,
        toc,
        sections_of(toc or ()),
        modes,
    )


def site_pages(site: Site, themes: Mapping[str, Theme], summaries: list[Summary]) -> list[Page]:
    """Return the pages that are not articles: indexes, root, sitemap, and the theme's files."""
    from generator.build.pages import (
        render_locale_index,
        render_not_found,
        render_root_page,
        render_sitemap,
        static_pages,
    )

    pages = []
    for locale in site.locales:
        descriptions = {s.slug: s.localized[locale.tag][1] for s in summaries if locale.tag in s.localized}
        pages.append(render_locale_index(site, locale, themes[locale.tag], descriptions))
        pages.append(render_not_found(site, locale, themes[locale.tag], f"{locale.url_segment}/404.html"))
    pages.append(render_not_found(site, site.source, themes[site.source.tag], "404.html"))
    pages.append(render_root_page(site, themes[site.source.tag]))
    pages.append(render_sitemap(site))
    pages.extend(static_pages(site.config))
    return pages


def keep_failed_pages(plan: Plan, result: BuildResult) -> None:
    """Keep serving the previous version of every article page whose new build failed.

    In a build in place, the previous version is where it was; otherwise it is copied into the new site.
    """
    built = set(result.pages)
    paths = [path for path in plan.paths if plan.share is None or path in plan.share]
    expected = {page_path(locale, path[: -len(".md")]) for path in paths for locale in plan.locales}
    for path in sorted(expected - built):
        previous = read_previous(plan.options.out_dir, path)
        if previous is not None:
            if not plan.in_place:
                write_page(plan.staging, Page(path, previous, "previous build"))
            result.kept.append(path)
        result.failed.append(path)


def claimed_files(
    config: Config, locales: list[LocaleInfo], paths: list[str], report: Report
) -> list[tuple[str, Path]]:
    """Return the media to copy into the site; one that would overwrite a page or another file is an error.

    Output paths that differ only by letter case are a warning.
    """
    generated = [(page_path(locale, path[: -len(".md")]), f"content/{path}") for path in paths for locale in locales]
    generated += [(path, "helpgen's own pages") for path in site_page_paths(locales)]
    files, problems = claim_outputs(
        generated, content_files(config) + locale_files(config, locales), config.project_dir
    )
    report.extend(problems)
    return files


def locale_files(config: Config, locales: list[LocaleInfo]) -> list[tuple[str, Path]]:
    """Return the localized media of each locale (`locales/<L>/media/x.png` -> `<l>/media/x.png`)."""
    return [
        (f"{locale.url_segment}/{path}", config.locales_dir / locale.tag / path)
        for locale in locales
        for path in iter_files(config.locales_dir / locale.tag)
        if not path.endswith((".po", ".pot")) and not path.startswith("_")
    ]


def content_files(config: Config) -> list[tuple[str, Path]]:
    """Return the non-article files of content/ (images, media) to copy into the site."""
    return [
        (path, config.content_dir / path)
        for path in iter_files(config.content_dir)
        if not path.endswith(".md") and not path.startswith("_") and path not in TOC_NAMES
    ]
