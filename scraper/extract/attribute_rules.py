"""Attribute selectors (``[class*=menu]``, ``[id^='ad-']``, ``[class~=ad]``) matched in Python.

A page-wide query of some fifty substring rules cost the parser about a tenth of a generic page: it
looks up the attribute and scans its value once per rule and element. Here the parser is asked only
for the elements that have one of the attributes (``:is([class], [id])``), and the values are tested
in Python: the substring rules of an attribute in one pass over all the page's values with an
Aho-Corasick automaton (pyahocorasick), the prefix and suffix rules as one ``startswith`` or
``endswith`` per value. The result is the parser's, element for element and in document order
(tests/unit/test_attribute_rules.py compares them on every fixture page).

Values are compared case-sensitively, as the parser does for ``class`` and ``id`` in both standards
and quirks mode; ``~=`` splits at CSS whitespace (space, tab, line feed, form feed, carriage return).
"""

from __future__ import annotations

import bisect
import re

import ahocorasick
from selectolax.lexbor import LexborNode

__all__ = ["AttributeRules"]

_RULE = re.compile(r"^\[([\w-]+)([*^$~]?=)(?:'([^']*)'|\"([^\"]*)\"|([^'\"\]\s]+))\]$")
_SEPARATOR = "\x00"  # never in a parsed attribute value (the parser makes NUL U+FFFD), nor in a rule


_WHITESPACE = frozenset(" \t\n\r\f")  # CSS whitespace: where ``~=`` splits a value


class _ValueTests:
    """The rules of one attribute, as one automaton: a rule's value is a word found anywhere in
    the values, and where it was found tells which rules it satisfies (``^=``: at a value's start,
    ``$=``: at its end, ``=``: both, ``~=``: between CSS whitespace or the value's ends)."""

    def __init__(self) -> None:
        self._words: dict[str, set[str]] = {}

    def add(self, operator: str, word: str) -> None:
        self._words.setdefault(word, set()).add(operator)

    def finish(self) -> None:
        self._automaton = ahocorasick.Automaton()
        for word, operators in sorted(self._words.items()):
            self._automaton.add_word(word, (len(word), frozenset(operators)))
        self._automaton.make_automaton()

    def accepted(self, values: list[str]) -> set[int]:
        """The indexes of the ``values`` (an empty string: no such attribute) some rule accepts."""
        text = _SEPARATOR.join(values)
        starts, offset = [], 0
        for value in values:
            starts.append(offset)
            offset += len(value) + 1
        last = len(text) - 1
        hits: set[int] = set()
        for end, (length, operators) in self._automaton.iter(text):  # every occurrence of every word
            start = end - length + 1
            first = start == 0 or text[start - 1] == _SEPARATOR
            final = end == last or text[end + 1] == _SEPARATOR
            if ("*=" in operators or ("^=" in operators and first) or ("$=" in operators and final)
                    or ("=" in operators and first and final)
                    or ("~=" in operators and (first or text[start - 1] in _WHITESPACE)
                        and (final or text[end + 1] in _WHITESPACE))):
                hits.add(bisect.bisect_right(starts, start) - 1)  # a word lies inside one value
        return hits


class AttributeRules:
    """A list of attribute selectors, matched as the parser matches ``:is(rule, rule, …)``.

    Rules of the forms ``[name*=v]``, ``[name^=v]``, ``[name$=v]``, ``[name~=v]`` and
    ``[name=v]`` (``v`` bare or quoted, not empty); any other form is a ``ValueError``.
    """

    def __init__(self, rules: tuple[str, ...]):
        self._tests: dict[str, _ValueTests] = {}
        for rule in rules:
            found = _RULE.match(rule.strip())
            value = next((group for group in found.groups()[2:] if group is not None), "") if found else ""
            if not value or _SEPARATOR in value:
                raise ValueError(f"not an attribute rule that can be matched in Python: {rule!r}")
            if found.group(2) == "~=" and _WHITESPACE.intersection(value):
                raise ValueError(f"a ~= rule with whitespace in its value matches nothing: {rule!r}")
            self._tests.setdefault(found.group(1).lower(), _ValueTests()).add(found.group(2), value)
        for tests in self._tests.values():
            tests.finish()
        self.query = f":is({', '.join(f'[{name}]' for name in self._tests)})"  # the elements worth testing, once each

    def select(self, root: LexborNode) -> list[LexborNode]:
        """What ``root.css(":is(rules)")`` returns: the matching elements in document order."""
        nodes = root.css(self.query)
        if not nodes:
            return []
        attributes = [node.attributes for node in nodes]
        hits: set[int] = set()
        for name, tests in self._tests.items():
            hits |= tests.accepted([found.get(name) or "" for found in attributes])
        return [node for index, node in enumerate(nodes) if index in hits]
