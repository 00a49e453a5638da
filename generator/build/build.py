"""The build: project in, static localized site out. This function is the table of contents."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build.cache import CACHE_DIR, Cache, code_fingerprint, files_fingerprint, fingerprint
from generator.build.parts import write_part_marker
from generator.build.progress import Progress
from generator.build.shard import KNOWN, Gathered, Rendered
from generator.build.site import UNKNOWN_ANCHORS, Site, Summary, page_path, site_page_paths, theme_fingerprint
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


@dataclass
class BuildResult:
    """What a build did."""

    report: Report = field(default_factory=Report)
    pages: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    written: bool = False


def build_site(config: Config, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build every page into a staging folder, then swap it in place of the old site at once."""
    progress = progress or Progress(enabled=False)
    result = BuildResult()
    check_output_dir(options.out_dir, config.project_dir)
    locales = select_locales(config, options.locales)
    org = resolve_profile(config, options.profile)
    if not config.preview:  # the preview is served from its own address
        check_site_url(config, result.report)
    cache = Cache(cache_dir(config) if options.cache else None)
    previous = previous_manifest(cache, options.out_dir)
    paths = article_paths(config)
    remove_leftovers(options.out_dir)
    in_place = options.in_place and options.part is None and bool(previous) and (options.out_dir / MARKER).is_file()
    staging = options.out_dir.resolve() if in_place else begin_site(options.out_dir)
    try:
        config_key = fingerprint(files_fingerprint([config.project_dir / CONFIG_NAME]), config.search, config.preview)
        with Workers(config, locales, options.jobs, len(paths), cache, config_key, options.out_dir) as workers:
            progress.update(f"reading {len(paths)} articles in {len(locales)} locales ({workers.jobs} processes)")
            gathered = workers.gather(paths)
            if any(part.changed for part in gathered) or not previous:
                cache.store("state", KNOWN, {path: entry for part in gathered for path, entry in part.known.items()})
            files = claimed_files(config, locales, paths, result.report)
            summaries = summaries_of(gathered)
            # every article file counts: one that fails to build is reported once, not again by the TOC
            toc, problems = load_toc(config, {path[: -len(".md")] for path in paths})
            result.report.extend(problems)
            site = make_site(config, locales, summaries, files, toc, paths)
            share = part_of(paths, options.part)
            progress.update(f"rendering pages ({workers.jobs} processes)")
            if in_place:  # until the new manifest is written, the old one no longer describes the site
                cache.begin_update()
            rendered = workers.render(site, org, staging, previous, share)
        progress.update("writing the site")
        record(result, gathered, rendered)
        manifest = {key: value for part in rendered for key, value in part.keys.items()}
        manifest["__config__"] = config_key
        first = options.part is None or options.part[0] == 1
        carried: list[str] = []
        if first:  # the pages that are not articles, and the copied files, come with the first part
            carried = write_site_pages(
                config,
                site,
                locales,
                summaries_of(gathered),
                staging,
                manifest,
                previous,
                options.out_dir,
                result.report,
            )
        keep_failed_pages(paths, locales, options, result, None if in_place else staging, share)
        files = files if first else []
        if options.part is not None:
            inputs = fingerprint(
                config_key,
                sorted((p, e[0]) for g in gathered for p, e in g.known.items()),
                [loc.tag for loc in locales],
                options.profile,
            )
            write_part_marker(staging, *options.part, inputs, config.search)
        manifest |= {"__files__": fingerprint([(p, f.stat().st_size, f.stat().st_mtime_ns) for p, f in files])}
        manifest["__file_paths__"] = json.dumps(sorted(path for path, _ in files))
        manifest["__out__"] = str(options.out_dir.resolve())
        if config.search and options.part is None:
            manifest["__search__"] = "indexed"  # dropped below if indexing fails, so that the next build tries again
        if manifest == previous and not result.failed and (options.out_dir / MARKER).is_file():
            if in_place:
                cache.end_update()  # nothing was written
            else:
                discard_site(staging)  # nothing changed: the site on disk is already this build's
            return result
        if in_place:
            remove_stale_pages(staging, previous, manifest, result.failed)
        else:
            carry_unchanged(options.out_dir, staging, [path for part in rendered for path in part.unchanged] + carried)
        if config.search and options.part is None:
            from generator.build.search import index_site

            problems = index_site(staging, in_place=in_place)
            if problems:
                del manifest["__search__"]
            result.report.extend(problems)
        elif in_place:
            from generator.build.search import remove_index

            remove_index(staging)
        if in_place:
            update_files(staging, files)
        else:
            finish_site(staging, options.out_dir, files, options.background_cleanup)
        result.written = True
        # Also after failures: the pages on disk are this build's (a failed page has no key, so
        # the next build makes it again). Keeping the last good build's keys instead let a page
        # changed back to what it was then pass for unchanged while the site had the newer one.
        cache.write_manifest(manifest)
    except BaseException:
        if not in_place:
            discard_site(staging)
        raise
    return result


def cache_dir(config: Config) -> Path:
    """Return the project's cache folder (the preview keeps its own, so that it never spoils the site's)."""
    return config.project_dir / CACHE_DIR / "preview" if config.preview else config.project_dir / CACHE_DIR


def part_of(paths: list[str], part: tuple[int, int] | None) -> frozenset[str] | None:
    """Return the article paths of the K-th of N parts (every N-th path, from the K-th), or None for all."""
    if part is None:
        return None
    index, count = part
    return frozenset(paths[index - 1 :: count])


def record(result: BuildResult, gathered: list[Gathered], rendered: list[Rendered]) -> None:
    """Note what the shards found and did."""
    for diagnostics in [part.diagnostics for part in gathered] + [part.diagnostics for part in rendered]:
        result.report.extend(diagnostics)
    result.pages = sorted(path for part in rendered for path in part.keys)
    result.rebuilt = sorted(path for part in rendered for path in part.rebuilt)
    result.reused = sorted(path for part in rendered for path in part.unchanged)


def previous_manifest(cache: Cache, out_dir: Path) -> dict[str, str]:
    """Return the page keys of the last build, if it was written to this output folder."""
    manifest = cache.read_manifest()
    return manifest if manifest.get("__out__") == str(out_dir.resolve()) else {}


def write_site_pages(
    config: Config,
    site: Site,
    locales: list[LocaleInfo],
    summaries: list[Summary],
    staging: Path,
    manifest: dict[str, str],
    previous: Mapping[str, str],
    out_dir: Path,
    report: Report,
) -> list[str]:
    """Write the pages that are not articles (unless nothing they show changed); return those carried over."""
    catalogs = {locale.tag: read_theme_catalog_reported(config, locale, report) for locale in locales}
    key = fingerprint(
        code_fingerprint(),
        manifest["__config__"],
        [(s.path, s.order, s.title, sorted(s.localized.items())) for s in summaries],
        sorted((locale.tag, theme_fingerprint(config, locale, catalogs[locale.tag])) for locale in locales),
        sorted(site.assets),
        sorted(site.unpublished),
        site.toc,
    )
    manifest["__site__"] = key
    earlier = json.loads(previous.get("__site_pages__", "[]"))
    if previous.get("__site__") == key and all((out_dir / path).is_file() for path in earlier):
        manifest["__site_pages__"] = previous["__site_pages__"]
        return list(earlier)
    from generator.build.pages import Theme  # only now: a build that changes nothing needs no templates

    themes = {locale.tag: Theme(config, locale, catalogs[locale.tag]) for locale in locales}
    pages = site_pages(site, themes, summaries)
    for page in pages:
        write_page(staging, page)
    manifest["__site_pages__"] = json.dumps(sorted(page.path for page in pages))
    return []


def remove_stale_pages(site: Path, previous: Mapping[str, str], manifest: Mapping[str, str], failed: list[str]) -> None:
    """In a build in place, delete the pages and files of the previous build that this one no longer makes."""
    listed = ("__site_pages__", "__file_paths__")  # the pages that are not articles, and the copied files
    keep = set(manifest) | set(failed) | {path for name in listed for path in json.loads(manifest.get(name, "[]"))}
    stale = [path for path in previous if not path.startswith("__")]
    stale += [path for name in listed for path in json.loads(previous.get(name, "[]"))]
    for path in sorted(set(stale) - keep):
        (site / path).unlink(missing_ok=True)
        folder = (site / path).parent
        while folder != site:  # its folders, as far as they are now empty
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def carry_unchanged(out_dir: Path, staging: Path, paths: list[str]) -> None:
    """Put the pages that did not change into the new site: hard-linked from the old one (or copied)."""
    made: set[str] = set()
    old, new = str(out_dir.resolve()), str(staging)
    for path in sorted(paths):
        folder = os.path.dirname(path)
        if folder not in made:  # plain os calls: this loop runs for every page of a large site
            os.makedirs(os.path.join(new, folder), exist_ok=True)
            made.add(folder)
        try:
            os.link(os.path.join(old, path), os.path.join(new, path))
        except OSError:  # a file system without hard links
            shutil.copyfile(os.path.join(old, path), os.path.join(new, path))


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
    try:
        return read_theme_catalog(config, locale)
    except ContentError as exc:
        report.extend(exc.diagnostics)
        return None


def make_site(
    config: Config,
    locales: list[LocaleInfo],
    summaries: list[Summary],
    files: list[tuple[str, Path]],
    toc: tuple[TocEntry, ...] | None = None,
    paths: list[str] | None = None,
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


def keep_failed_pages(
    paths: list[str],
    locales: list[LocaleInfo],
    options: BuildOptions,
    result: BuildResult,
    staging: Path | None,
    share: frozenset[str] | None,
) -> None:
    """Keep serving the previous version of every article page (of the articles at `paths`) whose new build failed.

    Without `staging` (a build in place), the previous version is where it was.
    """
    built = set(result.pages)
    expected = {
        page_path(locale, path[: -len(".md")]) for path in paths if share is None or path in share for locale in locales
    }
    for path in sorted(expected - built):
        previous = read_previous(options.out_dir, path)
        if previous is not None:
            if staging is not None:
                write_page(staging, Page(path, previous, "previous build"))
            result.kept.append(path)
        result.failed.append(path)


def claimed_files(
    config: Config, locales: list[LocaleInfo], paths: list[str], report: Report
) -> list[tuple[str, Path]]:
    """Return the media to copy into the site; one that would overwrite a page or another file is an error."""
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
