"""scraper.clean and the block keys share scraper.text's helpers instead of keeping their own copies."""

from __future__ import annotations

import pytest

from scraper import clean
from scraper.extract.keys import block_key, keys_of_block
from scraper.text.datelines import IOM_ACRONYMS


@pytest.mark.parametrize("acronym", IOM_ACRONYMS)
def test_every_iom_acronym_is_a_site_name_after_a_title(acronym: str) -> None:
    assert clean.clean_title(f"Migrants return home | {acronym} Kazakhstan") == "Migrants return home"
    assert clean.clean_title(f"Migrants return home – {acronym}") == "Migrants return home"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Forum on labour migration | International Organization for Migration", "Forum on labour migration"),
        ("Forum on labour migration - UN Migration", "Forum on labour migration"),
        ("Форум по трудовой миграции | МОМ Казахстан", "Форум по трудовой миграции"),
        ("Еңбек көші-қоны форумы | ХКҰ Қазақстан", "Еңбек көші-қоны форумы"),
        ("Forum on labour migration | IOM-Kazakhstan", "Forum on labour migration"),
        # an acronym inside another word is not IOM's name
        ("Soil life – Biome research", "Soil life – Biome research"),
        ("Rivers and lakes | Voima Energy", "Rivers and lakes | Voima Energy"),
    ],
)
def test_clean_title_strips_iom_names_only(title: str, expected: str) -> None:
    assert clean.clean_title(title) == expected


def test_clean_title_strips_a_configured_site_suffix() -> None:
    assert clean.clean_title("Forum | Migration Hub Astana", ("Migration Hub",)) == "Forum"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Who We Are", "who_we  are!"),
        ("  Кто мы ", "КТО — МЫ"),
        ("Біз туралы", "біз-туралы"),
        ("Contact us\u00a0", "contact-us"),
    ],
)
def test_block_key_ignores_case_punctuation_spacing_and_underscores(a: str, b: str) -> None:
    assert block_key(a) == block_key(b) is not None


def test_block_key_of_text_without_letters_is_none() -> None:
    assert block_key(" — * _ ") is None
    assert keys_of_block("Home\n—\nNews") == {block_key("home news"), block_key("home"), block_key("news")}
