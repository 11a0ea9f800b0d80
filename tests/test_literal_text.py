"""Text from the dataset is literal everywhere, the pages forbid script, and parameters mean the same
everywhere (issue 13). The renderers are the real ones: nbconvert's Markdown filter and the report page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from nbconvert.filters.markdown import markdown2html
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import analysis
from analysis.builder.render import to_html
from analysis.data import params
from analysis.present import narrative
from analysis.present.index import CONTENT_SECURITY_POLICY

#: Markdown and HTML that would make a link, a script, an image, formatting or structure.
PAYLOADS = [
    "[y](javascript:alert(5))",
    "[click](https://evil.example/)",
    "<https://evil.example/auto>",
    "https://evil.example/bare and www.evil.example",
    "![img](x.png)",
    "**bold** __strong__ *em* _em_ ~~strike~~ `code`",
    "# heading",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quote",
    "- item",
    "1. item",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "[ref]: javascript:alert(3)\n[ref]",
    "&lt;entity&gt; &amp; \\*escaped\\* $x^2$",
    "line one\n\nline two",
]

STRUCTURE = ["a", "img", "script", "strong", "em", "del", "s", "code", "h1", "table", "blockquote", "ul", "ol"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_escaped_text_renders_literally_through_markdown(text):
    html = markdown2html(narrative.escape(text))
    soup = BeautifulSoup(html, "html.parser")
    assert [t.name for t in soup.find_all(STRUCTURE)] == [], html
    assert " ".join(soup.get_text().split()) == " ".join(text.split())


@pytest.mark.parametrize("text", PAYLOADS)
def test_escaped_text_is_literal_html_too(text):
    soup = BeautifulSoup(f"<p>{narrative.escape(text)}</p>", "html.parser")
    assert [t.name for t in soup.find_all(STRUCTURE)] == []
    assert soup.get_text() == text


def test_escape_keeps_plain_text_readable():
    assert narrative.escape("Per capita income 75000 yuan 人均可支配收入") == "Per capita income 75000 yuan 人均可支配收入"
    assert narrative.escape("[a]") == "&#91;a&#93;"


def _page(markdown_output: str) -> BeautifulSoup:
    nb = new_notebook(cells=[
        new_markdown_cell("# Title\n\nIntro."),
        new_markdown_cell("## Section"),
        new_code_cell("display(Markdown(text))", outputs=[
            new_output("display_data", data={"text/markdown": markdown_output, "text/plain": "<Markdown>"}),
        ]),
    ])
    return BeautifulSoup(to_html(nb), "html.parser")


def test_report_page_shows_dataset_markdown_as_text():
    text = " ".join(PAYLOADS[:7])
    soup = _page(narrative.escape(text))
    body = soup.find(class_="jp-OutputArea-output")
    assert [t.name for t in body.find_all(STRUCTURE)] == []
    assert " ".join(body.get_text().split()) == " ".join(text.split())
    assert not soup.find("a", href=lambda h: h and h.startswith("javascript"))


def test_report_page_forbids_script_and_has_no_script_tag():
    soup = _page("plain")
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and meta["content"] == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in meta["content"] and "default-src 'none'" in meta["content"]
    assert soup.find_all("script") == []  # not even an empty <script src="">
    assert soup.head.find_all("meta")[0].get("charset") or soup.head.find_all("meta")[0] is meta


def test_index_template_carries_the_policy():
    text = (analysis.__path__[0] + "/present/templates/index.html.j2")
    with open(text, encoding="utf-8") as fh:
        assert '<meta http-equiv="Content-Security-Policy" content="{{ csp }}">' in fh.read()


# --- one parameter check ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset():
    return analysis.load()


def test_jiaxing_report_accepts_jiaxing_and_its_places_only(dataset):
    assert params.accepted_places(dataset, "05-jiaxing", "geography") == ["Jiaxing", "Jiashan", "Jiaxing Port"]
    params.check_parameters(dataset, "05-jiaxing", geography="Jiashan", comparison="Zhejiang")
    with pytest.raises(ValueError, match=r"parameter geography='Hangzhou': expected one of Jiaxing, Jiashan, "
                                         r"Jiaxing Port \(05-jiaxing accepts Jiaxing and the places within it\)$"):
        params.check_parameters(dataset, "05-jiaxing", geography="Hangzhou")
    # the themed reports accept any place of the dataset
    params.check_parameters(dataset, "01-income-gap", geography="Hangzhou")


def test_within_follows_the_declared_places():
    places = ["Zhejiang", "Jiaxing", "Jiashan", "Jiaxing Port", "Hangzhou"]
    assert params.within("Jiaxing", places) == ["Jiaxing", "Jiashan", "Jiaxing Port"]
    assert params.within("Jiashan", places) == ["Jiashan"]
    assert params.within("Hangzhou", places) == ["Hangzhou"]  # no "Jiashan" slipped in, as the old filter did
    assert params.within("Zhejiang", places) == ["Zhejiang", "Hangzhou", "Jiashan", "Jiaxing", "Jiaxing Port"]


def test_every_notebook_checks_its_parameters_with_the_one_check():
    import json

    from analysis.data import paths

    for path in sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb")):
        source = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        assert f"params.check_parameters(dataset, '{path.stem}'" in source, path.name
        assert "narrative.check_parameters" not in source
    assert not hasattr(narrative, "check_parameters")
