"""The Chinese edition's machinery: the language setting, the catalog, numbers and dates as Chinese
statistical texts write them, the twin links between the editions, and the catalog's completeness."""

from __future__ import annotations

import json

import pytest

from analysis.builder import catalog
from analysis.data import formats, i18n, params
from analysis.present import editions


def test_the_language_is_english_unless_set_and_a_with_block_restores_it():
    assert i18n.current() == "en"
    with i18n.language("zh-Hans"):
        assert i18n.current() == "zh-Hans"
        assert i18n.is_chinese()
    assert i18n.current() == "en"


def test_an_unknown_language_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"^language 'fr': expected one of en, zh-Hans$"):
        i18n.set_language("fr")
    with pytest.raises(ValueError, match=r"^parameter language='zh': expected one of en, zh-Hans$"):
        params.check_parameters(None, None, language="zh")


@pytest.mark.parametrize(
    ("value", "unit", "english", "chinese"),
    [
        (75000, "yuan", "75,000 yuan", "75000元"),
        (70240, "yuan", "70,240 yuan", "70240元"),
        (1156000, "persons", "1,156,000 persons", "115.6万人"),
        (9013.1, "billion yuan", "9,013 billion yuan", "90131亿元"),  # 9,013.1 billion = 90,131 × 100 million
        (86.5, "billion usd", "86.5 billion usd", "865亿美元"),
        (30, "GW", "30 GW", "3000万千瓦"),
        (1.9, "ratio", "1.9", "1.9"),
        (24.5, "%", "24.5%", "24.5%"),
        (0.5, "percentage points", "0.5 percentage points", "0.5个百分点"),
        (2, "rank", "2 rank", "第2位"),
        (4.5, "per 1,000 persons", "4.5 per 1,000 persons", "4.5/千人"),
        (99999, "count", "99,999", "99999"),
        (100000, "count", "100,000", "10万"),
        (12.5, "TEU (10,000)", "12.5 × 10,000 TEU", "12.5万标箱"),
        (None, "yuan", "n/a", "无数据"),
    ],
)
def test_numbers_in_both_languages(value, unit, english, chinese):
    assert formats.number(value, unit) == english
    with i18n.language("zh-Hans"):
        assert formats.number(value, unit) == chinese


def test_the_chinese_number_keeps_every_digit_the_english_shows():
    # 1,234,567 persons: English shows every digit, and so must 万 (four decimals)
    with i18n.language("zh-Hans"):
        assert formats.number(1234567, "persons") == "123.4567万人"
        assert formats.number(123456789012, "yuan") == "1234.5679亿元"  # English: 123,456,789,012 (to 10,000)


def test_years_and_dates():
    assert formats.year(2025) == "2025"
    assert formats.date("2026-03-03") == "2026-03-03"
    with i18n.language("zh-Hans"):
        assert formats.year(2025) == "2025年"
        assert formats.date("2026-03-03") == "2026年3月3日"


@pytest.mark.parametrize(
    ("lang", "page", "other", "expected"),
    [
        ("en", "index.html", "zh-Hans", "zh-Hans/index.html"),
        ("zh-Hans", "index.html", "en", "../index.html"),
        ("en", "indicators/gdp.html", "zh-Hans", "../zh-Hans/indicators/gdp.html"),
        ("zh-Hans", "indicators/gdp.html", "en", "../../indicators/gdp.html"),
        ("en", "indicators/gdp.html", "en", "gdp.html"),
    ],
)
def test_the_address_of_a_pages_twin(lang, page, other, expected):
    assert editions.href(lang, page, other) == expected


PAGE = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>t</title>\n</head>\n<body>\n<main>\n<h1>t</h1>\n</main>\n</body>\n</html>\n'


def test_a_page_is_marked_with_its_language_its_alternates_and_a_visible_link_to_its_twin():
    marked = editions.mark(PAGE, "zh-Hans", "indicators/gdp.html")
    assert '<html lang="zh-Hans">' in marked
    assert ('<link rel="alternate" hreflang="en" href="../../indicators/gdp.html">'
            '<link rel="alternate" hreflang="zh-Hans" href="gdp.html">') in marked
    assert ('<main><nav class="zt-editions" aria-label="本页的其他语言版本" '
            'style="text-align:right;font-size:0.95rem;margin:0.4rem 0"><a href="../../indicators/gdp.html" '
            'hreflang="en" lang="en" class="zt-edition">English</a></nav>') in marked.replace("\n", "")


def test_a_page_in_one_language_only_gets_its_lang_and_no_links():
    assert editions.mark(PAGE, "en", "x.html", ("en",)) == PAGE


def test_a_page_without_a_head_is_refused_rather_than_half_marked():
    with pytest.raises(ValueError, match="x.html: no </head>"):
        editions.mark('<html lang="en"><body></body></html>', "zh-Hans", "x.html")


def test_every_message_of_the_catalog_is_translated():
    assert catalog.untranslated("zh-Hans") == []


def test_the_catalog_holds_every_message_of_the_code_and_notebooks(tmp_path):
    """The committed template is what ``make catalog`` extracts today: a message added to the code
    without ``make catalog`` fails here (and so would stay English in the Chinese edition)."""
    from babel.messages.frontend import CommandLineInterface

    from analysis.data import paths

    out = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(paths.ROOT / "babel.cfg"),
                                "--ignore-dirs=.* ._ node_modules build reports", "--no-location",
                                "-o", str(out), str(paths.ROOT)])
    from babel.messages.pofile import read_po

    with out.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    with i18n.catalog_path("zh-Hans").open("rb") as fh:
        held = {m.id for m in read_po(fh) if m.id}
    assert sorted(map(str, extracted - held)) == []


def test_a_notebooks_markdown_cells_are_messages_and_its_hidden_cells_are_not():
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "\n", "Text."]},
        {"cell_type": "markdown", "metadata": {"tags": ["remove-cell"]}, "source": "For the maintainer."},
        {"cell_type": "code", "metadata": {}, "source": "x = i18n._('Hello {name}').format(name=1)\nprint('plain')"},
    ]}
    import io

    found = list(catalog.extract_notebook(io.BytesIO(json.dumps(notebook).encode()), {"_": None}, [], {}))
    assert [(n, m) for n, _f, m, _c in found] == [(1, "# Title\n\nText."), (3, "Hello {name}")]
