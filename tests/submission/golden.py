"""Golden verdicts: what the validator decided on the corpus (``corpus.py``) and on one city's demo
files, written down field by field, so a new implementation of the validator can be held to
exactly the same outcome (``test_golden.py``).

``golden_verdicts.json`` was recorded with the per-row Python validator (before issue 17 moved
the row checks into DuckDB) and is the reference the set-based validator must reproduce: the same
accepted rows (line, ward, period, metric, value to the bit, note), the same rejections (line,
column, reason, codes, raw value and line, both messages, parameters), the same consistency
warnings, the same file-level errors. Re-record it only for a deliberate change of behaviour:

    uv run python -m tests.submission.golden
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from orchestration.core.quality.rules import parse_rows
from orchestration.core.reference import Reference, load_reference
from orchestration.core.submission.validate import validate_file

from .corpus import CORPUS, options_today

GOLDEN = Path(__file__).parent / "golden_verdicts.json"
DEMO_CITY = "01"
DEMO_TODAY = date(2026, 11, 26)
LISTED = 100  # longer lists are kept as a count, a digest and their first HEAD entries
HEAD = 20


def _plain(value):
    """JSON-able and exact: floats by repr (every bit), dates ISO."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _listed(entries: list) -> list | dict:
    if len(entries) <= LISTED:
        return entries
    text = json.dumps(entries, ensure_ascii=False, sort_keys=True)
    return {
        "count": len(entries),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "head": entries[:HEAD],
    }


def record(verdict) -> dict:
    """Everything a verdict says, in a form that compares exactly."""
    rows = [_plain(list(dataclasses.asdict(row).values())) for row in verdict.rows]
    rejections = [
        _plain([r.line, r.column, r.reason, r.ward_code, r.period, r.metric_code, r.raw_value,
                r.raw_line, r.message_vi, r.message_en, r.params])
        for r in verdict.rejections
    ]  # fmt: skip
    warnings = [
        _plain([f.rule.rule_id, f.ward_code, f.period, f.left_value, f.right_value,
                {f"{m}@{lag}": v for (m, lag), v in sorted(f.values.items())}])
        for f in verdict.warnings
    ]  # fmt: skip
    return {
        "format": verdict.format,
        "encoding": verdict.encoding,
        "delimiter": verdict.delimiter,
        "kind": verdict.kind,
        "error": verdict.error,
        "error_vi": verdict.error_vi,
        "error_en": verdict.error_en,
        "error_reason": verdict.error_reason,
        "periods": verdict.periods,
        "exit_code": verdict.exit_code,
        "rows": _listed(rows),
        "rejections": _listed(rejections),
        "warnings": _listed(warnings),
    }


def reference_for(options: dict) -> Reference:
    reference = load_reference()
    if "rules" not in options:
        return reference
    columns = ("rule_id", "effective_from", "effective_to", "severity", "left_side",
               "comparator", "right_side")  # fmt: skip
    rows = [
        {**dict(zip(columns, rule, strict=True)), "message_vi": f"quy tắc {rule[0]}",
         "message_en": f"rule {rule[0]}"}
        for rule in options["rules"]
    ]  # fmt: skip
    rules = parse_rows(rows, set(reference.metrics), Path("corpus_rules.csv"))
    return dataclasses.replace(reference, rules=rules)


def corpus_files(out: Path) -> dict[str, tuple[Path, Reference, date]]:
    """Every corpus file written under ``out``, with the reference and day it is judged with."""
    found = {}
    for name, (build, options) in CORPUS.items():
        folder = out / name
        folder.mkdir(parents=True)
        found[name] = (build(folder), reference_for(options), options_today(options))
    return found


def demo_files(out: Path) -> dict[str, tuple[Path, Reference, date]]:
    """One city's demo submissions, every month (formats, defects, revisions, a broken file)."""
    from orchestration.demo.files import write_demo_files

    files = write_demo_files(out, today=DEMO_TODAY, cities=[DEMO_CITY])
    reference = load_reference()
    return {f"demo_{f.name}": (out / f.name, reference, DEMO_TODAY) for f in files}


def records(files: dict[str, tuple[Path, Reference, date]]) -> dict[str, dict]:
    found = {}
    for name, (path, reference, today) in files.items():
        found[name] = record(validate_file(path, reference=reference, today=today))
        if name.startswith("demo_"):  # the generator's bytes, to tell its changes from ours
            found[name]["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files = {**corpus_files(out / "corpus"), **demo_files(out / "demo")}
        found = records(files)
    GOLDEN.write_text(
        json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"recorded {len(found)} verdicts in {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
