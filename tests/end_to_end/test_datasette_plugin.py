"""Plain Datasette on an archive, without ``scrape serve``: the plugin comes from its ``datasette`` entry
point (pyproject.toml), with no metadata and no registration by hand. The real ``datasette`` command
(``datasette serve ARCHIVE --get PATH``) shows the release page, the year facet and prefix search;
in-process ``Datasette([...])`` shows the plugin leaves other databases alone."""

from __future__ import annotations

import asyncio
import html
import json
import shutil
import sqlite3
import subprocess
from collections import Counter
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from archive.serve.plugin import TEMPLATES
from support.helpers import load_golden, query, scrape, write_config

GOLDEN = load_golden()["releases"]


@pytest.fixture(scope="module")
def archive(kazakhstan_server, tmp_path_factory):
    """Every fixture release archived by `scrape run`, in a file not named archive.db (the plugin
    recognises an archive by its tables, not by its name or metadata)."""
    directory = tmp_path_factory.mktemp("plugin")
    result = scrape("run", "--config", str(write_config(directory, kazakhstan_server.base_url)))
    assert result.exit_code == 0, result.output
    path = directory / "nightly.db"
    (directory / "archive.db").rename(path)
    ids = {row["url"].removeprefix(kazakhstan_server.base_url): row["id"] for row in query(path, "SELECT id, url FROM releases")}
    return {"db": path, "ids": ids}


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """Another database in the same Datasette, with tables named like the archive's."""
    path = tmp_path_factory.mktemp("other") / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE release (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("CREATE TABLE releases (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO release VALUES (1, 'Version 1.0 notes')")
        conn.execute("INSERT INTO releases VALUES (1, 'A film release')")
    conn.close()
    return path


def datasette_get(*args: str) -> subprocess.CompletedProcess:
    executable = shutil.which("datasette")
    assert executable, "the `datasette` command is not installed"
    return subprocess.run([executable, "serve", *args], capture_output=True, text=True, timeout=120)


def get(ds: Datasette, path: str):
    return asyncio.run(ds.client.get(path))


def test_the_entry_point_registers_the_plugin():
    executable = shutil.which("datasette")
    listed = json.loads(subprocess.run([executable, "plugins"], capture_output=True, text=True, timeout=60).stdout)
    plugin = next((p for p in listed if p["name"] == "iom-archive"), None)
    assert plugin, f"iom-archive is not among datasette's plugins: {listed} (pip install -e .)"
    assert {"register_routes", "register_facet_classes", "prepare_connection", "render_cell", "get_metadata",
            "register_output_renderer", "asgi_wrapper", "extra_template_vars"} <= set(plugin["hooks"])


def test_datasette_serve_shows_the_release_page(archive):
    release = next(r for r in GOLDEN if r["lang"] == "ru" and r.get("dateline"))
    done = datasette_get(str(archive["db"]), "--get", f"/nightly/release/{archive['ids'][release['path']]}")
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    assert f"<h1>{html.escape(release['title'])}</h1>" in done.stdout
    assert "Русский" in done.stdout and "<h2>Translations</h2>" in done.stdout


def test_datasette_serve_has_the_year_facet(archive):
    done = datasette_get(str(archive["db"]), "--get", "/nightly/releases.json?_facet_year=published_date&_size=0")
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    facet = next(f for f in json.loads(done.stdout)["facet_results"].values() if f["type"] == "year")
    assert {item["value"]: item["count"] for item in facet["results"]} == dict(Counter(str(r["date"])[:4] for r in GOLDEN))


def test_datasette_serve_keeps_prefix_search(archive):
    done = datasette_get(str(archive["db"]), "--get", f"/nightly/releases.json?_search={quote('мигрант*')}&_shape=array&_col=lang")
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    found = json.loads(done.stdout)
    assert found and {row["lang"] for row in found} <= {"ru", "kk"}


def test_datasette_serve_searches_every_word_form(archive):
    done = datasette_get(str(archive["db"]), "--get",
                         f"/nightly/releases.json?_search={quote('миграция')}&lang=ru&_shape=array&_col=body")
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    bodies = [row["body"].lower() for row in json.loads(done.stdout)]
    assert bodies and any("миграции" in body and "миграция" not in body for body in bodies)  # another form found
    exact = datasette_get(str(archive["db"]), "--get",
                          f"/nightly/releases.json?_search={quote('миграция')}&_searchmode=raw&_shape=array"
                          "&_col=title&_col=body")
    found = json.loads(exact.stdout)
    assert exact.returncode == 0 and found and all("миграция" in (row["title"] + row["body"]).lower() for row in found)


def test_datasette_serve_hides_the_internal_tables(archive):
    done = datasette_get(str(archive["db"]), "--get", "/nightly.json")
    assert done.returncode == 0, done.stdout[-500:] + done.stderr
    hidden = {table["name"] for table in json.loads(done.stdout)["tables"] if table["hidden"]}
    assert {"dedup_bands", "template_blocks", "search_meta"} <= hidden and "releases" not in hidden


@pytest.fixture(scope="module")
def ds(archive, other):
    return Datasette([str(archive["db"]), str(other)])


def test_in_process_datasette_links_titles_to_the_release_page(archive, ds):
    release_id = archive["ids"][GOLDEN[0]["path"]]
    assert get(ds, f"/nightly/release/{release_id}").status_code == 200
    assert f'href="/nightly/release/{release_id}"' in get(ds, f"/nightly/releases?id={release_id}").text


def test_other_databases_are_left_alone(ds):
    page = get(ds, "/other/release/1")  # the row page of its table `release`, not a release page
    assert page.status_code == 200 and "Version 1.0 notes" in page.text and "<h2>Translations</h2>" not in page.text
    assert get(ds, "/other/release/2").status_code == 404
    assert get(ds, "/nosuchdb/release/1").status_code == 404
    assert "/other/release/" not in get(ds, "/other/releases").text  # titles are not linked
    escaped = get(ds, "/other.json?sql=select+escape_fts(:q)+as+e&q=" + quote("мигрант*") + "&_shape=array")
    assert escaped.json() == [{"e": '"мигрант*"'}]  # Datasette's own escaping
    ours = get(ds, "/nightly.json?sql=select+escape_fts(:q)+as+e&q=" + quote("мигрант*") + "&_shape=array")
    assert ours.json() == [{"e": '"мигрант"*'}]  # the stemmed query (here the prefix is its own stem)
    assert "iom-result" not in get(ds, "/other/releases").text and get(ds, "/other/releases.atom").status_code == 404


def test_metadata_can_turn_the_plugin_off_for_a_database(archive):
    off = Datasette([str(archive["db"])], metadata={"databases": {"nightly": {"plugins": {"iom-archive": {"archive": False}}}}})
    release_id = next(iter(archive["ids"].values()))
    assert get(off, f"/nightly/release/{release_id}").status_code == 404  # no table `release` either
    assert f'href="/nightly/release/{release_id}"' not in get(off, f"/nightly/releases?id={release_id}").text


def test_the_release_page_is_a_template_file_a_template_dir_can_replace(archive, tmp_path):
    assert (TEMPLATES / "release.html").is_file()
    (tmp_path / "release.html").write_text('{% extends "base.html" %}{% block content %}<h1 class="mine">'
                                           '{{ release.title }}</h1>{% endblock %}', encoding="utf-8")
    custom = Datasette([str(archive["db"])], template_dir=str(tmp_path))
    release = GOLDEN[0]
    page = get(custom, f"/nightly/release/{archive['ids'][release['path']]}")
    assert page.status_code == 200 and '<h1 class="mine">' in page.text and "<h2>Versions</h2>" not in page.text
