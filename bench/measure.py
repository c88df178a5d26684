"""Run one benchmark step in its own process and measure it: wall time and peak resident memory of
the step's whole process tree (dbt subprocesses and report worker pools included).

Peak memory is the larger of two readings: the sum of the tree's resident sets sampled from
``/proc`` every 0.2 s (catches concurrent workers), and the exact peak of the largest single process
(``getrusage`` of the step and of its children, reported by the step itself). The same samples give
each process's own peak (``processes``: the largest, with their command lines), which is what the
2 GiB-per-process goal of issue 17 is about.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MIB = 1024 * 1024


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields start after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def tree_rss(pid: int, per_process: dict[int, list] | None = None) -> int:
    """Bytes resident in ``pid`` and all its descendants now (0 where /proc is unavailable).
    ``per_process`` (pid → [peak bytes, command]) is updated with each process's own peak."""
    if not os.path.isdir("/proc"):
        return 0
    children = _children_map()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                rss = int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            rss = 0
        total += rss
        if per_process is not None and rss:
            seen = per_process.get(current)
            if seen is None:
                per_process[current] = seen = [0, _command(current)]
            seen[0] = max(seen[0], rss)
        todo += children.get(current, [])
    return total


def _command(pid: int) -> str:
    """A short name for a process: its program and first arguments (no paths to the venv)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            parts = handle.read().split(b"\0")
    except OSError:
        return "?"
    words = [os.path.basename(p.decode(errors="replace")) for p in parts[:1]]
    words += [p.decode(errors="replace") for p in parts[1:6] if p]
    return " ".join(words)[:120]


def top_processes(per_process: dict[int, list], count: int = 8) -> list[dict]:
    largest = sorted(per_process.items(), key=lambda item: -item[1][0])[:count]
    return [{"pid": pid, "peak_mib": round(peak / MIB, 1), "command": command}
            for pid, (peak, command) in largest]  # fmt: skip


def own_peak_bytes() -> int:
    """Exact peak of this process and of the largest child it waited for (Linux: KiB units)."""
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return peak * (1 if sys.platform == "darwin" else 1024)


def cpu_seconds() -> float:
    """User + system CPU of this process and the children it waited for (worker pools, dbt)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> float | None:
    """The machine's 1-minute load: on a shared machine, how many cores others were using."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


@dataclass
class StepRun:
    name: str
    result: dict  # what the step wrote (its own timings and counts)
    wall_seconds: float  # the whole process, interpreter start-up and imports included
    peak_mib: float
    load_before: float | None = None
    processes: list[dict] | None = None  # the largest processes of the step, each at its peak


class StepFailed(RuntimeError):
    """A step exited non-zero; ``result`` is what it managed to record (a breakdown of the failed
    run, say)."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.result = result or {}


def run_step(
    name: str, work: Path, env: dict[str, str] | None = None, *, command: list[str] | None = None
) -> StepRun:
    """``python -m bench.steps NAME WORK`` (or ``command``) in a fresh process, sampled meanwhile.
    A step writes ``WORK/steps/NAME.json``; a plain command's result is just its exit status."""
    out = work / "steps" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    command = command or [sys.executable, "-m", "bench.steps", name, str(work)]
    log = work / "steps" / f"{name}.log"
    load_before = load_average()
    started = time.perf_counter()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command, env={**os.environ, **(env or {})}, stdout=log_file, stderr=subprocess.STDOUT
        )
        peak = 0
        per_process: dict[int, list] = {}
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, tree_rss(process.pid, per_process))
                stop.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if code != 0:
        message = result.pop("error", None) or log.read_text("utf-8", errors="replace")[-3000:]
        raise StepFailed(f"step {name} failed (exit {code}; log {log}):\n{message}", result)
    peak = max(peak, result.pop("own_peak_bytes", 0))
    return StepRun(
        name, result, wall, round(peak / MIB, 1), load_before, top_processes(per_process)
    )
