"""YAML input files (scenario, plan, overrides, backtest outcome) read and validated with pydantic, as the
codebook is; a bad file is refused with one line naming the file, the line and column, the field and the
problem: ``plan.yaml:4:12: field plan.donetsk-control: Input should be less than or equal to 100``.

:func:`load_yaml_model` reads a file; :func:`validate_model` checks data already parsed (a mapping built in
code has no lines, so its errors name the field only).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from zopa.errors import InputError

M = TypeVar("M", bound=BaseModel)
Marks = dict[tuple[Any, ...], tuple[int, int]]  # field path -> (line, column), 1-based


class InputModel(BaseModel):
    """Base of every validated YAML input: unknown keys are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_yaml_model(path: str | Path, model: type[M], *, what: str) -> M:
    """Read ``path`` and validate it as ``model``; ``what`` names the kind of file in messages."""
    data, marks = read_yaml(path, what=what)
    return validate_model(data, model, source=str(path), marks=marks, what=what)


def read_yaml(path: str | Path, *, what: str) -> tuple[Any, Marks]:
    """A YAML file's data and where each field stands in it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), f"no such {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the {what} file ({exc})") from None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(where, f"not valid YAML ({problem})") from None
    marks: Marks = {}
    if node is not None:
        _collect(node, (), marks)
    return data, marks


def validate_model(
    data: Any, model: type[M], *, source: str, marks: Marks | None = None, what: str = "input"
) -> M:
    """``data`` validated as ``model``; the first problem raised as :class:`InputError` at its place."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise InputError(_at(source, marks or {}, ()), f"a {what} file is a mapping of fields, not a {kind}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required"
        elif err["type"] == "extra_forbidden":
            message = "unknown key: not a field of this file (a typo?)"
        text = f"field {field}: {message}" if loc else message
        raise InputError(_at(source, marks or {}, loc), text) from None


def _at(source: str, marks: Marks, loc: tuple[Any, ...]) -> str:
    """``source:line:column`` of the deepest part of ``loc`` the file has (a missing field: its parent)."""
    for k in range(len(loc), -1, -1):
        found = marks.get(loc[:k])
        if found is not None:
            return f"{source}:{found[0]}:{found[1]}"
    return source


def _collect(node: yaml.Node, path: tuple[Any, ...], marks: Marks) -> None:
    """Every field's place: a scalar's value, a mapping's or list's key (where the field is named)."""
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            at = key if isinstance(value, yaml.MappingNode | yaml.SequenceNode) else value
            marks[sub] = (at.start_mark.line + 1, at.start_mark.column + 1)
            _collect(value, sub, marks)
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            _collect(item, (*path, k), marks)
