"""Reading the YAML files people write by hand (codebooks, plans, scenarios, overrides, model tables).

:func:`read_yaml` gives the data and where each value stands in the file, so that a problem found later (a
field that fails validation) can name its line too. A file that is not valid YAML fails with the file, line
and column and the problem in plain words, never PyYAML's parser jargon:

    my.yaml:45:5: not valid YAML: this line is indented differently from the block that starts at line 3
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from zopa.errors import ZopaError

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file: its data and the (line, column) of every mapping value and list item."""

    path: Path
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def mark(self, loc: Sequence[str | int]) -> tuple[int, int] | None:
        """(line, column) of the deepest part of ``loc`` the file holds."""
        key = tuple(loc)
        while key:
            mark = self.marks.get(key)
            if mark is not None:
                return mark
            key = key[:-1]
        return None

    def where(self, loc: Sequence[str | int]) -> str:
        """``file:line:column`` of ``loc`` (``file`` if the file does not hold it)."""
        mark = self.mark(loc)
        return f"{self.path}:{mark[0]}:{mark[1]}" if mark is not None else str(self.path)


def _marks(node: yaml.Node | None) -> dict[Loc, tuple[int, int]]:
    out: dict[Loc, tuple[int, int]] = {}
    stack: list[tuple[Loc, yaml.Node]] = [((), node)] if node is not None else []
    expanded: set[int] = set()  # an alias repeats a node, and may hold itself ("a: &x [1, *x]")
    while stack:
        loc, current = stack.pop()
        out.setdefault(loc, (current.start_mark.line + 1, current.start_mark.column + 1))
        if id(current) in expanded:
            continue
        expanded.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    # a field's problem is shown at its key ("anchors:"), not at the first line under it
                    out[(*loc, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
                    stack.append(((*loc, key.value), value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(((*loc, i), item) for i, item in enumerate(current.value))
    return out


def plain_problem(exc: yaml.YAMLError) -> str:
    """What a YAML error means, in the words of someone editing the file."""
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = getattr(exc, "context_mark", None)
    opened = f" (it starts at line {context.line + 1})" if context is not None else ""
    if problem.startswith("expected <block end>"):
        return f"this line is indented differently from the block it belongs to{opened}"
    if problem.startswith("mapping values are not allowed"):
        return "a ': ' where a value was expected; quote a value that holds ': ', or check the indentation"
    if re.match(r"expected ',' or '[\]}]', but got ':'", problem):
        return "a ':' inside a value in [...] or {...}; put that value in quotes ('...')"
    if re.match(r"expected ',' or '[\]}]'", problem):
        return f"a [...] or {{...}} that is not closed{opened}"
    if "'\\t'" in problem:
        return "a tab character; indent with spaces"
    escape = re.match(r"found unknown escape character '(.)'", problem)
    if escape:
        return (
            f"'\\{escape.group(1)}' in a double-quoted text; write regular expressions in single quotes "
            f"('\\{escape.group(1)}...')"
        )
    if problem.startswith("found unexpected end of stream"):
        return f"a quotation that is never closed{opened}"
    if problem.startswith("could not find expected ':'"):
        return f"a line that is not 'key: value' or '- item' (a ':' missing?){opened}"
    return problem + opened


def read_yaml(path: str | Path, *, what: str, error: Callable[[str, str], ZopaError]) -> YamlFile:
    """Read a YAML file a person wrote. Any problem raises ``error(where, problem)``: ``where`` is the
    file (with ``:line:column`` for YAML syntax), ``problem`` what is wrong (``no such codebook file``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(path), f"no such {what} file") from None
    except IsADirectoryError:
        raise error(str(path), f"a folder, not a {what} file") from None
    except UnicodeDecodeError:
        raise error(str(path), f"not UTF-8 text (save the {what} file as UTF-8)") from None
    except OSError as exc:
        raise error(str(path), f"cannot read it ({exc.strerror})") from None
    try:
        node, data = _parse(text, _FAST_LOADER)
    except (yaml.YAMLError, RecursionError):
        # PyYAML's parser has the last word, and its words are the ones plain_problem reads
        try:
            node, data = _parse(text, yaml.SafeLoader)  # refuses control characters already (a ReaderError)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
            raise error(where, f"not valid YAML: {plain_problem(exc)}") from None
        except RecursionError:
            raise error(str(path), "not valid YAML: nested too deeply") from None
    return YamlFile(path, data, _marks(node))


# libyaml's parser where PyYAML was built with it (about 7x faster on a codebook; its nodes carry the same
# marks, and the data is built by the same constructor); PyYAML's own parser otherwise
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, loader_class: Any) -> tuple[yaml.Node | None, Any]:
    """The root node of a one-document YAML text and the data built from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


# "actors[3].speaks_for[0].party: ..." at the start of a validator's message: the field it is about
_PATH_IN_MESSAGE = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*): ")


def _loc_of(path: str) -> Loc:
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"[A-Za-z_]\w*|\d+", path))


def field_problem(
    exc: ValidationError, source: str, lines: YamlFile | None = None, fields: Iterable[str] = ()
) -> str:
    """One line for the first problem pydantic found: ``file:line:column: field a.0.b: what is wrong``.

    An unknown key says which field was meant; a key with spaces and no value is the rest of a text that a
    comma cut in two inside ``{...}`` (``{value: 50, meaning: fees, or less}``), and says to quote it."""
    err = exc.errors()[0]
    loc: Loc = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    shown = ".".join(str(p) for p in loc)
    if not loc:
        inside = _PATH_IN_MESSAGE.match(msg)
        if inside is not None:
            loc, shown, msg = _loc_of(inside.group(1)), inside.group(1), msg[inside.end() :]
    if err["type"] == "extra_forbidden" and loc:
        key = str(loc[-1])
        if " " in key.strip() and err.get("input") is None:
            msg = (
                f"'{key}' is not a field: it looks like the end of a text cut at a comma; inside {{...}} put "
                'a text that holds a comma in quotes (meaning: "a, b")'
            )
        else:
            known = set(fields)
            close = difflib.get_close_matches(key, sorted(known - {key}), n=1, cutoff=0.6)
            if key in known:  # a field of another kind of entry ("party" in a title, not in speaks_for)
                msg = f"'{key}' is not a field here (it belongs to another kind of entry in this file)"
            else:
                msg = f"'{key}' is not a field here" + (f" (did you mean '{close[0]}'?)" if close else "")
    elif err["type"] == "missing":
        msg = "missing (it is required)"
    where = lines.where(loc) if lines is not None else source
    return f"{where}: field {shown}: {msg}" if shown else f"{where}: {msg}"


# --- YAML inputs validated with pydantic (scenario, plan, overrides, backtest outcome) -------------------


class InputModel(BaseModel):
    """Base of a validated YAML input: unknown keys are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def load_yaml_model(path: str | Path, model: type[M], *, what: str) -> M:
    """Read ``path`` (:func:`read_yaml`) and validate it as ``model``; a problem raises
    :class:`~zopa.errors.InputError` naming the file, line, column, field and what is wrong."""
    from zopa.errors import InputError

    doc = read_yaml(path, what=what, error=InputError)
    return validate_model(doc.data, model, source=str(doc.path), lines=doc, what=what)


def validate_model(
    data: Any, model: type[M], *, source: str, lines: YamlFile | None = None, what: str = "input"
) -> M:
    """``data`` validated as ``model`` (a mapping built in code has no lines: its errors name the field)."""
    from zopa.errors import InputError

    if data is None:
        data = {}
    if not isinstance(data, dict):
        where = lines.where(()) if lines is not None else source
        raise InputError(where, f"a {what} file is a mapping of fields, not a {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        text = field_problem(exc, source, lines, _field_names(model))
        cut = text.index(": ", len(source))  # "where: problem"; where is the file with its line, if known
        raise InputError(text[:cut], text[cut + 2 :]) from None


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and of the models inside it (for 'did you mean ...')."""
    names: set[str] = set()
    todo: list[Any] = [model]
    while todo:
        current = todo.pop()
        if isinstance(current, type) and issubclass(current, BaseModel) and current.__name__ not in names:
            names.add(current.__name__)
            for name, f in current.model_fields.items():
                names.add(name)
                todo.extend(getattr(f.annotation, "__args__", ()) or (f.annotation,))
    return {n for n in names if n[:1].islower()}
