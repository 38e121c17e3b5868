"""Every mistake a new user made in their first hour, fed to the real ``zopa`` entry point: one line in the
user's words, no exception class names, the suggestion, the line number."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli

# "NoSuchOption:", "MissingParameter", "ModuleNotFoundError", "KeyError", ...
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:Error|Exception)?\b|\b\w+(?:Error|Exception)\b")

MINIMAL = """\
name: talks
actors:
  - id: north
    name: North
    kind: state
    capability: 0.5
issues:
  - id: fees
    label: Port fees
    cues: ['\\bfees\\b']
"""


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("zopa: error: "), err
    assert not CLASS_NAME.search(lines[0]), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected", "status"),
    [
        (["positions", "--database", "x.db"], "positions: no option --database (did you mean --db?)", 2),
        (["quotes", "--jsno"], "quotes: no option --jsno (did you mean --json?)", 2),
        (["posiitons"], "no command 'posiitons' (did you mean 'positions'?)", 2),
        (["codebook", "valdate", "x.yaml"], "codebook: no command 'valdate' (did you mean 'validate'?)", 2),
        (
            ["report"],
            "report: --html is required (write the report to this HTML file); see 'zopa report --help'",
            2,
        ),
        (["positions", "--limit", "0"], "positions: --limit: must be greater than or equal to 1", 2),
        (["codebook", "try", "missing.yaml", "text"], "missing.yaml: no such codebook file", 1),
    ],
    ids=["option", "switch", "command", "subcommand", "missing-option", "bad-value", "missing-file"],
)
def test_usage_mistakes_are_one_line_with_the_suggestion(
    args: list[str],
    expected: str,
    status: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert (code, one_line(err)) == (status, "zopa: error: " + expected)
    assert out == ""


def test_serve_without_the_web_extras_names_the_pip_install(tmp_path: Path) -> None:
    # a Python without FastAPI: the import of zopa.web fails as it would on a core install
    code = "import sys; sys.modules['fastapi'] = None; from zopa.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "serve", "--db", str(tmp_path / "z.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = one_line(result.stderr)
    assert result.returncode == 1
    assert "fastapi is not installed: it comes with zopa's 'web' extras" in line
    assert re.search(r"run: \S*python\S* -m pip install (?:-e )?'\S*\[web\]'$", line), line


def test_a_codebook_indentation_error_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "talks.yaml"
    book.write_text(MINIMAL.replace("    name: North", "   name: North"), encoding="utf-8")
    code, _, err = run_cli(["codebook", "validate", str(book)], capsys, monkeypatch)
    assert code == 1
    assert one_line(err) == (
        f"zopa: error: {book}:4:4: not valid YAML: this line is indented differently from the block it "
        "belongs to (it starts at line 3)"
    )
    # the same line wherever the codebook is read
    gold = str(tmp_path / "gold.yaml")
    code, _, err = run_cli(["eval", gold, "--codebook", str(book)], capsys, monkeypatch)
    assert code == 1 and f"{book}:4:4: not valid YAML" in one_line(err)


def test_yaml_is_read_with_libyaml_and_gives_pyyaml_data_and_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped codebooks are parsed by libyaml (C) where PyYAML has it, with the same data and the same
    line and column for every value as PyYAML's own parser gives (those name a field's problem)."""
    import yaml

    from zopa import yamlfile
    from zopa.errors import CodebookError

    assert yamlfile._FAST_LOADER is yaml.CSafeLoader
    for book in sorted((Path(yamlfile.__file__).parent / "codebooks").glob("*.yaml")):
        fast = yamlfile.read_yaml(book, what="codebook", error=CodebookError)
        monkeypatch.setattr(yamlfile, "_FAST_LOADER", yaml.SafeLoader)
        plain = yamlfile.read_yaml(book, what="codebook", error=CodebookError)
        monkeypatch.setattr(yamlfile, "_FAST_LOADER", yaml.CSafeLoader)
        assert fast.data == plain.data and fast.marks == plain.marks, book.name


def test_a_bad_cue_is_shown_as_written_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "talks.yaml"
    cues = "['\\bfees\\b', '\\bport(']"
    book.write_text(MINIMAL.replace("['\\bfees\\b']", cues), encoding="utf-8")
    code, _, err = run_cli(["codebook", "validate", str(book)], capsys, monkeypatch)
    line = one_line(err)
    assert code == 1
    # each cue is checked on its own: the line and column of the bad one, and its index
    assert line.startswith(f"zopa: error: {book}:10:24: field issues.0.cues.1: cue '\\bport(' is not a valid")
    assert "\\\\" not in line


def test_a_comma_in_a_flow_style_text_says_to_quote_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "talks.yaml"
    book.write_text(
        MINIMAL + "    anchors:\n      - {value: 50, meaning: fees on one side, or at reduced rates}\n",
        encoding="utf-8",
    )
    code, _, err = run_cli(["codebook", "validate", str(book)], capsys, monkeypatch)
    line = one_line(err)
    assert code == 1 and line.startswith(f"zopa: error: {book}:12:")
    assert "looks like the end of a text cut at a comma" in line and 'meaning: "a, b"' in line


def test_a_misspelt_codebook_field_gets_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "talks.yaml"
    book.write_text(MINIMAL.replace("    capability: 0.5", "    capabilty: 0.5"), encoding="utf-8")
    _, _, err = run_cli(["codebook", "validate", str(book)], capsys, monkeypatch)
    assert one_line(err) == (
        f"zopa: error: {book}:6:5: field actors.0.capabilty: 'capabilty' is not a field here "
        "(did you mean 'capability'?)"
    )


def test_a_field_of_another_kind_of_entry_is_not_offered_as_its_own_correction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "talks.yaml"
    book.write_text(MINIMAL.replace("    capability: 0.5", "    titles: [{title: the chief, party: north}]"))
    _, _, err = run_cli(["codebook", "validate", str(book)], capsys, monkeypatch)
    line = one_line(err)
    assert "field actors.0.titles.0.party: 'party' is not a field here" in line
    assert "did you mean 'party'" not in line


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (["negotiation", "plan"], "plan"),
        (["negotiation", "scenario"], "scenario"),
        (["negotiation", "build", "--overrides"], "overrides"),
        (["model", "run"], "negotiation table"),
    ],
)
def test_yaml_errors_in_plans_scenarios_overrides_and_tables_give_the_line(
    command: list[str],
    what: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nplan:\n  tariffs: 20\n   fees: 10\n", encoding="utf-8")
    args = [*command, str(bad)]
    if command[0] == "negotiation":
        args += ["--db", str(tmp_path / "z.db")]
    code, _, err = run_cli(args, capsys, monkeypatch)
    line = one_line(err)
    assert code == 1, what
    assert line == (
        f"zopa: error: {bad}:4:8: not valid YAML: a ': ' where a value was expected; quote a value that "
        "holds ': ', or check the indentation"
    )


def test_help_shows_no_bool_type_for_switches(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zopa.cli import command

    root = command()
    paths = [[name] for name in root.commands]
    paths += [[g, name] for g, group in root.commands.items() for name in getattr(group, "commands", {})]
    for path in paths:
        code, out, _ = run_cli([*path, "--help"], capsys, monkeypatch)
        assert code == 0, path
        assert "<bool>" not in out, path
    code, out, _ = run_cli(["quotes", "--help"], capsys, monkeypatch)
    assert "--json" in out and "<str>" in out  # options that take a value still show their type


def test_an_unforeseen_failure_is_one_line_without_a_class_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object) -> None:
        raise KeyError("issues")

    monkeypatch.setattr("zopa.codebook_tools.check_codebook_file", broken)
    code, _, err = run_cli(["codebook", "validate", str(tmp_path / "x.yaml")], capsys, monkeypatch)
    line = one_line(err)
    assert code == 1
    assert line.startswith("zopa: error: something went wrong inside zopa ('issues'); ZOPA_DEBUG=1 shows")
