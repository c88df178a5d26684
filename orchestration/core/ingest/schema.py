"""The ``raw`` schema (docs/architecture.md), created idempotently, with the ``review`` schema
beside it (``core/quality/schema.py``): both are input data that dbt reads and never writes."""

from __future__ import annotations

import duckdb

from orchestration.core.quality.schema import ensure_review_schema

DDL = """
create schema if not exists raw;

create table if not exists raw.submission_files (
    file_sha256     varchar primary key,
    original_name   varchar,
    archive_path    varchar,
    size_bytes      bigint,
    format          varchar,
    encoding        varchar,
    received_at     timestamp,
    first_loaded_at timestamp,
    status          varchar,
    error           varchar,
    rows_total      integer,
    rows_accepted   integer,
    rows_rejected   integer
);

create table if not exists raw.file_period_loads (
    file_sha256   varchar,
    period        varchar,
    load_seq      bigint,
    loaded_at     timestamp,
    rows_loaded   integer,
    rows_rejected integer,
    primary key (file_sha256, period)
);

create table if not exists raw.submission_values (
    load_seq    bigint,
    file_sha256 varchar,
    line_no     integer,
    ward_code   varchar,
    period      varchar,
    metric_code varchar,
    value       double,
    note        varchar,
    received_at timestamp,
    loaded_at   timestamp
    -- no primary key: one per (file, ward, period, metric) holds by construction (the validator
    -- rejects a file's duplicate rows; the ledger loads a file × month once, in one transaction),
    -- and its index stored the four key columns a second time (a third of the table's bytes)
);

create table if not exists raw.submission_rejections (
    file_sha256   varchar,
    original_name varchar,
    line_no       integer,
    column_name   varchar,
    ward_code     varchar,
    period        varchar,
    metric_code   varchar,
    raw_value     varchar,
    raw_line      varchar,
    reason        varchar,
    message       varchar,
    rejected_at   timestamp
);

create table if not exists raw.assessment_records (
    load_seq        bigint,
    file_sha256     varchar,
    line_no         integer,
    ward_code       varchar,
    period          varchar,
    criterion_code  varchar,
    assessment_kind varchar,
    assessed_on     date,
    verdict         varchar,
    team            varchar,
    note            varchar,
    received_at     timestamp,
    loaded_at       timestamp,
    primary key (file_sha256, ward_code, criterion_code, assessment_kind, assessed_on)
);
"""

# Columns added after the first release: a warehouse built before them is migrated in place
# (idempotent), and its old rows keep null there. ``message`` stays the joined "vi / en" text.
MIGRATIONS = """
alter table raw.submission_rejections add column if not exists message_vi varchar;
alter table raw.submission_rejections add column if not exists message_en varchar;
alter table raw.submission_rejections add column if not exists params json;
alter table raw.submission_files add column if not exists error_vi varchar;
alter table raw.submission_files add column if not exists error_en varchar;
alter table raw.submission_files add column if not exists error_reason varchar;
alter table raw.submission_files add column if not exists file_kind varchar;
"""


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    con.execute(MIGRATIONS)
    _drop_values_key(con)
    ensure_review_schema(con)


def _drop_values_key(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse made before the values lost their primary key is rewritten once without it
    (DuckDB cannot drop a constraint in place), in one transaction: a crash leaves the old table."""
    keyed = con.execute(
        """select count(*) from duckdb_constraints()
           where schema_name = 'raw' and table_name = 'submission_values'
             and constraint_type = 'PRIMARY KEY'"""
    ).fetchone()[0]
    if not keyed:
        return
    con.execute("begin")
    try:
        con.execute(
            "create table raw.submission_values__unkeyed as "
            "select * from raw.submission_values order by load_seq, line_no"
        )
        con.execute("drop table raw.submission_values")
        con.execute("alter table raw.submission_values__unkeyed rename to submission_values")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
