"""Every encoding seen in the field decodes to the same NFC text; anything else is refused."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from orchestration.core.submission.decoding import decode, plausible_vietnamese

from .helpers import BA_DINH, DIEN_BIEN, check, csv_text, to_cp1258, write

NOTE = "Đã xác minh tại Phường Điện Biên — tổ dân phố số 3 (ổn định)"
ROWS = (
    f"{DIEN_BIEN},2024-05,crime_cases,3,{NOTE}",
    f"{DIEN_BIEN},2024-05,traffic_accidents,1,",
    f"{BA_DINH},2025-08,fires,0,Phường Ba Đình",
)


def _assert_rows(verdict):
    assert verdict.error is None, verdict.error
    assert verdict.rejections == []
    assert [(r.ward_code, r.period, r.metric_code, r.value) for r in verdict.rows] == [
        (DIEN_BIEN, "2024-05", "crime_cases", 3.0),
        (DIEN_BIEN, "2024-05", "traffic_accidents", 1.0),
        (BA_DINH, "2025-08", "fires", 0.0),
    ]
    assert verdict.rows[0].note == NOTE
    assert unicodedata.is_normalized("NFC", verdict.rows[0].note)
    assert verdict.rows[1].note is None


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1258", "cp1258")],
)
def test_each_field_encoding_reads_the_same_rows(tmp_path, encoding, expected):
    verdict = check(write(tmp_path, f"{encoding}.csv", csv_text(*ROWS), encoding))
    _assert_rows(verdict)
    assert verdict.encoding == expected
    assert verdict.delimiter == ","


def test_cp1258_really_carries_combining_tone_marks():
    raw = to_cp1258("Phường")
    # ư and ơ are one byte each; the grave tone is the separate combining byte 0xCC.
    assert raw == b"Ph\xfd\xf5\xccng"
    text, encoding = decode(b"ward_code\n" + raw + b"\n")
    assert encoding == "cp1258"
    assert "Phường" in text


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    text = "\r\n".join(row.replace(",", "\t") for row in csv_text(*ROWS).splitlines()) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    verdict = check(path)
    _assert_rows(verdict)
    assert verdict.encoding == "utf-16"
    assert verdict.delimiter == "\t"


def test_decomposed_utf8_is_stored_as_nfc(tmp_path):
    text = unicodedata.normalize("NFD", csv_text(*ROWS))
    verdict = check(write(tmp_path, "nfd.csv", text))
    _assert_rows(verdict)


def test_latin1_bytes_are_refused_not_turned_into_mojibake(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        csv_text(f"{DIEN_BIEN},2024-05,crime_cases,3,Café à Zürich ñ").encode("latin-1")
    )
    verdict = check(path)
    assert verdict.error is not None
    assert "mã hóa" in verdict.error and "encoding" in verdict.error
    assert verdict.rows == [] and verdict.exit_code == 2


def test_double_encoded_utf8_is_refused(tmp_path):
    garbled = csv_text(*ROWS).encode("utf-8").decode("cp1252", errors="ignore")
    verdict = check(write(tmp_path, "garbled.csv", garbled))
    assert verdict.error is not None
    assert "PhÆ°á»ng" in verdict.error  # the message shows what garbled text looks like


def test_binary_junk_is_refused(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 8)
    verdict = check(path)
    assert verdict.error is not None and "nhị phân" in verdict.error and "binary" in verdict.error


def test_random_high_bytes_are_not_mistaken_for_cp1258(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(HEADER_BYTES + bytes(range(0xA0, 0xFF)) * 4 + b"\n")
    assert check(path).error is not None


HEADER_BYTES = b"ward_code,period,metric_code,value,note\n"


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n"])
def test_empty_file_is_unreadable(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    verdict = check(path)
    assert verdict.error is not None and "rỗng" in verdict.error
    assert verdict.sha256  # still identified by its content


def test_header_only_file_is_unreadable(tmp_path):
    verdict = check(write(tmp_path, "header.csv", csv_text()))
    assert verdict.error is not None and "no data rows" in verdict.error


def test_plausibility_heuristic():
    assert plausible_vietnamese("Phường Điện Biên, Quận Ba Đình")
    assert not plausible_vietnamese("Ã¢Â£Ã¥Ã§ þ")
    assert not plausible_vietnamese("Zürich ß")
