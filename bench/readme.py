"""The results table in ``bench/README.md``, rewritten between two markers by every run."""

from __future__ import annotations

from pathlib import Path

START = "<!-- bench:results -->"
END = "<!-- /bench:results -->"


def _size(size: dict) -> str:
    parts = []
    if "wards_old" in size:
        parts.append(f"{size['wards_old']:,}+{size['wards_new']:,} wards × {size['months']} months")
    if "rows" in size and size["rows"] is not None:
        parts.append(f"{size['rows']:,} rows")
    if size.get("files_joined"):
        parts.append(f"{size['files_joined']:,} files joined")
    if "documents" in size:
        parts.append(f"{size['documents']} docs ({'+'.join(size['formats'])})")
    if "period" in size and "documents" not in size and "mart_rows" not in size:
        parts.append(str(size["period"]))
    return ", ".join(parts) or ", ".join(f"{k}: {v}" for k, v in size.items())


def _num(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(result: dict) -> str:
    m = result["machine"]
    s = result["size"]
    lines = [
        f"Run {result['generated_at']} (`{result['command'].strip()}`, {result['total_seconds']:,.0f}s in all): "
        f"{s['wards_old']:,} old + {s['wards_new']:,} new wards, {s['months']} months "
        f"({s['first']} … {s['last']}), {s['rows']:,} submitted values in {s['files']:,} files.",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; {m['os']}; "
        f"Python {m['python']}, DuckDB {m['duckdb']}, dbt-core {m['dbt_core']} "
        f"(dbt-duckdb {m['dbt_duckdb']}), Dagster {m['dagster']}, WeasyPrint {m['weasyprint']}.",
        "",
        "| measure | size | seconds | baseline | baseline s | ratio | throughput (ours / baseline) "
        "| peak MiB (ours / baseline) | largest process MiB | CPU s (ours / baseline) "
        "| load at start |",
        "|---|---|--:|---|--:|--:|---|--:|--:|--:|--:|",
    ]
    for entry in result["measures"]:
        ratio = _num(entry["ratio"], 3)
        if entry.get("error"):
            ratio = "failed: see latest.json"
        elif entry["flagged"]:
            ratio += f" ⚠ (> {entry['limit']:g})"
        throughput = entry.get("throughput")
        rate = (
            f"{_num(throughput['ours'], 1)} / {_num(throughput['baseline'], 1)} {throughput['unit']}"
            if throughput
            else "–"
        )
        peak = _num(entry["peak_mib"], 0)
        if entry["baseline_peak_mib"] is not None:
            peak += f" / {_num(entry['baseline_peak_mib'], 0)}"
        largest = _num(entry.get("largest_process_mib"), 0)
        if entry.get("process_goal_met") is False:
            largest += " ⚠ (> 2 GiB)"
        per_core = entry.get("seconds_per_document_per_core")
        if per_core and per_core.get("ours") is not None:
            mark = "" if entry.get("goal_met") else f" ⚠ (goal {entry['goal']:g})"
            rate += f"; {per_core['ours']:.3f} / {_num(per_core.get('baseline'), 3)} s per document per core{mark}"
        if entry["name"] == "demo_end_to_end" and entry.get("goal_met") is False:
            ratio = f"⚠ (goal {entry['goal']} s)"
        cpu = _num(entry.get("cpu_seconds"), 1)
        if entry.get("baseline_cpu_seconds") is not None:
            cpu += f" / {_num(entry['baseline_cpu_seconds'], 1)}"
        lines.append(
            f"| {entry['name']} | {_size(entry['size'])} | {_num(entry['seconds'])} | "
            f"{entry['baseline'] or '–'} | {_num(entry['baseline_seconds'])} | {ratio} | {rate} | "
            f"{peak} | {largest} | {cpu} | {_num(entry.get('load_before'), 2)} |"
        )
    disk = result.get("disk") or {}
    if "warehouse" in disk:
        lines.append("")
        lines.append(
            f"Disk after the monthly run, for {disk['values']:,} submitted values: "
            + "; ".join(
                f"{name} {disk[name]['mib']:,.1f} MiB = {disk[name]['bytes_per_value']:,.1f} "
                f"bytes per value ({', '.join(f'{s} {m:,.1f}' for s, m in disk[name]['schemas_mib'].items())} MiB)"
                for name in ("warehouse", "published")
            )
            + "."
        )
    return "\n".join(lines)


def write_table(readme: Path, result: dict) -> None:
    block = f"{START}\n{table(result)}\n{END}"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Latest results\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
