"""Sign-off per ward-month: approve (which locks), unlock (which releases what was held).

Both record who, when and why in ``review.approvals`` and the audit trail ``review.actions``, in
one transaction. The marts read them at the next model build of the month.

Approval is refused for a ward-month with a problem left: an open review item (any severity), or
a latest submission that was rejected after the values in force were loaded (the ward's
correction did not get through, so what stands is what the ward itself tried to replace). With
``force`` (and a note saying why) it is approved anyway, and the approval says it was forced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from orchestration.core.quality import inputs
from orchestration.core.quality.inputs import QualityInputError, Scope
from orchestration.core.quality.locks import release
from orchestration.core.quality.schema import next_id
from orchestration.core.quality.screening import ScreenResult, Source, screen
from orchestration.core.reference import Reference


@dataclass(frozen=True)
class Blocker:
    ward_code: str
    kind: str  # item | rejected_file
    severity: str  # error | warning
    vi: str
    en: str
    item_id: int | None = None


@dataclass
class ApproveResult:
    scope: Scope
    approved: list[str] = field(default_factory=list)  # ward codes
    already: list[str] = field(default_factory=list)
    not_reported: list[str] = field(default_factory=list)
    blocked: dict[str, list[Blocker]] = field(default_factory=dict)  # refused, by ward code
    forced: dict[str, list[Blocker]] = field(default_factory=dict)  # approved despite these


def blockers(con: duckdb.DuckDBPyConnection, period: str, codes: list[str]) -> dict[str, list]:
    """Per ward code, what stands in the way of approving ``period``."""
    found: dict[str, list[Blocker]] = {}
    for item_id, ward, severity, vi, en in con.execute(
        "select item_id, ward_code, severity, message_vi, message_en from review.items "
        "where period = ? and status = 'open' and ward_code in (select unnest(?::varchar[])) "
        "order by ward_code, item_id",
        [period, codes],
    ).fetchall():
        found.setdefault(ward, []).append(
            Blocker(
                ward, "item", severity, f"mục #{item_id}: {vi}", f"item #{item_id}: {en}", item_id
            )
        )
    for ward, name, reason, at in con.execute(
        """
        with accepted as (
            select v.ward_code, max(v.loaded_at) as loaded_at
            from raw.submission_values as v
            where v.period = $period and v.ward_code in (select unnest($codes::varchar[]))
              and not exists (
                  select 1 from review.holds as h
                  where h.released_at is null and h.file_sha256 = v.file_sha256
                    and h.ward_code = v.ward_code and h.period = v.period)
            group by v.ward_code
        )
        select r.ward_code, any_value(r.original_name), min(r.reason), max(r.rejected_at)
        from raw.submission_rejections as r
        inner join accepted as a on a.ward_code = r.ward_code
        where r.period = $period and r.rejected_at > a.loaded_at
        group by r.ward_code, r.file_sha256
        order by r.ward_code
        """,
        {"period": period, "codes": codes},
    ).fetchall():
        found.setdefault(ward, []).append(
            Blocker(
                ward,
                "rejected_file",
                "error",
                f"tệp {name} ({at:%d/%m/%Y %H:%M}) của phường-tháng này bị loại ({reason}) sau "
                "số liệu đang dùng: chờ tệp sửa lại",
                f"file {name} ({at:%Y-%m-%d %H:%M}) for this ward-month was rejected ({reason}) "
                "after the figures in force: a corrected file is due",
            )
        )
    return found


def approved_codes(con: duckdb.DuckDBPyConnection, period: str, codes: list[str]) -> dict[str, int]:
    """Ward code → approval id of the approvals in force for ``period``."""
    return dict(
        con.execute(
            "select ward_code, approval_id from review.approvals where period = ? "
            "and revoked_at is null and ward_code in (select unnest(?::varchar[]))",
            [period, codes],
        ).fetchall()
    )


def approve(
    con: duckdb.DuckDBPyConnection,
    reference: Reference,
    *,
    period: str | None,
    city: str | None,
    ward: str | None,
    by: str | None,
    note: str | None = None,
    force: bool = False,
    now: datetime,
) -> ApproveResult:
    """Approve the reported ward-months of a city (or one ward) in a month. Bad input raises
    QualityInputError before anything is written."""
    who = inputs.actor(by)
    month = inputs.period(period)
    where = inputs.scope(reference, month, city, ward)
    if force:
        note = inputs.text(note, "--note", what_vi="lý do phê duyệt bắt buộc (--force)",
                           what_en="why the approval is forced (--force)")  # fmt: skip
    elif note is not None:
        note = inputs.text(note, "--note", what_vi="ghi chú", what_en="a note")
    reported = inputs.require_reported(con, where)
    result = ApproveResult(where)
    label = str(month)
    codes = sorted(reported)
    result.not_reported = sorted(w.code for w in where.wards if w.code not in reported)
    done = approved_codes(con, label, codes)
    result.already = sorted(done)
    pending = [code for code in codes if code not in done]
    problems = blockers(con, label, pending)
    for code in pending:
        if code in problems:
            (result.forced if force else result.blocked)[code] = problems[code]
        if code not in result.blocked:
            result.approved.append(code)
    if not result.approved:
        return result
    con.execute("begin transaction")
    try:
        first_approval = next_id(con, "approvals", "approval_id")
        first_action = next_id(con, "actions", "action_id")
        rows, actions = [], []
        for i, code in enumerate(result.approved):
            forced = code in result.forced
            detail = {"forced": forced,
                      "problems": [{"kind": b.kind, "item_id": b.item_id, "en": b.en}
                                   for b in result.forced.get(code, [])]}  # fmt: skip
            rows.append([first_approval + i, code, label, who, now, note, forced])
            actions.append([first_action + i, code, label, first_approval + i, who, now, note,
                            json.dumps(detail, ensure_ascii=False)])  # fmt: skip
        con.executemany(
            "insert into review.approvals (approval_id, ward_code, period, approved_by, "
            "approved_at, note, forced) values (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany(
            "insert into review.actions (action_id, action, ward_code, period, approval_id, "
            "actor, acted_at, note, detail) values (?, 'approve', ?, ?, ?, ?, ?, ?, ?)",
            actions,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


@dataclass
class UnlockResult:
    ward_code: str
    period: str
    approval_id: int
    released_files: list[str]
    screened: ScreenResult


def unlock(
    con: duckdb.DuckDBPyConnection,
    reference: Reference,
    *,
    period: str | None,
    ward: str | None,
    by: str | None,
    reason: str | None,
    now: datetime,
) -> UnlockResult:
    """Revoke a ward-month's approval, release what was held on it and screen the figures now in
    force; the ward-month then needs approval again."""
    who = inputs.actor(by)
    why = inputs.text(reason, "--reason", what_vi="lý do mở khóa", what_en="why it is unlocked")
    month = inputs.period(period)
    if not ward:
        raise QualityInputError(
            "thiếu --ward: cần mã phường", "--ward is missing: give a ward code"
        )
    where = inputs.scope(reference, month, None, ward)
    code, label = where.wards[0].code, str(month)
    approval = approved_codes(con, label, [code]).get(code)
    if approval is None:
        raise QualityInputError(
            f"phường {code} kỳ {label} chưa được phê duyệt nên không có gì để mở khóa",
            f"ward {code} period {label} is not approved, so there is nothing to unlock",
        )
    con.execute("begin transaction")
    try:
        con.execute(
            "update review.approvals set revoked_at = ?, revoked_by = ?, revoke_reason = ? "
            "where approval_id = ?",
            [now, who, why, approval],
        )
        con.execute(
            "insert into review.actions (action_id, action, ward_code, period, approval_id, "
            "actor, acted_at, note) values (?, 'unlock', ?, ?, ?, ?, ?, ?)",
            [next_id(con, "actions", "action_id"), code, label, approval, who, now, why],
        )
        files = release(con, code, label, who, now)
        note = f"số liệu áp dụng sau khi mở khóa / figures applied after the unlock ({who})"
        screened = screen(con, {(code, label): Source(None, note)}, now=now, reference=reference)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return UnlockResult(code, label, approval, files, screened)
