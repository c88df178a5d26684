"""Turn the bytes of a CSV submission into NFC text, or say clearly why they cannot be read.

Encodings met in the field, tried in this order:

1. a byte-order mark: UTF-8 (``utf-8-sig``) or UTF-16 LE/BE (``utf-16``, Excel "Unicode text");
2. strict UTF-8 (``utf-8``; plain ASCII is reported as UTF-8 too);
3. Windows-1258 (``cp1258``), only when the result reads as Vietnamese: almost every byte string
   decodes as cp1258, so "it decoded" proves nothing.

Never latin-1: it accepts any byte and would store mojibake. A UTF-8 file that is itself mojibake
(Vietnamese that was once mis-decoded and saved again, ``PhÆ°á»ng``) is refused as well.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from orchestration.core.submission.errors import UnreadableFile


def _vietnamese_letters() -> frozenset[str]:
    # Every precomposed Vietnamese letter: the six tone marks over the twelve vowels, plus đ.
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = {"đ", "Đ"}
    for vowel in vowels:
        for tone in tones:
            composed = unicodedata.normalize("NFC", vowel + tone)
            letters.add(composed)
            letters.add(composed.upper())
    return frozenset(ch for ch in letters if not ch.isascii())


VIETNAMESE_LETTERS = _vietnamese_letters()
# Typography a clerk may type in a note and that cp1258 can carry.
_HARMLESS = frozenset("“”‘’–—…°±²³µ·×÷€₫§©®«»\u00a0")
# Share of non-ASCII characters that must be Vietnamese for a cp1258 reading to count as plausible.
PLAUSIBLE_SHARE = 0.9


def plausible_vietnamese(text: str) -> bool:
    """True when every non-ASCII character (after NFC) is, overwhelmingly, Vietnamese."""
    non_ascii = [ch for ch in text if not ch.isascii()]
    if not non_ascii:
        return True
    if any(unicodedata.category(ch) in ("Cc", "Co", "Cn") for ch in non_ascii):
        return False
    # A combining mark left after NFC sits on a letter no Vietnamese word uses: a wrong guess.
    good = sum(1 for ch in non_ascii if ch in VIETNAMESE_LETTERS or ch in _HARMLESS)
    return good >= PLAUSIBLE_SHARE * len(non_ascii) and any(
        ch in VIETNAMESE_LETTERS for ch in non_ascii
    )


# UTF-8 continuation bytes (0x80-0xBF) as Windows-1252 or latin-1 shows them.
_CONTINUATION = "".join(
    sorted(
        set(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
        | {chr(b) for b in range(0x80, 0xC0)}
    )
)
# The lead bytes of Vietnamese letters in UTF-8 (Ã Ä Å Æ; á + º/» for the toned vowels), then a
# continuation byte: the signature of Vietnamese UTF-8 read as Windows-1252 and saved again.
_DOUBLE_ENCODED = re.compile(f"(?:[ÃÄÅÆ]|á[º»])[{re.escape(_CONTINUATION)}]")


def _looks_double_encoded(text: str) -> bool:
    return _DOUBLE_ENCODED.search(text) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """``(text in NFC, encoding name)``; raises UnreadableFile with a bilingual reason."""
    if not data or data.isspace():  # (not data.strip(), without a copy of a big file)
        raise UnreadableFile("Tệp rỗng", "the file is empty")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", "UTF-16"), "utf-16"
    elif (utf16 := _utf16_without_bom(data)) is not None:
        text, encoding = _strict(data, utf16, "UTF-16"), "utf-16"
    elif b"\x00" in data:
        raise UnreadableFile(
            "Tệp chứa dữ liệu nhị phân, không phải tệp CSV hay bảng tính (.xlsx, .ods, .xls); "
            "hãy lưu lại dạng .xlsx hoặc .csv (UTF-8)",
            "the file holds binary data; it is neither a CSV nor a spreadsheet (.xlsx, .ods, "
            ".xls); save it as .xlsx or .csv (UTF-8)",
            "binary",
        )
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            text, encoding = _cp1258_or_fail(data, utf8_error), "cp1258"
        else:
            if not text.isascii() and _looks_double_encoded(text):
                raise UnreadableFile(
                    "Tệp bị lỗi phông chữ (mã hóa hai lần, ví dụ 'PhÆ°á»ng' thay cho 'Phường'); "
                    "hãy xuất lại tệp từ bản gốc với mã hóa UTF-8",
                    "the text is garbled (encoded twice, e.g. 'PhÆ°á»ng' for 'Phường'); "
                    "export the file again from the original as UTF-8",
                )
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"Tệp khai báo mã hóa {label} nhưng có byte lỗi ở vị trí {error.start}",
            f"the file declares {label} but has an invalid byte at offset {error.start}",
        ) from None


def _mixed_lines(data: bytes) -> tuple[int, str, str] | None:
    """``(line, found, expected)`` when some lines are UTF-8 and others are not.

    A file is one encoding: a cp1258 export with one line pasted in as UTF-8 (or the reverse) would
    otherwise be read whole as cp1258 and store the UTF-8 line as mojibake (``Háº£i``). The line
    named is the first of the fewer kind, the one that does not fit."""
    utf8_lines, other_lines = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_lines.append(number)
        else:
            utf8_lines.append(number)
    if not utf8_lines or not other_lines:
        return None
    if len(utf8_lines) <= len(other_lines):
        return utf8_lines[0], "UTF-8", "Windows-1258"
    return other_lines[0], "Windows-1258", "UTF-8"


def _cp1258_or_fail(data: bytes, utf8_error: UnicodeDecodeError) -> str:
    mixed = _mixed_lines(data)
    if mixed is not None:
        line, found, expected = mixed
        raise UnreadableFile(
            f"Tệp trộn nhiều mã hóa: dòng {line} mã hóa {found}, phần còn lại {expected}; "
            "hãy lưu lại cả tệp dạng CSV UTF-8",
            f"the file mixes encodings: line {line} is {found}, the rest "
            f"{expected}; save the whole file again as CSV UTF-8",
            "mixed_encoding",
        )
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = None
    if text is not None and plausible_vietnamese(text):
        return text
    raise UnreadableFile(
        "Không nhận ra mã hóa của tệp (không phải UTF-8, UTF-16 hay Windows-1258; "
        f"byte lỗi ở vị trí {utf8_error.start}); hãy lưu lại tệp dạng CSV UTF-8",
        "cannot tell the file's encoding (not UTF-8, UTF-16 or Windows-1258; "
        f"invalid byte at offset {utf8_error.start}); save it again as CSV UTF-8",
    )
