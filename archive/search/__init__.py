"""Search by word form in every language of the archive: stemmers, the stemmed index, query syntax, snippets.

* :mod:`archive.search.stemmers`: one tokeniser and the choice of stemmer per language and script
  (Snowball through PyStemmer for en, ru and others; :mod:`archive.search.kazakh` for kk), used both
  when a release is indexed and when a query is stemmed.
* :mod:`archive.search.kazakh`: the Kazakh suffix stemmer (case, possessive and plural endings).
* :mod:`archive.search.index`: the FTS5 table ``releases_stemmed_fts``, its triggers and the SQL
  function ``iom_stem`` they call; rebuilt when the stemmers change.
* :mod:`archive.search.query`: the search box's syntax, as an FTS5 expression over the stemmed index.
* :mod:`archive.search.snippets`: the matched words in context, marked.

It sits below :mod:`archive.schema` (whose migration creates the index) and imports only the
stemmers, sqlite-utils and markupsafe.
"""
