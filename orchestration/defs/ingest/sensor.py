"""The inbox sensor: archive new files dropped in ``$WARDSTAT_HOME/inbox`` and request one run per
partition each file loads into.

``run_key = <sha256>:<partition>``, so Dagster never requests the same file × partition twice.
An unreadable file is requested for its home partition (see
``orchestration.core.ingest.buckets``), whose run records it in ``raw.submission_files`` with
status ``unreadable`` (a copy and its verdict also go to ``quarantine/``). A file is taken at the
first tick that finds it unchanged since the previous one (see ``intake_inbox``), so a file still
being copied in waits a tick; one file can never make a tick fail.
"""

from __future__ import annotations

import dagster as dg

from orchestration.core.ingest.archive import intake_inbox
from orchestration.defs.ingest.jobs import ingest_job


def run_requests_for(entries) -> list[dg.RunRequest]:
    return [
        dg.RunRequest(
            run_key=f"{entry.sha256}:{partition}",
            partition_key=partition,
            tags={"wardstat/file_sha256": entry.sha256, "wardstat/source": "inbox_sensor"},
        )
        for entry in entries
        for partition in entry.partitions
    ]


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tệp mới trong inbox → nạp / new inbox files → ingest runs.",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    taken = intake_inbox()
    new = [entry for entry, is_new in taken if is_new]
    if not new:
        return dg.SkipReason(
            f"{len(taken)} file(s) already archived"
            if taken
            else "no stable new file in the inbox (a new file is taken at the next tick)"
        )
    for entry in new:
        context.log.info(f"archived {entry.original_name} → {entry.partitions}")
    return run_requests_for(new)
