"""The indicator pages' executor (analysis.builder.inprocess): a notebook run in this process's IPython
shell gives the outputs a Jupyter kernel gives (checked against papermill with a kernel, its peer),
fails on the right cell, stops at its time limit and leaves nothing behind for the next notebook."""

from __future__ import annotations

import copy

import nbformat
import pytest

from analysis.builder import inprocess, plan, render


def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_markdown_cell("# Title"),
                *(nbformat.v4.new_code_cell(s) for s in sources)]
    return inprocess.prepared(nb)


def test_displays_and_prints_become_the_cells_outputs():
    nb = inprocess.parameterize(_notebook(
        "from IPython.display import HTML, Markdown, display\nprint('hello', x)\ndisplay(Markdown('**x** is %d' % x))",
        "display(HTML('<b>%d</b>' % (x * 2)))\nx + 40"), {"x": 2})
    inprocess.execute(nb, inprocess.shell(), timeout=30)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4]  # the parameters, the injected cell, then the two
    first, second = code[2].outputs, code[3].outputs
    assert first[0] == nbformat.v4.new_output("stream", name="stdout", text="hello 2\n")
    assert first[1]["output_type"] == "display_data" and first[1]["data"]["text/markdown"] == "**x** is 2"
    assert second[0]["data"]["text/html"] == "<b>4</b>"
    assert second[1]["data"]["text/plain"] == "42"  # a cell's last value is shown, as in a notebook
    nbformat.validate(nb)


def test_a_failing_cell_is_named_and_the_namespace_does_not_leak():
    sh = inprocess.shell()
    nb = inprocess.parameterize(_notebook("leftover = 5", "1 / (x - 3)"), {"x": 3})
    with pytest.raises(inprocess.CellError) as caught:
        inprocess.execute(nb, sh, timeout=30)
    assert (caught.value.number, caught.value.ename, caught.value.evalue) == (4, "ZeroDivisionError", "division by zero")
    assert caught.value.source == "1 / (x - 3)"
    nb = inprocess.parameterize(_notebook("assert 'leftover' not in globals(), 'leaked'"), {"x": 1})
    inprocess.execute(nb, sh, timeout=30)  # the next notebook starts from an empty namespace
    syntax = inprocess.parameterize(_notebook("def broken(:"), {"x": 1})
    with pytest.raises(inprocess.CellError) as caught:
        inprocess.execute(syntax, sh, timeout=30)
    assert caught.value.number == 3 and caught.value.ename == "SyntaxError"


def test_a_context_variable_set_by_a_notebook_stays_its_own():
    """A kernel's state never reaches the build: the edition's language a page sets (a context
    variable) is gone when the page ends, so the next words the build writes are in its own."""
    from analysis.data import i18n

    nb = inprocess.parameterize(_notebook("from analysis.data import i18n\ni18n.set_language('zh-Hans')\n"
                                          "print(i18n._('Contents'))"), {"x": 1})
    with i18n.language("en"):
        inprocess.execute(nb, inprocess.shell(), timeout=30)
        assert i18n.current() == "en" and i18n._("Contents") == "Contents"
    assert nb.cells[-1].outputs[0]["text"] == "目录\n"


def test_a_notebook_past_its_time_limit_stops():
    nb = inprocess.parameterize(_notebook("import time\ntime.sleep(30)"), {"x": 1})
    with pytest.raises(inprocess.CellTimeout):
        inprocess.execute(nb, inprocess.shell(), timeout=1)
    after = inprocess.parameterize(_notebook("y = x + 1"), {"x": 1})
    inprocess.execute(after, inprocess.shell(), timeout=5)  # the alarm is off: the shell goes on


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_a_page_executed_here_renders_as_the_one_a_kernel_executes(language):
    """The peer: papermill with a Jupyter kernel (the way every page was built before) on the same
    template and parameters; both executed notebooks rendered by the pages' exporter are equal."""
    import papermill

    from analysis.data import i18n

    template = nbformat.read(plan.template(), as_version=4)
    params = {"indicator_id": "urban_rural_income_ratio", "as_of_year": 2025, "alpha": 0.1, "language": language}
    by_kernel = papermill.execute_notebook(copy.deepcopy(template), None, parameters=params, kernel_name="python3",
                                           progress_bar=False, cwd=str(plan.template().parent))
    here = inprocess.execute(inprocess.parameterize(inprocess.prepared(template), params), inprocess.shell(), 120)
    exporter = render.page_exporter()
    with i18n.language(language):
        pages = [render.render_page(nb, render.page_title(nb), exporter) for nb in (by_kernel, here)]
    assert "urban_rural_income_ratio" in pages[0] or "城乡" in pages[0]
    assert pages[1] == pages[0]
