"""The validator measure's one big file: the synthetic files joined, whole, up to a row cap, and
still a submission the real validator accepts row for row."""

from __future__ import annotations

from datetime import datetime

from bench.synthetic import HEADER, concatenate, write_country
from orchestration.core.reference import load_reference
from orchestration.core.submission.validate import validate_file


def _rows(path):
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_joined_file_is_whole_files_up_to_the_cap(tmp_path, wardstat_home):
    country = write_country(tmp_path / "files", tmp_path / "reference", 30, "2025-05", "2025-08")
    sizes = [_rows(p) for p in country.files]
    assert sum(sizes) == country.rows and len(country.files) == 20  # five cities × four months

    everything = tmp_path / "all.csv"
    assert concatenate(country.files, everything, 10**9) == (country.rows, 20)
    text = everything.read_text(encoding="utf-8")
    assert text.startswith(HEADER) and text.count("ward_code,") == 1
    newest = max(p.stat().st_mtime for p in country.files)
    assert everything.stat().st_mtime == newest  # received after every month it holds

    capped = tmp_path / "capped.csv"
    cap = sizes[0] + sizes[1] + sizes[2] // 2
    assert concatenate(country.files, capped, cap) == (sizes[0] + sizes[1], 2)
    # a cap below the first file still gives one whole file, never a cut ward-month
    assert concatenate(country.files, tmp_path / "one.csv", 1) == (sizes[0], 1)

    today = datetime.fromtimestamp(newest).date()
    verdict = validate_file(
        everything, reference=load_reference(tmp_path / "reference"), today=today
    )
    assert verdict.rejections == [] and len(verdict.rows) == country.rows
    assert sorted(verdict.periods) == ["2025-05", "2025-06", "2025-07", "2025-08"]


def test_a_synthetic_district_lies_in_one_city():
    """District codes are unique in the country, as real ones are: the marts key a district by
    its code, and one code shared by several cities mixed their districts."""
    from bench.synthetic import synthetic_crosswalk

    cities: dict[str, set[str]] = {}
    for row in synthetic_crosswalk(10_000):
        cities.setdefault(row["old_district_code"], set()).add(row["old_province_code"])
    assert len(cities) > 50 and all(len(found) == 1 for found in cities.values())
