"""What a model run builds, decided by small pure functions (unit-tested in tests/orchestration).

The assets look up the facts (the run's months, the stamps in the warehouse, the current
fingerprints); these functions turn them into a decision and a reason the run log can show.
"""

from __future__ import annotations

from collections.abc import Sequence


def is_full_range(partition_keys: Sequence[str], all_keys: Sequence[str]) -> bool:
    """A run over every partition is a full build: cheaper than month-by-month deletes."""
    keys = sorted(partition_keys)
    return bool(keys) and bool(all_keys) and keys[0] <= all_keys[0] and keys[-1] >= all_keys[-1]


def base_rebuild_reason(
    *, forced: bool, stamped: str | None, current: str, missing: Sequence[str]
) -> str | None:
    """Why the base models must be rebuilt, or None when their last build is still current."""
    if forced:
        return "rebuild requested"
    if stamped is None:
        return "no earlier base build in this warehouse"
    if missing:
        return "missing from the warehouse: " + ", ".join(missing)
    if stamped != current:
        return "reference data, dbt code or the last month changed"
    return None


def monthly_full_build_reason(
    partition_keys: Sequence[str], all_keys: Sequence[str], *, stamped: str | None, current: str
) -> str | None:
    """Why a run of the monthly models must build every month, or None to build only its own
    months (and those they feed)."""
    if is_full_range(partition_keys, all_keys):
        return "the run covers every month"
    if stamped is None:
        return "no earlier full build of the monthly models in this warehouse"
    if stamped != current:
        return "reference data or dbt code changed since the stored months were built"
    return None


# Every evaluation is a row written and committed on its own by the instance's storage (a few
# milliseconds with SQLite, far more on a busy disk): a full build of the demo's 71 months would
# record 261 checks × 71 months = 18,500 of them, minutes of a run that builds in one. A run over
# more months than this records the check results for its last month only; the others keep the
# run's own result (the check's output) and show their planned row as Skipped.
MONTHS_RECORDED_IN_FULL = 12


def recorded_months(months: list[str]) -> list[str]:
    """The months of a run whose planned check rows get an evaluation: all of a run over up to a
    statistical year (the monthly run, a revision's rebuild), the last month of a longer one."""
    return months if len(months) <= MONTHS_RECORDED_IN_FULL else months[-1:]
