"""The validator reproduces, exactly, the verdicts recorded in ``golden_verdicts.json`` (see
``golden.py``): every file of the corpus and every demo file of one city, field by field (accepted
rows with their values to the bit, rejections with reason, line, column, codes, raw value and
line, both messages and their parameters, consistency warnings, file-level errors)."""

from __future__ import annotations

import hashlib
import json

import pytest

from orchestration.core.submission.validate import validate_file

from .corpus import CORPUS
from .golden import GOLDEN, corpus_files, demo_files, record


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return corpus_files(tmp_path_factory.mktemp("corpus"))


def _differences(found: dict, expected: dict) -> dict:
    return {
        key: (found.get(key), expected.get(key))
        for key in sorted(set(found) | set(expected))
        if found.get(key) != expected.get(key)
    }


def test_the_golden_file_covers_the_whole_corpus(golden):
    assert set(CORPUS) <= set(golden)
    assert sum(name.startswith("demo_") for name in golden) >= 70  # a city's months, all formats


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_gets_its_recorded_verdict(name, corpus, golden):
    path, reference, today = corpus[name]
    found = record(validate_file(path, reference=reference, today=today))
    assert _differences(found, golden[name]) == {}


def test_demo_city_files_get_their_recorded_verdicts(tmp_path, golden):
    files = demo_files(tmp_path)
    assert set(files) == {name for name in golden if name.startswith("demo_")}
    changed, different = [], {}
    for name, (path, reference, today) in files.items():
        expected = dict(golden[name])
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected.pop("file_sha256"):
            changed.append(name)
            continue
        found = record(validate_file(path, reference=reference, today=today))
        if found != expected:
            different[name] = _differences(found, expected)
    # a change in the demo generator is not the validator's: re-record (golden.py says how)
    assert changed == [], "the demo generator writes other files now: re-record the golden file"
    assert different == {}
