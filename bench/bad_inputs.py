"""The bad-input catalogue's figures for the README: every kind of ``tests/bad_input_catalogue.py`` run
through the real command line, counted as refused cleanly (one line naming the input, non-zero exit, the good
article beside it stored), accepted correctly, or failed, with the stored rows lost over all kinds.

    python3 bench/bad_inputs.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bad_input_catalogue import KINDS, TABLES, make_database, run_kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        template = root / "template.db"
        make_database(template)
        outcomes = [run_kind(kind, root / f"kind-{n:02d}", template) for n, kind in enumerate(KINDS)]
    counts = Counter(("ok " if o.ok else "failed ") + o.expect for o in outcomes)
    lost = sum(max(0, o.rows_before[t] - o.rows_after[t]) for o in outcomes for t in TABLES)
    groups = Counter(k.group for k in KINDS)
    summary = {
        "kinds": len(KINDS),
        "groups": dict(groups),
        "refused_cleanly": counts["ok refused"],
        "accepted_correctly": counts["ok accepted"],
        "failed": [{"kind": o.kind, "problem": o.problem} for o in outcomes if not o.ok],
        "rows_lost": lost,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"{len(KINDS)} kinds in {len(groups)} groups: {counts['ok refused']} refused cleanly, "
            f"{counts['ok accepted']} accepted correctly, {len(summary['failed'])} failed; "
            f"stored rows lost: {lost}"
        )
        for failure in summary["failed"]:
            print(f"  FAILED {failure['kind']}: {failure['problem']}")
    return 0 if not summary["failed"] and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
