"""Serving the archive in Datasette; the storage side (:mod:`archive.store`, :mod:`archive.schema`)
does not depend on it.

* :mod:`archive.serve.metadata`: the Datasette metadata for an archive (titles, column descriptions
  from :mod:`archive.columns`, facets, sorting, canned queries) and :func:`~archive.serve.metadata.make_datasette`,
  the Datasette instance ``scrape serve`` runs.
* :mod:`archive.serve.plugin`: the Datasette plugin (release page, year facet, prefix search),
  registered through the ``datasette`` entry point in pyproject.toml, so a plain ``datasette
  archive.db`` has it too. It acts only on databases that are archives.
* ``templates/release.html``: the release page's template.
* :mod:`archive.serve.names`: the names both share.

Dependencies go one way: ``metadata`` and ``plugin`` import ``names`` (and :mod:`archive.columns`),
never each other.
"""
