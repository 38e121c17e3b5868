"""The README's first screen: its two commands are what CI runs on a fresh machine, and the install script
they use fails clearly where it cannot work. Listings say how much they cut."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from cli_helpers import run_cli
from zopa.listing import first

ROOT = Path(__file__).resolve().parents[1]


def first_screen_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme[: readme.index("<!-- section:overview -->")], re.DOTALL)
    assert block is not None, "the README starts with a bash block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_the_readme_first_commands_are_what_ci_runs() -> None:
    install, tests = first_screen_commands()
    assert install == "bash scripts/install.sh && .venv/bin/zopa analyze ../shared/seeds"
    assert tests == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n  {install}\n" in ci  # run as written on a fresh clone
    test_sh = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "bash scripts/install.sh web,ray,test" in test_sh and "python3 -m pip" not in test_sh


def test_install_script_names_what_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON": str(tmp_path / "python9"), "ZOPA_VENV": str(tmp_path / "venv")}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install.sh")], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    missing = f"install.sh: {tmp_path / 'python9'} not found: install Python 3.11"
    assert result.stderr.strip().startswith(missing)
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo 'Python 3.9.2' && exit 0\nexit 1\n", encoding="utf-8")
    old.chmod(0o755)
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install.sh")], capture_output=True, text=True,
        env={**env, "PYTHON": str(old)}, timeout=60,
    )
    assert result.returncode == 1
    assert "zopa needs Python 3.11 or newer; " in result.stderr and "Python 3.9.2" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_first_says_how_many_it_cut() -> None:
    assert first([1, 2, 3, 4, 5], 3) == ([1, 2, 3], "+2 more")
    assert first([1, 2], 3) == ([1, 2], "")
    assert first([1, 2], 2, total=9) == ([1, 2], "+7 more")  # a part of a longer list


def test_the_timeline_says_how_many_statements_it_left_out(
    seeded_db: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.negotiation.service import NegotiationSource, timeline_from_db

    path = str(seeded_db.path)  # type: ignore[attr-defined]
    code, out, _ = run_cli(["negotiation", "timeline", "--db", path], capsys, monkeypatch)
    assert code == 0
    source = NegotiationSource(db=seeded_db, codebook=load_codebook(default_codebook_path()))  # type: ignore[arg-type]
    timeline = timeline_from_db(source)
    cut = [len(p.statements) - 3 for t in timeline.tracks for p in t.points if len(p.statements) > 3]
    assert cut, "the seeds have a date with more than three statements"
    assert sorted(int(n) for n in re.findall(r"\+(\d+) more", out)) == sorted(cut)
