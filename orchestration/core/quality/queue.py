"""The review queue: list the items and held values, resolve an item by hand.

A person closes an item as ``confirmed`` (the figure is right: it stands as reported) or
``dismissed`` (not a problem, e.g. a known event); ``corrected`` is set only by a new submission
that no longer shows the problem (``screening.py``). Every resolution is in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.core.quality import inputs
from orchestration.core.quality.inputs import QualityInputError
from orchestration.core.quality.schema import next_id
from orchestration.core.reference import Reference

STATUSES = ("open", "confirmed", "corrected", "dismissed")
BY_HAND = ("confirmed", "dismissed")


@dataclass(frozen=True)
class Item:
    item_id: int
    kind: str
    severity: str
    ward_code: str
    ward_name: str
    city_code: str
    period: str
    metric_code: str | None
    rule_id: str | None
    message_vi: str
    message_en: str
    status: str
    opened_at: datetime
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None


@dataclass(frozen=True)
class HeldValue:
    file_sha256: str
    original_name: str
    ward_code: str
    ward_name: str
    city_code: str
    period: str
    metric_code: str
    value: float
    value_in_force: float | None
    held_at: datetime


def _unit(reference: Reference, code: str, period: str):
    from orchestration.core.periods import Period

    return reference.ward_in(code, Period.parse(period))


def items(
    con: duckdb.DuckDBPyConnection,
    reference: Reference,
    *,
    city: str | None = None,
    period: str | None = None,
    ward: str | None = None,
    status: str | None = "open",
) -> list[Item]:
    """Review items, oldest month first; ``status`` None = every status."""
    if period:
        period = str(inputs.period(period))
    if status is not None and status not in STATUSES:
        raise QualityInputError(
            f"trạng thái '{status}' không hợp lệ (chọn: {', '.join(STATUSES)}, all)",
            f"status '{status}' is not valid (choose: {', '.join(STATUSES)}, all)",
        )
    rows = con.execute(
        """
        select item_id, kind, severity, ward_code, period, metric_code, rule_id, message_vi,
               message_en, status, opened_at, resolved_by, resolved_at, resolution_note
        from review.items
        where ($period is null or period = $period) and ($status is null or status = $status)
          and ($ward is null or ward_code = $ward)
        order by period, ward_code, item_id
        """,
        {"period": period, "status": status, "ward": ward},
    ).fetchall()
    found = []
    for row in rows:
        unit = _unit(reference, row[3], row[4])
        city_code = unit.province_code if unit else ""
        if city and city_code != city:
            continue
        found.append(Item(row[0], row[1], row[2], row[3], unit.name if unit else "", city_code,
                          *row[4:]))  # fmt: skip
    return found


def held_values(
    con: duckdb.DuckDBPyConnection,
    reference: Reference,
    *,
    city: str | None = None,
    period: str | None = None,
) -> list[HeldValue]:
    """Values stored but held (their ward-month is approved), with the value in force beside."""
    if period:
        period = str(inputs.period(period))
    rows = con.execute(
        """
        with held as (
            select h.file_sha256, h.ward_code, h.period, h.held_at
            from review.holds as h
            where h.released_at is null and ($period is null or h.period = $period)
        ),
        in_force as (
            select v.ward_code, v.period, v.metric_code, v.value
            from raw.submission_values as v
            inner join (select distinct ward_code, period from held) as w using (ward_code, period)
            where not exists (
                select 1 from review.holds as h
                where h.released_at is null and h.file_sha256 = v.file_sha256
                  and h.ward_code = v.ward_code and h.period = v.period)
            qualify row_number() over (
                partition by v.ward_code, v.period, v.metric_code
                order by v.load_seq desc, v.file_sha256 desc) = 1
        )
        select held.file_sha256, f.original_name, held.ward_code, held.period, v.metric_code,
               v.value, in_force.value, held.held_at
        from held
        inner join raw.submission_values as v
            on v.file_sha256 = held.file_sha256 and v.ward_code = held.ward_code
            and v.period = held.period
        left join raw.submission_files as f on f.file_sha256 = held.file_sha256
        left join in_force
            on in_force.ward_code = v.ward_code and in_force.period = v.period
            and in_force.metric_code = v.metric_code
        order by held.period, held.ward_code, held.held_at, v.metric_code
        """,
        {"period": period},
    ).fetchall()
    found = []
    for sha, name, code, label, metric, value, current, at in rows:
        unit = _unit(reference, code, label)
        city_code = unit.province_code if unit else ""
        if city and city_code != city:
            continue
        found.append(HeldValue(sha, name or "", code, unit.name if unit else "", city_code, label,
                               metric, value, current, at))  # fmt: skip
    return found


def resolve(
    con: duckdb.DuckDBPyConnection,
    *,
    item_id: int | str,
    outcome: str | None,
    by: str | None,
    note: str | None,
    now: datetime,
) -> tuple[int, str, str, str]:
    """Close one open item by hand as ``confirmed`` or ``dismissed``; refused (nothing written)
    for an unknown or already closed item."""
    who = inputs.actor(by)
    if outcome not in BY_HAND:
        hint_vi = ("; 'corrected' do tệp sửa lại tự đóng, hãy gửi tệp mới"
                   if outcome == "corrected" else "")  # fmt: skip
        hint_en = ("; 'corrected' is set by a corrected file: send a new submission"
                   if outcome == "corrected" else "")  # fmt: skip
        raise QualityInputError(
            f"--as phải là confirmed (số liệu đúng) hoặc dismissed (không phải vấn đề){hint_vi}",
            f"--as must be confirmed (the figure is right) or dismissed (not a problem){hint_en}",
        )
    why = inputs.text(note, "--note", what_vi="lý do", what_en="why")
    try:
        number = int(str(item_id).lstrip("#"))
    except ValueError:
        raise QualityInputError(
            f"mã mục '{item_id}' không hợp lệ (một số, xem wardstat review)",
            f"item id '{item_id}' is not valid (a number; see wardstat review)",
        ) from None
    found = con.execute(
        "select ward_code, period, status from review.items where item_id = ?", [number]
    ).fetchone()
    if found is None:
        raise QualityInputError(
            f"không có mục rà soát #{number}", f"there is no review item #{number}"
        )
    ward, period, status = found
    if status != "open":
        raise QualityInputError(
            f"mục #{number} đã đóng ({status}), không sửa lại được",
            f"item #{number} is already closed ({status}) and cannot be changed",
        )
    con.execute("begin transaction")
    try:
        con.execute(
            "update review.items set status = ?, resolved_by = ?, resolved_at = ?, "
            "resolution_note = ? where item_id = ?",
            [outcome, who, now, why, number],
        )
        con.execute(
            "insert into review.actions (action_id, action, ward_code, period, item_id, actor, "
            "acted_at, note, detail) values (?, 'resolve', ?, ?, ?, ?, ?, ?, ?)",
            [next_id(con, "actions", "action_id"), ward, period, number, who, now, why,
             f'{{"as": "{outcome}"}}'],
        )  # fmt: skip
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return number, ward, period, outcome


def approval_summary(
    con: duckdb.DuckDBPyConnection, reference: Reference, city: str, period: str
) -> tuple[int, int]:
    """(approved, reported) ward-months of a city in a month."""
    where = inputs.scope(reference, inputs.period(period), city, None)
    reported = inputs.reported(con, where)
    codes = sorted(reported)
    (approved,) = con.execute(
        "select count(*) from review.approvals where period = ? and revoked_at is null "
        "and ward_code in (select unnest(?::varchar[]))",
        [str(where.period), codes],
    ).fetchone()
    return int(approved), len(codes)


@dataclass(frozen=True)
class OpenSummary:
    total: int
    errors: int
    by_kind: dict[str, int]
    by_period: dict[str, int]
    first: list[tuple[int, str, str, str]]  # (item id, period, ward code, English message)


def open_summary(
    con: duckdb.DuckDBPyConnection, periods: list[str], limit: int = 20
) -> OpenSummary:
    """The open review items of ``periods``: counts and the first ones (the asset check's view)."""
    from orchestration.core.quality.schema import ensure_review_schema

    ensure_review_schema(con)
    rows = con.execute(
        "select item_id, period, ward_code, kind, severity, message_en from review.items "
        "where status = 'open' and period in (select unnest(?::varchar[])) "
        "order by severity = 'error' desc, period, ward_code, item_id",
        [list(periods)],
    ).fetchall()
    by_kind: dict[str, int] = {}
    by_period: dict[str, int] = {}
    for _id, period, _ward, kind, severity, _text in rows:
        by_kind[f"{kind}/{severity}"] = by_kind.get(f"{kind}/{severity}", 0) + 1
        by_period[period] = by_period.get(period, 0) + 1
    return OpenSummary(
        total=len(rows),
        errors=sum(1 for r in rows if r[4] == "error"),
        by_kind=by_kind,
        by_period=by_period,
        first=[(r[0], r[1], r[2], r[5]) for r in rows[:limit]],
    )
