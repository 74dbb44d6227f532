"""The Datasette metadata for an archive, and the Datasette instance ``scrape serve`` runs.

:func:`metadata` is the Datasette metadata for one archive: readable table titles, every column's
description (from :mod:`archive.columns`, where the schema is defined and documented once), facets
on site, language, year and tags, newest releases first, full-text search on ``releases`` and
``releases_unique``, and the canned queries in :data:`CANNED_QUERIES`.

:func:`make_datasette` opens an archive the way ``scrape serve`` does: read-only (``mode=ro``, so
browsing never blocks a nightly run and new releases appear without a restart) or, with
``immutable=True``, as an immutable file (fastest, for a copy that nothing writes to), with the
metadata. The plugin in :mod:`archive.serve.plugin` (release page, year facet, search syntax) is not
registered here: Datasette loads it through the ``datasette`` entry point (pyproject.toml), for
``scrape serve`` and a plain ``datasette archive.db`` alike.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from archive import columns
from archive.serve.names import (
    INTERNAL_TABLES,
    PLUGIN_MODULE,
    PLUGIN_NAME,
    STEMMED_INDEX,
)

log = logging.getLogger(__name__)


def plain(markdown: str) -> str:
    """`code` and [links](…) as plain text, for Datasette's column descriptions."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", re.sub(r"`([^`]*)`", r"\1", markdown))


def column_descriptions() -> dict[str, dict[str, str]]:
    """``{table or view: {column: description}}``, as plain text, from :mod:`archive.columns`."""
    return {table: {column.name: plain(column.description) for column in defined}
            for table, defined in {**columns.TABLES, **columns.VIEW_COLUMNS}.items()}


RELEASE_FACETS = ["site", "lang", {"year": "published_date"}, {"array": "tags"}, "needs_review", "status"]
SEARCH_HELP = (
    "Search in every language and every word form (миграция also finds миграции, көші-қон finds көші-қонның); "
    "\"quotes\" for words in that order, мигра* for a prefix, OR and NOT in capitals. Click a title to read the release."
)

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "term_per_year": {
        "title": "Releases mentioning a term, per year and language",
        "description": "How many releases (cross-posts excluded) mention the term each year, per language. "
                       "The term uses the search box syntax (every word form; мигрант* for a prefix, several words "
                       "for all of them).",
        "sql": """select substr(r.published_date, 1, 4) as year, r.lang, count(*) as releases
from releases_stemmed_fts join releases r on r.id = releases_stemmed_fts.rowid
where :term != '' and releases_stemmed_fts match escape_fts(:term) and r.duplicate_of is null
group by year, r.lang
order by year desc, r.lang""",
    },
    "translations_of_release": {
        "title": "The translations of a release",
        "description": "Every language version of the release with this id (the release itself marked).",
        "sql": """select t.id, t.lang, t.published_date, t.title, t.url, t.id = r.id as this_release
from releases r join releases t on t.translation_group = r.translation_group
where r.id = :id
order by this_release desc, t.lang""",
    },
    "versions_of_release": {
        "title": "A release's versions",
        "description": "Every distinct text the release with this id has had, oldest first.",
        "sql": """select v.version, v.seen_at, v.changed, v.cause, v.published_date, v.release_id, v.title,
       length(v.body) as characters, v.content_hash, v.body
from release_versions v
where v.release_id = :id
order by v.version""",
    },
    "search_across_languages": {
        "title": "One result per release, across languages",
        "description": "Releases matching the words (search box syntax), one row per release and its "
                       "translations: the languages that matched and every language the release exists in.",
        "sql": """select g.id, g.site, g.published_date, (select t.title from releases t where t.id = g.id) as title,
       g.languages_matched,
       (select group_concat(t.lang, ', ') from releases t where t.translation_group = g.translation_group) as languages
from (select min(r.id) as id, r.site, max(r.published_date) as published_date, r.translation_group,
             group_concat(r.lang, ', ') as languages_matched
      from releases r
      where :q != '' and r.duplicate_of is null
        and r.id in (select rowid from releases_stemmed_fts where releases_stemmed_fts match escape_fts(:q))
      group by coalesce(r.translation_group, 'release ' || r.id)) g
order by published_date desc, id desc""",
    },
    "cross_posts": {
        "title": "Cross-posts",
        "description": "Releases that duplicate another release (duplicate_of), next to the original.",
        "sql": """select d.id, d.site, d.lang, d.published_date, d.title, d.url,
       o.id as original_id, o.site as original_site, o.published_date as original_date, o.url as original_url
from releases d join releases o on o.id = d.duplicate_of
order by d.published_date desc, d.id""",
    },
}


def _release_table(name: str, title: str, description: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "sort_desc": "published_date",
        "facets": RELEASE_FACETS,
        "facet_size": 6,
        "label_column": "title",
        "fts_table": STEMMED_INDEX,
        "fts_pk": "id",
        "columns": column_descriptions()[name],
    }


def metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette metadata for the archive served under the name ``database`` (the file's stem)."""
    descriptions = column_descriptions()
    tables = {
        "releases": _release_table("releases", "Press releases", "One row per release and language. " + SEARCH_HELP),
        "releases_unique": _release_table(
            "releases_unique", "Press releases without cross-posts",
            "The releases table minus releases that duplicate another one (duplicate_of). " + SEARCH_HELP,
        ),
        "translations": {
            "title": "Translations side by side",
            "description": "One row per release and each of its other language versions. Filter lang and "
                           "translation_lang (e.g. en and ru) to read the two texts next to each other.",
            "sort_desc": "published_date",
            "facets": ["lang", "translation_lang", {"year": "published_date"}],
            "columns": descriptions["translations"],
        },
        "release_versions": {
            "title": "Versions: every distinct text a release ever had",
            "sort_desc": "seen_at",
            "facets": ["cause", "changed"],
            "columns": descriptions["release_versions"],
        },
        "release_urls": {
            "title": "Every URL that served a release",
            "columns": descriptions["release_urls"],
        },
        "pages": {
            "title": "Downloaded pages (raw HTML, compressed)",
            "facets": ["site", "status"],
            "columns": descriptions["pages"],
        },
        **{name: {"hidden": True} for name in INTERNAL_TABLES},
        "runs": {
            "title": "Collection runs",
            "sort_desc": "id",
            "facets": ["status"],
            "columns": descriptions["runs"],
        },
    }
    return {
        "title": "IOM press releases archive",
        "description": "Press releases of IOM country-office websites in every language they publish, "
                       "with full text, every URL and every version. Start with the releases table.",
        "about": "iom-archive",
        "about_url": "https://github.com/iom-archive/iom-archive",
        "databases": {
            database: {
                "title": "IOM press releases",
                "tables": tables,
                "queries": CANNED_QUERIES,
                "plugins": {PLUGIN_NAME: {"archive": True}},
            }
        },
    }


def database_name(path: str | Path) -> str:
    """The name Datasette gives a database file: its stem (``archive.db`` -> ``archive``)."""
    return Path(path).stem


def make_datasette(path: str | Path, immutable: bool = False, settings: dict[str, Any] | None = None):
    """A Datasette instance serving the archive at ``path`` with the metadata (the plugin comes from
    its entry point; a warning says so when it is not installed)."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    if not any(getattr(plugin, "__name__", None) == PLUGIN_MODULE for plugin in pm.get_plugins()):
        log.warning("the iom-archive Datasette plugin is not installed (pip install -e . in the checkout): "
                    "no release pages, year facet or prefix search")
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    chosen = {"suggest_facets": False, **(settings or {})}  # the suggestions push the results off the screen
    return Datasette(metadata=metadata(database_name(path)), settings=chosen, **files)
