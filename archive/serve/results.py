"""Search results as a researcher scans them, and compact cells in the other list views.

:func:`result_items` turns the rows of a ``releases`` / ``releases_unique`` page into results: title
linking to the release page, date, language, site, a snippet with the words searched marked, and the
release's other language versions (one query for the page). With ``_translations=group`` the
language versions of one release that are on the page become one result, listing each version that
matched. :func:`short_cell` renders long text columns (bodies) in list views as a snippet; the full
text stays in the JSON and CSV of the same page and on the release page.
"""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup

from archive.search.snippets import snippet
from archive.serve.links import release_path

LANGUAGES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "fr": "Français", "es": "Español", "ar": "العربية"}
BODY_COLUMNS = ("body", "translation_body")
#: The columns of a release a result shows.
SHOWN = ("site", "lang", "title", "published_date", "dateline", "body", "translation_group", "duplicate_of", "status")
SNIPPET_WORDS = 45


def language_name(code: str | None) -> str:
    return LANGUAGES.get(code or "", code or "")


async def _versions_of_groups(db, groups: list[str]) -> dict[str, list[dict[str, Any]]]:
    if not groups:
        return {}
    marks = ", ".join("?" for _ in groups)
    rows = (await db.execute(
        f"select id, lang, title, translation_group from releases where translation_group in ({marks}) "
        "order by lang, id", groups)).rows
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["translation_group"], []).append(dict(row))
    return found


async def _shown_columns(db, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the columns a result shows (the search page gives Datasette only ``id``), in order."""
    ids = [row["id"] for row in rows if row.get("id") is not None]
    if not ids or all(column in rows[0] for column in SHOWN):
        return rows
    found = {row["id"]: dict(row) for row in (await db.execute(
        f"select id, {', '.join(SHOWN)} from releases where id in ({', '.join('?' for _ in ids)})", ids)).rows}
    return [found.get(row.get("id"), row) for row in rows]


async def result_items(datasette, database: str, request, rows: Iterable) -> list[dict[str, Any]]:
    """One dict per result for ``_table.html`` (see the module docstring)."""
    db = datasette.get_database(database)
    rows = await _shown_columns(db, [dict(row) for row in rows])
    search = request.args.get("_search", "")
    exact = request.args.get("_searchmode") == "raw"
    grouped = request.args.get("_translations") == "group"
    groups = sorted({row["translation_group"] for row in rows if row.get("translation_group")})
    versions = await _versions_of_groups(db, groups)
    items: list[dict[str, Any]] = []
    by_group: dict[str, dict[str, Any]] = {}
    for row in rows:
        group = row.get("translation_group")
        if grouped and group and group in by_group:
            by_group[group]["matched"].append({"lang": row.get("lang"), "language": language_name(row.get("lang")),
                                               "href": release_path(datasette, database, row["id"]),
                                               "title": row.get("title")})
            continue
        item = {
            "id": row.get("id"),
            "href": release_path(datasette, database, row["id"]) if row.get("id") is not None else None,
            "title": row.get("title") or "(no title)",
            "published_date": row.get("published_date"),
            "lang": row.get("lang"),
            "language": language_name(row.get("lang")),
            "site": row.get("site"),
            "dateline": row.get("dateline"),
            "status": row.get("status"),
            "duplicate_of": row.get("duplicate_of"),
            "snippet": snippet(row.get("body"), row.get("lang") or "", search, exact, SNIPPET_WORDS),
            "matched": [],
            "others": [
                {"lang": other["lang"], "language": language_name(other["lang"]), "title": other["title"],
                 "href": release_path(datasette, database, other["id"])}
                for other in versions.get(group, []) if other["id"] != row.get("id")
            ],
        }
        items.append(item)
        if group:
            by_group[group] = item
    return items


def short_cell(value: Any, lang: str | None, search: str, exact: bool) -> Markup | None:
    """A long text cell as a snippet (the words searched marked), for list views."""
    if not isinstance(value, str) or len(value) <= 300:
        return None
    return snippet(value, lang or "", search, exact, SNIPPET_WORDS)
