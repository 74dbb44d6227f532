"""Names shared by the Datasette metadata (:mod:`archive.serve.metadata`) and the plugin
(:mod:`archive.serve.plugin`), so that neither imports the other."""

from __future__ import annotations

#: The plugin's key in Datasette metadata: ``"plugins": {"iom-archive": {"archive": true}}`` on a
#: database marks it an archive (``false`` turns the plugin off for it); without the key the plugin
#: recognises an archive by its tables.
PLUGIN_NAME = "iom-archive"

#: The module the ``datasette`` entry point in pyproject.toml names.
PLUGIN_MODULE = "archive.serve.plugin"

#: Canned queries whose results link to release pages: ``{query: {column: column holding the release id}}``.
LINKED_QUERIES = {
    "translations_of_release": {"title": "id"},
    "versions_of_release": {"title": "release_id"},
    "cross_posts": {"title": "id", "original_id": "original_id"},
    "search_across_languages": {"title": "id"},
}

#: The stemmed full-text index the release tables search (archive.search.index.TABLE).
STEMMED_INDEX = "releases_stemmed_fts"

#: The tables the stemmed search box is on.
SEARCHABLE_TABLES = ("releases", "releases_unique")

#: Tables researchers do not need (the near-duplicate index, learned templates, the stemmer version):
#: hidden from the database page and the home page, still reachable with ?_show_hidden=1.
INTERNAL_TABLES = ("dedup_bands", "dedup_signatures", "dedup_meta", "template_blocks", "search_meta",
                   "kept_responses")
