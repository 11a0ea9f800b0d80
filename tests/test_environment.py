"""environment.yml and pyproject.toml pin the same packages and versions; the Makefile documents itself."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from analysis.data import paths


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for deps in project["optional-dependencies"].values() for d in deps]
    return dict(re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(~=.+)", s).groups() for s in specs)


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    deps += [d for entry in env["dependencies"] if isinstance(entry, dict) for d in entry.get("pip", [])]  # from PyPI
    pins = dict(re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(~=.+)", d).groups() for d in deps if "~=" in d)
    return pins


def test_environment_yml_matches_pyproject():
    assert _conda_pins() == _pyproject_pins()


def test_every_dependency_is_pinned():
    assert all(spec.startswith("~=") for spec in _pyproject_pins().values())


def test_environment_yml_uses_python_311():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]


def test_make_help_lists_documented_targets():
    out = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("reports", "test", "lab", "env", "lint", "clean"):
        assert re.search(rf"make {target}\s+\S", out), target


def test_ci_runs_the_readme_test_command():
    readme = (paths.ROOT / "README.md").read_text()
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make reports" in readme
    assert "make test" in ci


# --- how to cite ------------------------------------------------------------------------------


def _citation() -> dict:
    data = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))

    def text_dates(value):  # the schema asks tools to read YAML dates as strings
        import datetime

        if isinstance(value, dict):
            return {k: text_dates(v) for k, v in value.items()}
        if isinstance(value, list):
            return [text_dates(v) for v in value]
        return value.isoformat() if isinstance(value, datetime.date) else value

    return text_dates(data)


def test_citation_file_is_valid_cff_1_2_0():
    """CITATION.cff against the Citation File Format 1.2.0 schema (vendored: no network at test time)."""
    import json

    import jsonschema

    schema = json.loads((paths.ROOT / "tests" / "assets" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    citation = _citation()
    assert sorted(e.message for e in validator.iter_errors(citation)) == []
    # and the schema does refuse what is not CFF (a missing title, an unknown key)
    broken = {k: v for k, v in citation.items() if k != "title"} | {"colour": "red"}
    assert len(list(validator.iter_errors(broken))) == 2


def test_citation_names_the_version_and_the_seed_documents():
    import analysis

    citation = _citation()
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    assert citation["version"] == analysis.__version__ == project["version"]
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"
    from analysis.present.citation import TITLE

    assert citation["title"] == TITLE  # the pages' citations say the same
    sources = analysis.load().sources
    seeds = sources[sources["document"].notna()]
    assert [r["title"] for r in citation["references"]] == list(seeds["title_en"])
    assert [r["date-published"] for r in citation["references"]] == [str(d.date()) for d in seeds["published"]]


def test_scheduled_run_publishes_the_reports_to_pages_and_keeps_the_artifact():
    workflow = yaml.safe_load((paths.ROOT / ".github" / "workflows" / "reports.yml").read_text())
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    build, deploy = workflow["jobs"]["reports"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert {"actions/upload-artifact", "actions/configure-pages", "actions/upload-pages-artifact"} <= set(uses)
    assert any(step.get("run") == "make reports" for step in build["steps"])
    pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "reports/" and "if" not in pages  # only a build that succeeded is published
    assert deploy["needs"] == "reports" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    readme = (paths.ROOT / "README.md").read_text()
    assert "python -m http.server -d reports" in readme and '"GitHub Actions"' in readme
