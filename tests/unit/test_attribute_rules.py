"""Attribute selectors matched in Python (scraper/extract/attribute_rules.py) select what the parser selects."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser
from support.helpers import FIXTURES

from scraper.extract import selectors
from scraper.extract.attribute_rules import AttributeRules

FIXTURE_PAGES = sorted(FIXTURES.rglob("*.html"))

RULE_SETS = {
    "hints": selectors.BOILERPLATE_HINTS,
    "boilerplate": selectors.BOILERPLATE,
    "captions": tuple(f"[class*={word}]" for word in selectors.CAPTION_CLASS_WORDS),
    "every form": ("[class*=menu]", "[class*=menu-item]", "[class^='ad-']", "[class$=box]", "[class~=ad]",
                   "[id=main]", "[id*=\"side bar\"]", "[data-role^=nav]", "[class*=' ad-']"),
}

# Values that tell a substring from a token, a prefix from a substring, case, and CSS whitespace.
TRICKY = "".join(f'<div {attributes}><p>x</p></div>' for attributes in [
    'class="MainMenu"', 'class="main-menu"', 'class="menu"', 'class="submenu-item"', 'class=""', "class",
    'class="ad"', 'class="AD"', 'class="x ad"', 'class="x\tad"', 'class="x\fad"', 'class="ad\ny"',
    'class="adx"', 'class="x ad-1"', 'class="x\tad-1"', 'class="ad-top"', 'class="bad-ad"', 'class="load"',
    'id="ad-1"', 'id="x-ad-1"', 'id="Comments"', 'id="comments"', 'id="comment-form"', 'id="nocomment"',
    'id="side bar"', 'id="main"', 'id="mainx"', 'class="toolbox"', 'class="x box"', 'data-role="navigation"',
    'class="share-tools" id="sidebar"', 'class="cookie-banner"', 'class="related"', 'class="unrelated"',
    'class="x" class="menu"', 'CLASS="menu"', 'class="ménu menu"', 'class="lang-switcher"',
])


def _parser_ids(root, rules: tuple[str, ...]) -> list[int]:
    return [node.mem_id for node in root.css(f":is({', '.join(rules)})")]


def _python_ids(root, rules: tuple[str, ...]) -> list[int]:
    return [node.mem_id for node in AttributeRules(rules).select(root)]


@pytest.mark.parametrize("name", RULE_SETS)
@pytest.mark.parametrize("doctype", ["<!DOCTYPE html>", ""])  # standards and quirks mode
def test_tricky_values_are_selected_as_the_parser_selects_them(name, doctype):
    root = LexborHTMLParser(f"{doctype}<html><body>{TRICKY}</body></html>").root
    assert _python_ids(root, RULE_SETS[name]) == _parser_ids(root, RULE_SETS[name])


def test_tricky_values_do_match_something():
    root = LexborHTMLParser(f"<body>{TRICKY}</body>").root
    selected = [node.attributes for node in AttributeRules(RULE_SETS["every form"]).select(root)]
    assert {"class": "x ad-1"} in selected and {"class": "x\tad"} in selected and {"id": "main"} in selected
    assert {"class": "adx"} not in selected and {"class": "AD"} not in selected and {"id": "mainx"} not in selected


@pytest.mark.parametrize("path", FIXTURE_PAGES, ids=lambda path: str(path.relative_to(FIXTURES))[:60])
def test_fixture_pages_are_selected_as_the_parser_selects_them(path):
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    for rules in RULE_SETS.values():
        assert _python_ids(tree.root, rules) == _parser_ids(tree.root, rules)
        if tree.body is not None:  # from an element: the element itself can match too
            assert _python_ids(tree.body, rules) == _parser_ids(tree.body, rules)


@pytest.mark.parametrize("rule", [".menu", "[class]", "[class*=]", "nav", "[class|=ad]", "[class*=a i]"])
def test_other_forms_are_refused(rule):
    with pytest.raises(ValueError, match="not an attribute rule"):
        AttributeRules((rule,))


@pytest.mark.parametrize("path", FIXTURE_PAGES, ids=lambda path: str(path.relative_to(FIXTURES))[:60])
def test_grouped_rules_select_what_the_rules_select(path):
    from scraper.extract.boilerplate import _RULES, _RULES_SELECTOR, grouped

    root = LexborHTMLParser(path.read_text(encoding="utf-8")).root
    for rules in (_RULES, RULE_SETS["every form"], selectors.BOILERPLATE_HINTS):
        assert {node.mem_id for node in root.css(grouped(rules))} == {node.mem_id for node in root.css(", ".join(rules))}
    assert _RULES_SELECTOR == grouped(_RULES) and "[role]:is(" in _RULES_SELECTOR
