"""One build, two editions: English in the reports folder, Chinese in its zh-Hans/ folder, each page
marked with its language and linked to its twin; a notebook without a ``language`` parameter only in
English; the edition chosen with --language, never with -p."""

from __future__ import annotations

import json
import re

from .conftest import state
from .test_runner import cli, make_notebook

SPEAKS = "from analysis.data import i18n\ni18n.set_language(language)\nprint('says', i18n._('n/a'))"


def test_a_notebook_with_a_language_parameter_is_built_in_both_editions(workspace):
    make_notebook(workspace["notebooks"], "01-l", SPEAKS, params='language = "en"')
    result = cli()
    assert result.returncode == 0, result.stderr
    reports = workspace["reports"]
    english = (reports / "01-l.html").read_text(encoding="utf-8")
    chinese = (reports / "zh-Hans" / "01-l.html").read_text(encoding="utf-8")
    assert "says n/a" in english and "says 无数据" in chinese
    assert '<html lang="en">' in english and '<html lang="zh-Hans">' in chinese
    assert '<link rel="alternate" hreflang="zh-Hans" href="zh-Hans/01-l.html">' in english
    assert '<link rel="alternate" hreflang="en" href="../01-l.html">' in chinese
    assert re.search(r'<a href="zh-Hans/01-l.html" hreflang="zh-Hans" lang="zh-Hans" class="zt-edition">中文</a>', english)
    assert re.search(r'<a href="../01-l.html" hreflang="en" lang="en" class="zt-edition">English</a>', chinese)
    index = (reports / "zh-Hans" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in index and 'hreflang="en" href="../index.html"' in index
    zh_state = json.loads((workspace["build"] / "zh-Hans" / "state.json").read_text())
    assert zh_state["notebooks"]["01-l"]["parameters"] == {"language": "zh-Hans"}
    assert state(workspace)["notebooks"]["01-l"]["parameters"] == {}  # English: the notebook's own default
    assert f"index: {reports / 'zh-Hans' / 'index.html'}" in result.stdout

    again = cli()  # nothing changed: both editions cached
    assert again.returncode == 0 and "01-l: cached" in again.stdout and "zh-Hans/01-l: cached" in again.stdout


def test_a_notebook_without_a_language_parameter_is_english_only(workspace):
    make_notebook(workspace["notebooks"], "01-plain", "print('plain')")
    result = cli()
    assert result.returncode == 0, result.stderr
    page = (workspace["reports"] / "01-plain.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "hreflang" not in page and "zt-editions" not in page
    assert not (workspace["reports"] / "zh-Hans").exists()


def test_language_picks_the_editions(workspace):
    make_notebook(workspace["notebooks"], "01-l", SPEAKS, params='language = "en"')
    result = cli("--language", "zh-Hans")
    assert result.returncode == 0, result.stderr
    assert (workspace["reports"] / "zh-Hans" / "01-l.html").is_file()
    assert not (workspace["reports"] / "01-l.html").exists()


def test_a_bad_language_or_language_as_a_parameter_is_refused_in_one_line(workspace):
    make_notebook(workspace["notebooks"], "01-l", SPEAKS, params='language = "en"')
    bad = cli("--language", "fr")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].endswith("language 'fr': expected one of en, zh-Hans")
    as_parameter = cli("-p", "language", "zh-Hans")
    assert as_parameter.returncode == 2
    assert "parameter 'language': the edition is chosen with --language (en, zh-Hans), not with -p" in as_parameter.stderr
    assert not workspace["reports"].exists() or not any(workspace["reports"].iterdir())
