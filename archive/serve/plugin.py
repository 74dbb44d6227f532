"""A small Datasette plugin for archives: the release page, a year facet, and prefix search.

Active only for databases whose metadata carries ``plugins: {iom-archive: ...}`` (what
:func:`archive.serve.metadata.metadata` produces), so other databases in the same Datasette are untouched.

* ``/<database>/release/<id>`` reads like the release: title, date, dateline, language, site, the
  body as paragraphs and lists, tags, attachments and images as links, then links to its other
  language versions, its versions, the release it duplicates and its cross-posts, every URL that
  served it, and the original page. Titles in ``releases``, ``releases_unique`` and
  ``translations`` link to it.
* A ``year`` facet type (``{"year": "published_date"}``) counts rows per year; selecting a year
  filters ``published_date__startswith=YYYY``.
* ``escape_fts`` (Datasette's search-box escaping) keeps a trailing ``*`` as an FTS5 prefix query,
  so ``мигрант*`` works in the default search mode while hyphenated words (``көші-қон``) still do.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from datasette import hookimpl
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import NotFound, Response
from datasette.version import __version__ as datasette_version
from markupsafe import Markup

from archive.serve.metadata import PLUGIN_NAME

LANGUAGES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "fr": "Français", "es": "Español", "ar": "العربية"}
RELEASE_TABLES = ("releases", "releases_unique")
_FTS_SPLIT = re.compile(r'\s+|(".*?")')


def register() -> None:
    """Register this module with Datasette's plugin manager (once per process)."""
    from datasette.plugins import pm

    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name=PLUGIN_NAME)


def is_archive(datasette, database: str | None) -> bool:
    return bool(database) and datasette.plugin_config(PLUGIN_NAME, database=database, fallback=False) is not None


# --- search ------------------------------------------------------------------------------------

def escape_fts(query: str) -> str:
    """Datasette's escaping (every word quoted, so hyphens and FTS5 operators are plain text), except
    that a word ending in ``*`` becomes a prefix query: ``мигрант*`` -> ``"мигрант"*``."""
    if query.count('"') % 2:
        query += '"'
    words = [bit for bit in _FTS_SPLIT.split(query) if bit and bit != '""']
    escaped = []
    for word in words:
        if word.startswith('"'):
            escaped.append(word)
        elif word.endswith("*") and word.rstrip("*"):
            escaped.append('"{}"*'.format(word.rstrip("*")))
        else:
            escaped.append('"{}"'.format(word))
    return " ".join(escaped)


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which registers escape_fts
def prepare_connection(conn, database, datasette):
    if is_archive(datasette, database):
        conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


# --- year facet ------------------------------------------------------------------------------

class YearFacet(Facet):
    """Counts per year of an ISO date column, newest year first."""

    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = (f"select substr({escape_sqlite(column)}, 1, 4) as value, count(*) as count from ({self.sql}) "
                   f"where {escape_sqlite(column)} glob '[0-9][0-9][0-9][0-9]*' group by value order by value desc")
            rows = (await self.ds.execute(self.database, sql, self.params, truncate=False)).rows
            key = f"{column}__startswith"
            values = []
            for row in rows:
                selected = args.get(key) == row["value"]
                toggle = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                          else path_with_added_args(self.request, {key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, toggle), "selected": selected})
            results.append({
                "name": f"{column} (year)", "type": self.type, "results": values, "truncated": False,
                "hideable": source_and_config["source"] != "metadata",
                "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
            })
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [YearFacet]


# --- links from tables ---------------------------------------------------------------------------

@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None or not is_archive(datasette, database):
        return None
    keys = row.keys() if hasattr(row, "keys") else ()
    target = None
    if table in RELEASE_TABLES and column == "title" and "id" in keys:
        target = row["id"]
    elif table == "translations" and column == "title" and "release_id" in keys:
        target = row["release_id"]
    elif table == "translations" and column == "translation_title" and "translation_id" in keys:
        target = row["translation_id"]
    if target is None:
        return None
    return Markup('<a href="{}">{}</a>').format(release_path(datasette, database, target), value)


def release_path(datasette, database: str, release_id: Any) -> str:
    return f"{datasette.urls.database(database)}/release/{release_id}"


# --- the release page --------------------------------------------------------------------------

def body_html(body: str) -> Markup:
    """Paragraphs (blocks separated by a blank line) as <p>; a block of several lines as a list."""
    parts = []
    for block in body.split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1:
            parts.append(Markup("<p>{}</p>").format(lines[0]))
        elif lines:
            parts.append(Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(l) for l in lines)))
    return Markup("\n").join(parts)


RELEASE_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ release.title }}{% endblock %}
{% block extra_head %}<style>
.release { max-width: 44em; }
.release .meta { color: #555; margin-bottom: 1.5em; }
.release .body p, .release .body li { line-height: 1.6; }
.release h2 { font-size: 1.1em; margin-top: 2em; }
</style>{% endblock %}
{% block crumbs %}{{ crumbs.nav(request=request, database=database, table="releases") }}{% endblock %}
{% block content %}
<article class="release" lang="{{ release.lang }}">
<h1>{{ release.title }}</h1>
<p class="meta">
  <time datetime="{{ release.published_date or '' }}">{{ release.published_date or "date unknown" }}</time>
  {% if release.dateline %} · <span class="dateline">{{ release.dateline }}</span>{% endif %}
  · <span class="lang">{{ language }}</span> · {{ release.site }}
  {% if release.status != "live" %} · <strong>{{ release.status }}{% if release.removed_on %} {{ release.removed_on }}{% endif %}</strong>{% endif %}
</p>
{% if original %}<p class="duplicate-of">A cross-post of <a href="{{ release_url(original.id) }}">{{ original.title }}</a> ({{ original.site }}, {{ original.published_date }}).</p>{% endif %}
<div class="body">
{{ body }}
</div>
{% if tags %}<p class="tags">Tags: {{ tags|join(", ") }}</p>{% endif %}
{% if attachments %}<h2>Attachments</h2><ul>{% for a in attachments %}<li><a href="{{ a.url }}">{{ a.title or a.url }}</a></li>{% endfor %}</ul>{% endif %}
{% if images %}<h2>Images</h2><ul>{% for i in images %}<li><a href="{{ i.url }}">{{ i.caption or i.alt or i.url }}</a></li>{% endfor %}</ul>{% endif %}
</article>
<h2>Translations</h2>
{% if translations %}<ul class="translations">{% for t in translations %}
<li lang="{{ t.lang }}"><a href="{{ release_url(t.id) }}" hreflang="{{ t.lang }}">{{ languages.get(t.lang, t.lang) }}: {{ t.title }}</a></li>{% endfor %}
</ul>{% else %}<p>No other language version in the archive.</p>{% endif %}
<h2>Versions</h2>
<ul class="versions">{% for v in versions %}
<li>version {{ v.version }}, first seen {{ v.seen_at }}{% if v.title != release.title %}: {{ v.title }}{% endif %}
  (<a href="{{ urls.row(database, "release_versions", v.id) }}">text</a>)</li>{% endfor %}
</ul>
{% if versions|length > 1 %}<p><a href="{{ urls.query(database, "versions_of_release") }}?id={{ release.id }}">All versions side by side</a></p>{% endif %}
{% if duplicates %}<h2>Cross-posts of this release</h2><ul class="duplicates">{% for d in duplicates %}
<li><a href="{{ release_url(d.id) }}">{{ d.title }}</a> ({{ d.site }}, {{ languages.get(d.lang, d.lang) }}, {{ d.published_date }})</li>{% endfor %}
</ul>{% endif %}
<h2>Source</h2>
<ul class="source">
<li>Original: <a href="{{ release.url }}">{{ release.url }}</a></li>
{% for u in release_urls if u.url != release.url %}<li>Also served at <a href="{{ u.url }}">{{ u.url }}</a> (since {{ u.first_seen }})</li>{% endfor %}
<li>Archived as release {{ release.id }}: first seen {{ release.first_seen }}, last seen {{ release.last_seen }}
  (<a href="{{ urls.row(database, "releases", release.id) }}">all columns</a>, <a href="{{ urls.row(database, "releases", release.id, format="json") }}">JSON</a>)</li>
</ul>
{% endblock %}
"""


async def release_page(datasette, request):
    database = request.url_vars["database"]
    release_id = int(request.url_vars["id"])
    if not is_archive(datasette, database):
        raise NotFound(f"{database} is not an iom-archive database")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, "releases")), ("view-database", database), "view-instance"]
    )
    db = datasette.get_database(database)

    async def rows(sql: str, params: list) -> list[dict]:
        return [dict(row) for row in (await db.execute(sql, params)).rows]

    found = await rows("select * from releases where id = ?", [release_id])
    if not found:
        raise NotFound(f"no release {release_id}")
    release = found[0]
    brief = "select id, site, lang, title, published_date from releases"
    context = {
        "database": database,
        "datasette_version": datasette_version,
        "release": release,
        "language": LANGUAGES.get(release["lang"], release["lang"]),
        "languages": LANGUAGES,
        "body": body_html(release["body"] or ""),
        "tags": json.loads(release["tags"] or "[]"),
        "images": json.loads(release["images"] or "[]"),
        "attachments": json.loads(release["attachments"] or "[]"),
        "translations": await rows(f"{brief} where translation_group = ? and id != ? order by lang, id",
                                   [release["translation_group"], release_id]),
        "versions": await rows("select id, version, seen_at, title from release_versions where release_id = ? "
                               "order by version", [release_id]),
        "original": (await rows(f"{brief} where id = ?", [release["duplicate_of"]]) or [None])[0]
        if release["duplicate_of"] else None,
        "duplicates": await rows(f"{brief} where duplicate_of = ? order by published_date, id", [release_id]),
        "release_urls": await rows("select url, first_seen from release_urls where release_id = ? "
                                   "order by first_seen, url", [release_id]),
        "release_url": lambda other: release_path(datasette, database, other),
    }
    template = datasette.jinja_env.from_string(RELEASE_TEMPLATE)
    return Response.html(await datasette.render_template(template, context, request=request))


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/release/(?P<id>[0-9]+)$", release_page)]
