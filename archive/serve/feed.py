"""An Atom feed of any search or facet of ``releases`` / ``releases_unique``: the same URL with ``.atom``.

``/archive/releases.atom?_search=trafficking&lang=ru`` is a feed a researcher subscribes to: the
releases of that page (newest first, as the table sorts them; ``_size`` up to 1,000), each entry
linking to its release page and the original, with a few lines of text around the words searched.

Why not datasette-atom: it renders SQL results that have ``atom_id``, ``atom_title`` and
``atom_updated`` columns, so a table page with filters and facets (what a researcher subscribes to)
would need a canned query per search; this renderer takes the table's own rows.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from datasette.utils.asgi import Response

from archive.search.snippets import snippet
from archive.serve.archives import is_archive
from archive.serve.links import release_path, safe_url

ATOM = "http://www.w3.org/2005/Atom"
FEED_TABLES = ("releases", "releases_unique")
NEEDED = {"id", "title", "url"}


def _time(value: str | None) -> str:
    if not value:
        return "1970-01-01T00:00:00Z"
    return value if "T" in value else value + "T00:00:00Z"


async def can_render(datasette, database, table, columns):
    return table in FEED_TABLES and NEEDED <= set(columns or ()) and await is_archive(datasette, database)


async def render(datasette, request, database, table, rows, columns):
    if not await can_render(datasette, database, table, columns):
        return Response.text("Atom feeds are made of the releases and releases_unique tables of an archive",
                             status=404)
    search = request.args.get("_search", "")
    exact = request.args.get("_searchmode") == "raw"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    title = "IOM press releases" + (f": {search}" if search else "")
    filters = [f"{key}={value}" for key in request.args if not key.startswith("_")
               for value in request.args.getlist(key)]
    if filters:
        title += " (" + ", ".join(filters) + ")"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = datasette.absolute_url(request, request.full_path)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=datasette.absolute_url(request, request.full_path))
    html_path = request.full_path.replace(f"/{table}.atom", f"/{table}", 1)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=datasette.absolute_url(request, html_path))
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "iom-archive"
    updated = ET.SubElement(feed, f"{{{ATOM}}}updated")
    newest = "1970-01-01T00:00:00Z"
    for row in rows:
        row = dict(row)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = row["url"]
        ET.SubElement(entry, f"{{{ATOM}}}title").text = row["title"]
        changed = _time(row.get("updated_at") or row.get("first_seen") or row.get("published_date"))
        newest = max(newest, changed)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = changed
        if row.get("published_date"):
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _time(row["published_date"])
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                      href=datasette.absolute_url(request, release_path(datasette, database, row["id"])))
        if safe_url(row["url"]):
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=row["url"])
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = f"IOM ({row.get('site', '')})"
        for tag in json.loads(row.get("tags") or "[]") if isinstance(row.get("tags"), str) else []:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=str(tag))
        summary = snippet(row.get("body"), row.get("lang") or "", search, exact)
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="html").text = str(summary)
        if row.get("lang"):
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", row["lang"])
    updated.text = newest
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, content_type="application/atom+xml; charset=utf-8")


def renderer() -> dict:
    return {"extension": "atom", "render": render, "can_render": can_render}
