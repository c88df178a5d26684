"""The inbox sensor: archive new files dropped in ``$WARDSTAT_HOME/inbox`` and request one run per
tick that brings the months they touch up to date.

Every file a tick takes goes into the same run (``rebuild_job``, see ``defs/pipeline``) over the
months they load into: ingest → models (which also rebuild, and record, the months those feed:
up to 23 later, for year to date, rolling 12 months and the change on last year) → published copy
→ the reports already rendered for all those months. So the marts, the published copy and the
bulletins follow the files without a manual run. The
run carries ``wardstat/refresh=rendered``: it re-renders only reports that exist (a month's first
bulletins come from the monthly cycle). A tick whose files are all unreadable changes no figure:
its run is the ingest alone (which records them and fails the ``files_read_whole`` check).

``run_key`` is derived from the files' sha256, so Dagster never requests the same files twice. A
file is taken at the first tick that finds it unchanged since the previous one (see
``intake_inbox``), so a file still being copied in waits a tick; one file can never make a tick
fail.
"""

from __future__ import annotations

import hashlib
import os

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from orchestration.core.ingest.archive import intake_inbox
from orchestration.defs.ingest.assets import FILES, FILES_CHECK, REJECTIONS, VALUES
from orchestration.defs.shared import (
    REBUILD_JOB,
    REFRESH_RENDERED,
    REFRESH_TAG,
    monthly_partitions,
)

POLL_ENV = "WARDSTAT_INBOX_POLL_SECONDS"
DEFAULT_POLL_SECONDS = 30


def poll_seconds(environ=None) -> int:
    """How often the daemon looks at the inbox (``$WARDSTAT_INBOX_POLL_SECONDS``, 5–3600, default
    30). Read when the code location loads; a bad value falls back to the default rather than
    break the location (a file is taken at its second look, so 2 × this after it stops changing)."""
    raw = (os.environ if environ is None else environ).get(POLL_ENV, "").strip()
    try:
        seconds = int(raw)
    except ValueError:
        return DEFAULT_POLL_SECONDS
    return seconds if 5 <= seconds <= 3600 else DEFAULT_POLL_SECONDS


def run_request_for(entries, last_partition: str) -> dg.RunRequest:
    """The one run for the files a tick took, over the months they load into (its steps reach the
    months those feed), or just the ingest of their months when none of them could be read."""
    shas = sorted({entry.sha256 for entry in entries})
    partitions = sorted({p for entry in entries for p in entry.partitions})
    readable = any(entry.readable for entry in entries)
    first, last = partitions[0], min(partitions[-1], last_partition)
    tags = {
        "wardstat/source": "inbox_sensor",
        "wardstat/files": str(len(shas)),
        REFRESH_TAG: REFRESH_RENDERED,
    }
    if len(shas) == 1:
        tags["wardstat/file_sha256"] = shas[0]
    if first != last:
        tags[ASSET_PARTITION_RANGE_START_TAG] = first
        tags[ASSET_PARTITION_RANGE_END_TAG] = last
    return dg.RunRequest(
        run_key="inbox:" + hashlib.sha256(",".join(shas).encode()).hexdigest()[:32],
        partition_key=first if first == last else None,
        tags=tags,
        asset_selection=None if readable else [FILES, VALUES, REJECTIONS],
        asset_check_keys=None if readable else [dg.AssetCheckKey(FILES, FILES_CHECK)],
    )


@dg.sensor(
    job_name=REBUILD_JOB,
    minimum_interval_seconds=poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Tệp mới trong $WARDSTAT_HOME/inbox → một lượt rebuild_job cho các tháng liên quan (nạp → "
        "mô hình → công bố → bản tin đã có). / New files in the inbox → one rebuild_job run per "
        "tick for the months they touch (ingest → models → publish → reports already rendered)."
    ),
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
    return run_request_for(new, monthly_partitions.get_last_partition_key())
