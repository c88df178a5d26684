"""The report assets through the real Dagster job, runner and instance, on a published copy made
from the fixture warehouse (city 01, wards of both eras)."""

from __future__ import annotations

import json

import pytest

from orchestration.runner import get_instance, run_partitioned_job

HTML_ONLY = {
    "ops": {
        "reports__city_bulletins": {"config": {"formats": ["html"]}},
        "reports__ward_scorecards": {"config": {"formats": ["html"], "workers": 1}},
    }
}


def _messages(instance, run_id):
    return [r.user_message for r in instance.all_logs(run_id) if r.dagster_event is None]


def test_the_launchpad_config_is_documented_field_by_field():
    from orchestration.defs.reports.assets import BulletinConfig, ScorecardConfig

    for config in (BulletinConfig, ScorecardConfig):
        fields = config.to_config_schema().as_field().config_type.fields
        for name, field in fields.items():
            assert field.description and " / " in field.description, (config, name)
    workers = ScorecardConfig.to_config_schema().as_field().config_type.fields["workers"]
    assert "0 = one per CPU" in workers.description


def _html(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.html")}


@pytest.mark.slow
def test_reports_job_renders_the_month_with_manifest_and_metadata(published_home):
    from dagster import AssetKey

    job = run_partitioned_job("reports_job", "2025-05", "2025-05")
    assert job.success
    root = published_home / "bulletins" / "2025-05"
    names = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    for lang in ("vi", "en"):
        for ext in ("html", "pdf", "csv", "xlsx"):
            assert f"bulletin-01-2025-05-{lang}.{ext}" in names
    # the seven old wards of 2025-05 (before the reorganisation), Vietnamese, html and pdf
    cards = sorted(n for n in names if n.startswith("scorecards/01/"))
    assert len(cards) == 14 and "scorecards/01/scorecard-old-00019-2025-05-vi.pdf" in cards

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["file"] for e in manifest["files"]}
    assert listed == names - {"manifest.json", ".manifest.json.lock"}
    assert all(e["data_version"] and e["generated_at"] and e["sha256"] for e in manifest["files"])

    instance = get_instance()
    bulletins = instance.get_latest_materialization_event(AssetKey(["reports", "city_bulletins"]))
    meta = bulletins.asset_materialization.metadata
    assert bulletins.asset_materialization.partition == "2025-05"
    assert meta["files"].value == 8 and meta["city_codes"].value == "01"
    assert meta["manifest"].value == str(root / "manifest.json")
    cards_event = instance.get_latest_materialization_event(
        AssetKey(["reports", "ward_scorecards"])
    )
    assert cards_event.asset_materialization.metadata["wards"].value == 7
    # the run log says how far rendering is: documents done of total, ending with all of them
    progress = [
        record.user_message
        for record in instance.all_logs(job.run_id)
        if record.dagster_event is None and ": scorecards: " in record.user_message
    ]
    assert progress and progress[-1] == "2025-05: scorecards: 7/7"
    assert any(m.endswith("bulletins: 2/2") for m in _messages(instance, job.run_id))

    first = _html(root)
    again = run_partitioned_job("reports_job", "2025-05", "2025-05", run_config=HTML_ONLY)
    assert again.success
    assert _html(root) == first  # same data, same bytes


def test_reports_job_after_the_reorganisation_renders_new_wards(published_home):
    assert run_partitioned_job("reports_job", "2025-09", "2025-09", run_config=HTML_ONLY).success
    cards = sorted((published_home / "bulletins" / "2025-09" / "scorecards" / "01").iterdir())
    assert [p.name for p in cards] == [
        f"scorecard-new-{code}-2025-09-vi.html" for code in ("00004", "00091", "00103", "00166")
    ]


def test_month_without_data_renders_nothing_and_still_succeeds(published_home):
    assert run_partitioned_job("reports_job", "2022-06", "2022-06", run_config=HTML_ONLY).success
    assert not (published_home / "bulletins" / "2022-06").exists()

