"""The arguments passed to dbt, built by small pure functions (unit-tested in tests/orchestration).

Dagster hands a run one partition key or a range of them; dbt's incremental models take the months
to rebuild as vars. Keeping this translation pure keeps it testable without running dbt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from orchestration.core.periods import Period

# A month's figures feed later months' verdicts: its statistical year to date (up to 11 months on),
# rolling 12 months (11 on), and the change against the prior year (12 + 11 on). Rebuilding month m
# therefore also rebuilds m+1 … m+23, so a late revision never leaves a stale verdict behind.
DEPENDENT_MONTHS = 23


def affected_range(partition_keys: Sequence[str], last_available: str) -> tuple[str, str]:
    """The months to rebuild for a run over ``partition_keys``: from the first one to 23 months
    after the last, but never past the latest partition that exists."""
    keys = sorted(partition_keys)
    last = min(Period.parse(keys[-1]).shift(DEPENDENT_MONTHS), Period.parse(last_available))
    return keys[0], str(max(last, Period.parse(keys[-1])))


def period_vars(partition_keys: Sequence[str] | None, last_available: str | None = None) -> dict:
    """dbt vars for the statistical months a run covers (none = every month: a full build)."""
    if not partition_keys:
        return {}
    keys = sorted(partition_keys)
    first, last = affected_range(keys, last_available) if last_available else (keys[0], keys[-1])
    return {"period_from": first, "period_to": last}


# dbt unit tests pin the models' logic on fixed inputs; they belong to the test suite (tests/models
# runs them), not to production builds, where a month's vars would filter their inputs away.
PRODUCTION_EXCLUDES = ["--exclude-resource-type", "unit_test"]


def build_args(
    partition_keys: Sequence[str] | None = None, *, last_available: str | None = None
) -> list[str]:
    """`dbt build …` for a run: vars for its months (none: every month)."""
    args = ["build", *PRODUCTION_EXCLUDES]
    dbt_vars = period_vars(partition_keys, last_available)
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    return args
