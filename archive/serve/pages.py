"""The plugin's own pages: a release (``/<db>/release/<id>``) and its versions compared
(``/<db>/release/<id>/versions``), rendered from ``templates/release.html`` and
``templates/release_versions.html``."""

from __future__ import annotations

import difflib
import json
import re

from datasette.utils.asgi import NotFound, Request, Response
from datasette.version import __version__ as datasette_version
from markupsafe import Markup, escape

from archive.serve.archives import is_archive
from archive.serve.links import release_path, safe_url
from archive.serve.results import LANGUAGES, language_name

RELEASE_TEMPLATE = "release.html"
VERSIONS_TEMPLATE = "release_versions.html"
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger id is no release (not an overflow error)
_WORDS = re.compile(r"\s+|[^\s]+")


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


def word_diff(old: str, new: str) -> Markup:
    """``new`` with the words added marked ``<ins>`` and the words removed ``<del>`` (paragraphs kept)."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


async def _release_or_404(datasette, request):
    database = request.url_vars["database"]
    release_id = int(request.url_vars["id"])
    if release_id > MAX_ID:
        raise NotFound(f"no release {release_id}")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, "releases")), ("view-database", database), "view-instance"]
    )
    db = datasette.get_database(database)
    found = (await db.execute("select * from releases where id = ?", [release_id])).rows
    if not found:
        raise NotFound(f"no release {release_id}")
    return database, db, dict(found[0])


def _links(items: list[dict], label_keys: tuple[str, ...]) -> list[dict]:
    """Attachments or images, each with ``href`` (an http(s) URL, else None: shown as text) and ``label``."""
    shown = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        label = next((item.get(key) for key in label_keys if item.get(key)), None) or item.get("url") or ""
        shown.append({**item, "href": safe_url(item.get("url")), "label": label})
    return shown


def _with_documents(links: list[dict], documents: list[dict]) -> list[dict]:
    """The release's attachment links, each with what the archive read of it (``attachments``): its
    ``status`` and a ``note`` (pages, size, the words of its text, or why there is none)."""
    by_url = {document["url"]: document for document in documents}
    for link in links:
        document = by_url.get(link.get("url"))
        if document is None:
            continue
        facts = [f"{document['pages']} pages" if document["pages"] else None,
                 f"{round(document['size'] / 1024)} KB" if document["size"] else None]
        if document["status"] == "text":
            facts.append(f"{len((document['text'] or '').split())} words of text, searched with the release")
        else:
            facts.append(f"{document['status']}: {document['error']}" if document["error"] else document["status"])
        link["note"] = ", ".join(fact for fact in facts if fact)
        link["status"] = document["status"]
    return links


async def release_page(datasette, request, send):
    database = request.url_vars["database"]
    if not await is_archive(datasette, database):
        return await row_page(datasette, request, send)
    database, db, release = await _release_or_404(datasette, request)
    release_id = release["id"]

    async def rows(sql: str, params: list) -> list[dict]:
        return [dict(row) for row in (await db.execute(sql, params)).rows]

    brief = "select id, site, lang, title, published_date from releases"
    context = {
        "database": database,
        "datasette_version": datasette_version,
        "release": release,
        "language": language_name(release["lang"]),
        "languages": LANGUAGES,
        "body": body_html(release["body"] or ""),
        "tags": json.loads(release["tags"] or "[]"),
        "images": _links(json.loads(release["images"] or "[]"), ("caption", "alt")),
        "attachments": _with_documents(_links(json.loads(release["attachments"] or "[]"), ("title",)),
                                       await rows("select url, status, error, pages, size, text from attachments "
                                                  "where release_id = ?", [release_id])
                                       if await db.table_exists("attachments") else []),
        "source_url": safe_url(release["url"]),
        "translations": await rows(f"{brief} where translation_group = ? and id != ? order by lang, id",
                                   [release["translation_group"], release_id]),
        "versions": await rows("select id, version, seen_at, title, changed, cause from release_versions where release_id = ? "
                               "order by version", [release_id]),
        "original": (await rows(f"{brief} where id = ?", [release["duplicate_of"]]) or [None])[0]
        if release["duplicate_of"] else None,
        "duplicates": await rows(f"{brief} where duplicate_of = ? order by published_date, id", [release_id]),
        "release_urls": [{**u, "href": safe_url(u["url"])} for u in await rows(
            "select url, first_seen from release_urls where release_id = ? order by first_seen, url", [release_id])],
        "release_url": lambda other: release_path(datasette, database, other),
    }
    return Response.html(await datasette.render_template(RELEASE_TEMPLATE, context, request=request))


async def versions_page(datasette, request, send):
    database = request.url_vars["database"]
    if not await is_archive(datasette, database):
        raise NotFound("not an iom-archive archive")
    database, db, release = await _release_or_404(datasette, request)
    versions = [dict(row) for row in (await db.execute(
        "select * from release_versions where release_id = ? order by version", [release["id"]])).rows]
    shown, previous = [], None
    for version in versions:
        shown.append({
            **version,
            "title_diff": word_diff(previous["title"], version["title"]) if previous else escape(version["title"]),
            "body_diff": word_diff(previous["body"], version["body"]) if previous else escape(version["body"]),
            "compared_with": previous["version"] if previous else None,
        })
        previous = version
    context = {"database": database, "release": release, "versions": shown,
               "release_url": lambda other: release_path(datasette, database, other)}
    return Response.html(await datasette.render_template(VERSIONS_TEMPLATE, context, request=request))


async def row_page(datasette, request, send):
    """What Datasette serves at ``/<database>/release/<pk>`` without this plugin: the row page of the
    database's table ``release``, for databases that are not archives (404 when there is no such table)."""
    from datasette.views.row import RowView

    try:
        db = datasette.get_database(request.url_vars["database"])
    except KeyError:
        raise NotFound("Database not found") from None
    if not await db.table_exists("release"):
        raise NotFound(f"{db.name} is not an iom-archive archive and has no table release")
    url_vars = {"database": request.url_vars["database"], "table": "release", "pks": request.url_vars["id"],
                "format": None}
    row_request = Request(dict(request.scope, url_route={"kwargs": url_vars}), request.receive)
    return await RowView.as_view(datasette)(row_request, send)
