"""A validation that passed is remembered by the sha256 of its inputs, and only for those bytes."""

from __future__ import annotations

import pytest

import analysis
from analysis.data import dataset as loader
from analysis.data.errors import DataValidationError
from tests.conftest import read_rows, write_rows


@pytest.fixture
def marks(tmp_path, monkeypatch):
    folder = tmp_path / "validated"
    monkeypatch.setenv("ZJCP_VALIDATED_DIR", str(folder))
    return folder


def _forbid_validation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(loader, "_validate_files", refuse)
    monkeypatch.setattr(loader, "_validate_frames", refuse)


def test_the_same_bytes_are_validated_once_and_read_the_same(data_copy, marks, monkeypatch):
    data = data_copy
    first = analysis.load(data)
    assert len(list(marks.iterdir())) == 1
    _forbid_validation(monkeypatch)
    second = analysis.load(data)
    for name in ("sources", "indicators", "pledges", "observations", "corrections"):
        assert getattr(first, name).equals(getattr(second, name)), name


def test_one_changed_byte_is_validated_again_and_a_bad_row_still_refused(data_copy, marks):
    data = data_copy
    analysis.load(data)
    header, rows = read_rows(data / "observations.csv")
    rows[0]["year"] = "20x5"
    write_rows(data / "observations.csv", header, rows)
    with pytest.raises(DataValidationError, match="observations.csv"):
        analysis.load(data)
    assert len(list(marks.iterdir())) == 1  # no mark for the bad bytes


def test_quotes_checked_against_the_documents_are_a_validation_of_their_own(data_copy, marks):
    data = data_copy
    analysis.load(data)
    analysis.load(data, provenance=True)
    assert len(list(marks.iterdir())) == 2


def test_a_folder_that_cannot_be_written_means_validating_every_time(tmp_path, data_copy, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ZJCP_VALIDATED_DIR", str(blocker / "validated"))
    data = data_copy
    assert len(analysis.load(data).pledges) > 0
    assert len(analysis.load(data).pledges) > 0
