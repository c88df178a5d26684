"""The ``review`` schema: review items, approvals, holds and the audit trail, created idempotently.

These tables are input data, like ``raw``: written by the ingest's screening and by the
``review`` / ``approve`` / ``unlock`` commands, read by dbt as sources. No dbt run ever writes or
drops them, so a full rebuild keeps every approval, lock and resolution.
"""

from __future__ import annotations

import duckdb

DDL = """
create schema if not exists review;

-- one row per thing a reviewer must look at: a consistency rule that does not hold on the values
-- in force, or an outlier against the ward's history (or the city's values)
create table if not exists review.items (
    item_id         bigint primary key,
    kind            varchar not null,     -- rule | outlier
    severity        varchar not null,     -- error | warning
    ward_code       varchar not null,
    period          varchar not null,
    metric_code     varchar,              -- outliers: the metric; rules: null
    rule_id         varchar,              -- rules: catalog/consistency_rules.csv rule_id
    fingerprint     varchar not null,     -- what was found on which figures: found once, ever
    message_vi      varchar,
    message_en      varchar,
    detail          json,                 -- values, sides, median, scale, z, method, history size
    file_sha256     varchar,              -- the load whose screening opened it
    opened_at       timestamp not null,
    status          varchar not null,     -- open | confirmed | corrected | dismissed
    resolved_by     varchar,
    resolved_at     timestamp,
    resolution_note varchar
);

-- sign-off per ward-month; in force while revoked_at is null (an unlock revokes it)
create table if not exists review.approvals (
    approval_id   bigint primary key,
    ward_code     varchar not null,
    period        varchar not null,
    approved_by   varchar not null,
    approved_at   timestamp not null,
    note          varchar,
    forced        boolean not null,       -- approved with open problems (--force, with a note)
    revoked_at    timestamp,
    revoked_by    varchar,
    revoke_reason varchar
);

-- a later file's rows for an approved ward-month that would change it: kept in
-- raw.submission_values, used nowhere until released by an unlock
create table if not exists review.holds (
    file_sha256 varchar not null,
    ward_code   varchar not null,
    period      varchar not null,
    approval_id bigint not null,          -- the approval that held them
    held_at     timestamp not null,
    n_values    integer not null,
    released_at timestamp,
    released_by varchar,
    primary key (file_sha256, ward_code, period)
);

-- which (file, month) loads the screening has seen (screening.screen_pending)
create table if not exists review.screened_loads (
    file_sha256 varchar not null,
    period      varchar not null,
    screened_at timestamp not null,
    primary key (file_sha256, period)
);

-- the audit trail: every approval, unlock, resolution, hold and release, who, when and why
create table if not exists review.actions (
    action_id   bigint primary key,
    action      varchar not null,         -- approve | unlock | resolve | correct | hold | release
    ward_code   varchar not null,
    period      varchar not null,
    item_id     bigint,
    approval_id bigint,
    file_sha256 varchar,
    actor       varchar not null,         -- a person, or wardstat for automatic actions
    acted_at    timestamp not null,
    note        varchar,
    detail      json
);
"""

TABLES = ("items", "approvals", "holds", "actions", "screened_loads")
SYSTEM_ACTOR = "wardstat"  # who closes items a new submission corrected, who holds values


def ensure_review_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing. A warehouse that held loads before the screening existed has them
    recorded as screened: screening starts with the loads after the upgrade instead of flooding the
    review queue with every month ever loaded."""
    from orchestration.warehouse import has_table

    new = not has_table(con, "review", "screened_loads")
    con.execute(DDL)
    if new and has_table(con, "raw", "file_period_loads"):
        con.execute(
            "insert into review.screened_loads select file_sha256, period, now()::timestamp "
            "from raw.file_period_loads"
        )


def next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    """The next id of ``review.<table>``: one writer at a time (the warehouse's own lock), inside
    the caller's transaction, so ids never collide."""
    ((found,),) = con.execute(
        f"select coalesce(max({column}), 0) + 1 from review.{table}"
    ).fetchall()
    return int(found)


def in_force_sql(where: str) -> str:
    """Values in force in ``raw.submission_values`` (alias ``v`` in ``where``): the latest load per
    ward × period × metric among the rows no unreleased hold keeps out. dbt's
    ``stg_submission_values`` decides the same for the marts; this is the ingest's and the
    commands' view before dbt has run."""
    return f"""
        select v.ward_code, v.period, v.metric_code, v.value, v.load_seq, v.file_sha256
        from raw.submission_values as v
        where ({where})
          and not exists (
              select 1 from review.holds as h
              where h.released_at is null and h.file_sha256 = v.file_sha256
                and h.ward_code = v.ward_code and h.period = v.period
          )
        qualify row_number() over (
            partition by v.ward_code, v.period, v.metric_code
            order by v.load_seq desc, v.file_sha256 desc
        ) = 1
    """
