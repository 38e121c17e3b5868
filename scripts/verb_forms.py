"""Write ``src/zopa/data/verb-forms-en.json``: every inflection of the verb lemmas that zopa's default grammar
and its shipped codebooks list, as the installed LemmInflect gives them (``zopa.grammar.verb_forms`` reads
it instead of loading LemmInflect's tables at each start).

Run it after changing a verb list in ``src/zopa/data/grammar-en.yaml`` or a shipped codebook's ``grammar:``,
or after upgrading LemmInflect (``tests/test_codebook.py`` fails until the file agrees):

    python scripts/verb_forms.py
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from zopa.codebook import load_codebook
from zopa.grammar import VERB_FIELDS, VERB_FORMS_FILE, default_grammar, inflect

ROOT = Path(__file__).resolve().parents[1]


def shipped_lemmas() -> list[str]:
    """The verb lemmas of the default grammar and of every codebook shipped with zopa, normalised."""
    grammars = [default_grammar()]
    for path in sorted([*(ROOT / "codebooks").glob("*.yaml"), *(ROOT / "src/zopa/codebooks").glob("*.yaml")]):
        grammars.append(load_codebook(path).grammar)
    return sorted({" ".join(lemma.split()) for g in grammars for f in VERB_FIELDS for lemma in getattr(g, f)})


def table() -> dict[str, object]:
    return {
        "lemminflect": version("lemminflect"),
        "forms": {lemma: list(inflect(lemma)) for lemma in shipped_lemmas()},
    }


def render(data: dict[str, object]) -> str:
    """The table as JSON, one lemma a line (readable diffs)."""
    forms = data["forms"]
    assert isinstance(forms, dict)
    lines = [f"  {json.dumps(lemma)}: {json.dumps(f)}" for lemma, f in forms.items()]
    return '{"lemminflect": ' + json.dumps(data["lemminflect"]) + ', "forms": {\n' + ",\n".join(lines) + "\n}}\n"


def main() -> None:
    VERB_FORMS_FILE.write_text(render(table()), encoding="utf-8")
    print(f"wrote {VERB_FORMS_FILE}")


if __name__ == "__main__":
    main()
