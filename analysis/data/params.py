"""Notebook parameters: one check, used by ``build``, ``coverage`` and the notebooks themselves.

A parameter means the same everywhere: :data:`PARAMETER_KINDS` says what kind of value each shared
parameter takes, and :func:`check_parameters` refuses a value the dataset cannot answer for (a year
outside the data, a place not in it, a probability outside (0, 1)).

A notebook may narrow the places it accepts. It declares them in its metadata, under
``"zjcp": {"places": {"geography": "Jiaxing"}}``: the parameter ``geography`` then takes Jiaxing or
a place within it (:data:`PARENT`), and nothing else. :func:`accepted_places` reads that
declaration from the notebook file, so the runner refuses a bad value before anything runs and the
notebook, calling :func:`check_parameters` with its own name, applies the very same rule.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import i18n, paths

#: Parameters the notebooks share, and the kind of value each takes.
PARAMETER_KINDS = {"as_of_year": "year", "verdict_year": "year", "geography": "place", "comparison": "place",
                   "alpha": "probability", "language": "language"}

#: The place each place of the dataset lies within (a county or port within its city, a city within
#: the province). A place not listed lies within Zhejiang.
PARENT = {
    "Zhejiang": None,
    "Jiaxing": "Zhejiang",
    "Jiashan": "Jiaxing",
    "Jiaxing Port": "Jiaxing",
    "Hangzhou": "Zhejiang",
    "Wenzhou": "Zhejiang",
    "Yunhe County": "Zhejiang",
    "Ningbo Qianwan New District": "Zhejiang",
    "Ningbo-Zhoushan Port": "Zhejiang",
}


def _parent(place: str) -> str | None:
    return PARENT.get(place, "Zhejiang" if place != "Zhejiang" else None)


def within(place: str, places) -> list[str]:
    """``place`` and every place of ``places`` that lies within it (directly or not), sorted, ``place`` first.

    Parameters
    ----------
    place : str
    places : iterable of str
        The places to choose from (e.g. every geography of the dataset).

    Returns
    -------
    list of str
    """
    inside = set()
    for candidate in set(places):
        step = candidate
        while step is not None:
            if step == place:
                inside.add(candidate)
                break
            step = _parent(step)
    return [place] + sorted(inside - {place})


def dataset_places(dataset) -> list[str]:
    """Every place named by a pledge or an observation, sorted."""
    return sorted(set(dataset.pledges["geography"]) | set(dataset.observations["geography"]))


def declared_places(notebook: Path | str) -> dict[str, str]:
    """The notebook's declaration ``parameter -> place`` (the parameter takes that place or one within it).

    ``notebook`` is a path, or a notebook name looked up in :func:`paths.notebooks_dir`. An
    undeclared parameter (or a notebook without a declaration) takes any place of the dataset.
    """
    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = paths.notebooks_dir() / f"{path.name}.ipynb"
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return dict(metadata.get("zjcp", {}).get("places", {}))


def accepted_places(dataset, notebook: Path | str | None, name: str) -> list[str]:
    """The places parameter ``name`` accepts in ``notebook`` (any place of the dataset if undeclared)."""
    places = dataset_places(dataset)
    scope = declared_places(notebook).get(name) if notebook is not None else None
    return places if scope is None else [p for p in within(scope, places) if p in places]


def check_parameters(dataset, notebook: Path | str | None = None, **params) -> None:
    """Fail clearly on a bad notebook parameter: a ValueError naming the parameter and what it takes.

    Parameters
    ----------
    dataset : Dataset
    notebook : path or str, optional
        The notebook the parameters are for (a path or a name such as ``"05-jiaxing"``): its declared
        places narrow what a place parameter accepts.
    **params
        Parameter values. Known parameters (:data:`PARAMETER_KINDS`) are checked against the
        dataset; others are ignored.

    Raises
    ------
    ValueError
        On the first bad value, e.g. ``parameter geography='Mars': expected one of Hangzhou, ...``.
    """
    import numpy as np

    from .arguments import year_range

    for name, value in params.items():
        kind = PARAMETER_KINDS.get(name)
        low, high = year_range(dataset) if kind == "year" else (None, None)
        if kind == "year" and (
            not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not low <= value <= high
        ):
            raise ValueError(f"parameter {name}={value!r}: expected a year from {low} to {high}")
        if kind == "place":
            places = accepted_places(dataset, notebook, name)
            if value not in places:
                scope = declared_places(notebook).get(name) if notebook is not None else None
                why = f" ({Path(notebook).stem} accepts {scope} and the places within it)" if scope else ""
                raise ValueError(f"parameter {name}={value!r}: expected one of {', '.join(places)}{why}")
        if kind == "language" and value not in i18n.LANGUAGES:
            raise ValueError(f"parameter {name}={value!r}: expected one of {', '.join(i18n.LANGUAGES)}")
        if kind == "probability" and (
            not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value < 1
        ):
            raise ValueError(f"parameter {name}={value!r}: expected a number between 0 and 1")
