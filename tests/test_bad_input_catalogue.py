"""The bad-input catalogue (``tests/bad_input_catalogue.py``), every kind through the real command line: a
refused kind gives one line naming the input and the problem and a non-zero exit, the good article beside it
is stored and nothing stored before is lost; an accepted kind is read correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_input_catalogue import KINDS, Kind, make_database, run_kind


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalogue") / "template.db"
    make_database(path)
    return path


def test_the_catalogue_covers_at_least_30_kinds_in_every_group() -> None:
    groups = {k.group for k in KINDS}
    assert len(KINDS) >= 30 and len({k.name for k in KINDS}) == len(KINDS)
    assert groups >= {
        "encodings",
        "binary",
        "sizes",
        "feeds and XML",
        "JSON",
        "file system",
        "databases",
        "codebooks",
        "model tables",
    }


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_bad_input_kind(kind: Kind, template: Path, tmp_path: Path) -> None:
    outcome = run_kind(kind, tmp_path / "kind", template)
    assert outcome.ok, f"{kind.name}: {outcome.problem}\nstderr: {outcome.stderr}"
