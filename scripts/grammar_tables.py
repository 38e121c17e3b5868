"""Write the two tables zopa computes from its grammar and shipped codebooks ahead of time, so that a run does
not compute them at each start:

* ``src/zopa/data/verb-forms-en.json``: every inflection of the verb lemmas they list, as the installed
  LemmInflect gives them (read by ``zopa.grammar.verb_forms``; loading LemmInflect's tables costs about
  0.3 CPU s);
* ``src/zopa/data/checked-cues.json``: the cue patterns they hold that ``zopa.safe_regex.check_cue`` passes,
  with the key of the checker that passed them (its source and the Python version; about 0.2 CPU s).

A table is used only for what it holds, and only with the LemmInflect version or the checker that made it;
anything else is computed as before. Run this after changing a verb or cue list in
``src/zopa/data/grammar-en.yaml`` or a shipped codebook, ``src/zopa/safe_regex.py``, or LemmInflect
(``tests/test_codebook.py`` fails until the tables agree):

    python scripts/grammar_tables.py
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from zopa.codebook import Codebook, load_codebook
from zopa.grammar import (
    PATTERN_FIELDS,
    STANCE_KEYS,
    VERB_FIELDS,
    VERB_FORMS_FILE,
    Grammar,
    default_grammar,
    inflect,
)
from zopa.safe_regex import CHECKED_FILE, check_cue_now, checker_key

ROOT = Path(__file__).resolve().parents[1]


def shipped_codebooks() -> list[Codebook]:
    paths = sorted([*(ROOT / "codebooks").glob("*.yaml"), *(ROOT / "src/zopa/codebooks").glob("*.yaml")])
    return [load_codebook(path) for path in paths]


def _grammars() -> list[Grammar]:
    return [default_grammar(), *(codebook.grammar for codebook in shipped_codebooks())]


def shipped_lemmas() -> list[str]:
    """The verb lemmas of the default grammar and of every codebook shipped with zopa, normalised."""
    lemmas = {lemma for g in _grammars() for field in VERB_FIELDS for lemma in getattr(g, field)}
    return sorted({" ".join(lemma.split()) for lemma in lemmas})


def shipped_cues() -> list[str]:
    """Every cue pattern of the default grammar and the shipped codebooks (their issue and anchor cues)."""
    cues: set[str] = set()
    for g in _grammars():
        cues.update(p for f in PATTERN_FIELDS for p in getattr(g, f))
        cues.update(p for key in STANCE_KEYS for p in getattr(g.stance_cues, key))
    for codebook in shipped_codebooks():
        for issue in codebook.issues:
            cues.update(issue.cues)
            cues.update(c for anchor in issue.anchors for c in anchor.cues)
    return sorted(cues)


def verb_forms_table() -> dict[str, object]:
    forms = {lemma: list(inflect(lemma)) for lemma in shipped_lemmas()}
    return {"lemminflect": version("lemminflect"), "forms": forms}


def checked_cues_table() -> dict[str, object]:
    return {"checker": checker_key(), "cues": [cue for cue in shipped_cues() if _passes(cue)]}


def _passes(cue: str) -> bool:
    try:
        check_cue_now(cue)
    except ValueError:
        return False
    return True


def render(data: dict[str, object]) -> str:
    """A table as JSON, one entry a line (readable diffs): its key, then its one list or mapping."""
    (key_name, key), (items_name, items) = data.items()
    if isinstance(items, dict):
        lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in items.items()]
        opening, closing = "{", "}"
    else:
        assert isinstance(items, list)
        lines = [f"  {json.dumps(item, ensure_ascii=False)}" for item in items]
        opening, closing = "[", "]"
    return (
        "{" + f"{json.dumps(key_name)}: {json.dumps(key)}, {json.dumps(items_name)}: {opening}\n"
        + ",\n".join(lines) + f"\n{closing}}}\n"
    )


def main() -> None:
    for path, table in ((VERB_FORMS_FILE, verb_forms_table()), (CHECKED_FILE, checked_cues_table())):
        path.write_text(render(table), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
