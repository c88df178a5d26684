"""Locks: an approved ward-month keeps its figures until it is unlocked.

A later file's rows for an approved ward-month that would change it (a value that differs from
the one in force, or a metric not in force before) are loaded into ``raw.submission_values`` like
any other (nothing lost) and held: ``review.holds`` names the file × ward-month, and everything
downstream (dbt's ``stg_submission_values``, the screening, the commands) leaves held rows out.
The file's whole part for that ward-month is held together, as the validator takes or leaves a
ward-month whole. An unlock releases the holds (``release``); the next model build then uses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.core.quality.schema import SYSTEM_ACTOR, in_force_sql, next_id


@dataclass(frozen=True)
class Hold:
    file_sha256: str
    ward_code: str
    period: str
    approval_id: int
    n_values: int


def hold_changes(
    con: duckdb.DuckDBPyConnection, file_sha256: str, periods: Sequence[str], now: datetime
) -> list[Hold]:
    """Hold this file's rows (already inserted, in the caller's transaction) for approved
    ward-months of ``periods`` that they would change."""
    if not periods:
        return []
    before = in_force_sql(
        "v.file_sha256 <> $sha and exists (select 1 from mine as m "
        "where m.ward_code = v.ward_code and m.period = v.period)"
    )
    found = con.execute(
        f"""
        with approved as (
            select approval_id, ward_code, period from review.approvals where revoked_at is null
        ),
        mine as (
            select v.ward_code, v.period, v.metric_code, v.value, a.approval_id
            from raw.submission_values as v
            inner join approved as a on a.ward_code = v.ward_code and a.period = v.period
            where v.file_sha256 = $sha and v.period in (select unnest($periods::varchar[]))
        ),
        before as ({before})
        select m.ward_code, m.period, any_value(m.approval_id), count(*)
        from mine as m
        left join before as b
            on b.ward_code = m.ward_code and b.period = m.period and b.metric_code = m.metric_code
        group by m.ward_code, m.period
        having count(*) filter (where b.value is null or b.value <> m.value) > 0
        order by m.period, m.ward_code
        """,
        {"sha": file_sha256, "periods": list(periods)},
    ).fetchall()
    holds = [
        Hold(file_sha256, ward, period, int(approval), int(n))
        for ward, period, approval, n in found
    ]
    if not holds:
        return []
    con.executemany(
        "insert into review.holds (file_sha256, ward_code, period, approval_id, held_at, n_values) "
        "values (?, ?, ?, ?, ?, ?)",
        [[h.file_sha256, h.ward_code, h.period, h.approval_id, now, h.n_values] for h in holds],
    )
    first = next_id(con, "actions", "action_id")
    con.executemany(
        "insert into review.actions (action_id, action, ward_code, period, approval_id, "
        "file_sha256, actor, acted_at, note) values (?, 'hold', ?, ?, ?, ?, ?, ?, ?)",
        [
            [first + i, h.ward_code, h.period, h.approval_id, h.file_sha256, SYSTEM_ACTOR, now,
             f"{h.n_values} giá trị giữ lại vì phường-tháng đã phê duyệt / "
             f"{h.n_values} values held: the ward-month is approved"]
            for i, h in enumerate(holds)
        ],
    )  # fmt: skip
    return holds


def release(
    con: duckdb.DuckDBPyConnection, ward_code: str, period: str, by: str, now: datetime
) -> list[str]:
    """Release the holds on one ward-month (an unlock, in the caller's transaction): the files whose
    rows are now in force, in the order they were held."""
    files = [
        sha
        for (sha,) in con.execute(
            "select file_sha256 from review.holds where ward_code = ? and period = ? "
            "and released_at is null order by held_at, file_sha256",
            [ward_code, period],
        ).fetchall()
    ]
    if not files:
        return []
    con.execute(
        "update review.holds set released_at = ?, released_by = ? "
        "where ward_code = ? and period = ? and released_at is null",
        [now, by, ward_code, period],
    )
    first = next_id(con, "actions", "action_id")
    con.executemany(
        "insert into review.actions (action_id, action, ward_code, period, file_sha256, actor, "
        "acted_at, note) values (?, 'release', ?, ?, ?, ?, ?, ?)",
        [
            [first + i, ward_code, period, sha, by, now,
             "giá trị được áp dụng sau khi mở khóa / values applied after the unlock"]
            for i, sha in enumerate(files)
        ],
    )  # fmt: skip
    return files
