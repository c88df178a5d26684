"""The one validator: a submission file → a FileVerdict (accepted rows, rejections, or an error).

Used by ``wardstat check``, the ingest assets and the benchmarks. The row loop is the ingest's hot
path, so lookups are cached per distinct (ward, period) and metric text, and a row costs a few dict
lookups and one ``float()`` in the common case.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from orchestration.core.periods import Period, PeriodError
from orchestration.core.quality.consistency import check_ward_months
from orchestration.core.reference import Reference, load_reference
from orchestration.core.submission import assessments
from orchestration.core.submission import messages as msg
from orchestration.core.submission.errors import UnreadableFile, bilingual
from orchestration.core.submission.model import FileVerdict, Rejection, SubmissionRow
from orchestration.core.submission.numbers import NotANumber, value_parser
from orchestration.core.submission.readers import read_table
from orchestration.core.submission.table import Table

WARD_CODE_DIGITS = 5


def validate_file(
    path: str | Path, *, reference: Reference | None = None, today: date | None = None
) -> FileVerdict:
    path = Path(path)
    try:
        data = read_bounded(path)
    except UnreadableFile as error:
        verdict = FileVerdict(path=path, sha256="", format=format_from_name(path))
        return verdict.refuse(error.vi, error.en, error.reason)
    return validate_bytes(data, path, reference=reference, today=today)


# Largest submission file read: a national file of every ward × month × metric for a year is
# about 60 MB; anything much larger is not a submission and would only exhaust memory.
MAX_FILE_BYTES = 256 * 1024 * 1024


def read_bounded(path: Path) -> bytes:
    """The file's bytes, or UnreadableFile when it cannot be read or is far too large."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"Tệp quá lớn ({size // (1024 * 1024)} MB, tối đa "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB); hãy chia thành nhiều tệp",
                f"the file is too large ({size // (1024 * 1024)} MB, at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB); split it into several files",
                "too_large",
            )
        return path.read_bytes()
    except OSError as error:
        vi, en = cannot_read_parts(error)
        raise UnreadableFile(vi, en, "cannot_read") from None


def cannot_read_parts(error: OSError) -> tuple[str, str]:
    return f"Không đọc được tệp ({error.strerror})", f"cannot read the file ({error.strerror})"


def cannot_read(error: OSError) -> str:
    return bilingual(*cannot_read_parts(error))


def validate_bytes(
    data: bytes,
    path: str | Path,
    *,
    reference: Reference | None = None,
    today: date | None = None,
) -> FileVerdict:
    """Like validate_file for bytes already in hand (``path`` names the file in the verdict)."""
    path = Path(path)
    verdict = FileVerdict(
        path=path, sha256=hashlib.sha256(data).hexdigest(), format=format_from_name(path)
    )
    # outside the safety net below: a bad reference catalog (a rule row, say) is the operator's to
    # fix and stops the check or the run, it is not a verdict on this file
    reference = reference or load_reference()
    try:
        table = read_table(data, path.name)
        verdict.format, verdict.encoding, verdict.delimiter = (
            table.format,
            table.encoding,
            table.delimiter,
        )
        # The verdict is millions of small acyclic objects: the cyclic GC would rescan them over
        # and over (a third of the time on a big file) and can find nothing to free.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if table.kind == assessments.KIND:  # a file of self-assessments and inspection verdicts
                verdict.kind = table.kind
                rows, rejections = assessments.validate_table(
                    table, reference, today or date.today()
                )
            else:
                rows, rejections = _validate_table(table, reference, today or date.today())
                # the consistency rules between a ward-month's figures (assessments have none)
                rows, verdict.warnings = _apply_rules(rows, rejections, reference, table.delimiter)
        finally:
            if gc_was_enabled:
                gc.enable()
    except UnreadableFile as error:
        return verdict.refuse(error.vi, error.en, error.reason)
    except Exception as error:  # noqa: BLE001 (any library error on any bytes: a verdict)
        # A library met something no reader rule foresaw: the file is refused with a reason
        # (never a traceback that would stop the other files of the run).
        return verdict.refuse(*unexpected(error))
    verdict.rows, verdict.rejections = rows, rejections
    return verdict


def unexpected(error: BaseException) -> tuple[str, str, str]:
    detail = str(error)[:200]
    return (
        "Không đọc được nội dung tệp (định dạng lạ hoặc tệp hỏng: "
        f"{type(error).__name__}: {detail}); hãy lưu lại dạng .xlsx hoặc CSV UTF-8",
        "cannot read the file's content (unexpected layout or a damaged file: "
        f"{type(error).__name__}: {detail}); save it again as .xlsx or CSV UTF-8",
        "damaged",
    )


def format_from_name(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return suffix[1:] if suffix in (".ods", ".xls") else "csv"


def period_label(raw_period: str) -> tuple[str, Period | None]:
    """How a row's period is reported: ``YYYY-MM`` when it parses, else the text as written."""
    label = raw_period.strip()
    try:
        period = Period.parse(label)
    except PeriodError:
        return label, None
    return str(period), period


def data_rows(table: Table) -> Iterator[tuple[int, list, bool]]:
    """``(line, cells, malformed)`` for every row the validator judges: blank rows are skipped,
    short rows padded to the header's width; ``malformed`` rows have more fields than the header.
    The ingest's scan reads files through this too, so both see the same rows."""
    width = len(table.header)
    iw = table.columns["ward_code"]
    for line, cells in table.rows:
        if len(cells) != width:
            if not any(str(c).strip() for c in cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            else:
                yield line, cells, True
                continue
        if not cells[iw] and not any(str(c).strip() for c in cells):
            continue
        yield line, cells, False


def no_data_rows() -> UnreadableFile:
    return UnreadableFile(
        "Tệp không có dòng số liệu nào (chỉ có tiêu đề, hoặc mẫu chưa điền giá trị)",
        "the file has no data rows (only a header, or a form with no value filled in)",
    )


class _Lookups:
    """Per-file caches: each distinct ward/period text and metric text is checked once."""

    def __init__(self, reference: Reference, today: date) -> None:
        self.reference = reference
        self.today = today
        self.current = Period.containing(today)
        self.wards: dict[tuple[str, str], tuple[str, str, list[msg.Problem] | None]] = {}
        self.metrics: dict[str, tuple] = {}

    def ward_period(self, raw_ward: str, raw_period: str) -> tuple[str, str, list | None]:
        problems: list[msg.Problem] = []
        label, period = period_label(raw_period)
        if period is None:
            problems.append(msg.bad_period(label))
        if period is not None and period > self.current:
            problems.append(msg.future_period(label, str(self.current), self.today.isoformat()))
            period = None  # which era a ward belongs to says nothing useful about the future
        raw = raw_ward.strip()
        code = raw
        if (
            code.isdigit()
            and len(code) < WARD_CODE_DIGITS
            and not self.reference.wards_with_code(code)
        ):
            # Excel turns 00019 into 19. A few island districts without communes (318 Bạch Long
            # Vĩ, 498 Hoàng Sa, 755 Côn Đảo) report under their 3-digit code, so an exact match wins.
            code = code.zfill(WARD_CODE_DIGITS)
        wards = self.reference.wards_with_code(code)
        if not wards:
            problems.append(msg.unknown_ward(raw, code))
        elif period is not None and self.reference.ward_in(code, period) is None:
            problems.append(msg.ward_not_valid(code, label, wards))
        result = (code, label, problems or None)
        self.wards[(raw_ward, raw_period)] = result
        return result

    def metric(self, raw: str) -> tuple:
        """``(code, Metric | None, problem, low, high, integral)``; bounds open as ±inf."""
        code = raw.strip()
        metric = self.reference.metric(code) or self.reference.metric(code.lower())
        if metric is None:
            close = difflib.get_close_matches(code.lower(), self.reference.metrics, n=1)
            problem = msg.unknown_metric(code, close[0] if close else None)
            result = (code, None, problem, -math.inf, math.inf, False)
        else:
            low = -math.inf if metric.min_value is None else metric.min_value
            high = math.inf if metric.max_value is None else metric.max_value
            result = (metric.code, metric, None, low, high, metric.integral)
        self.metrics[raw] = result
        return result


_new = object.__new__
_set = object.__setattr__


def _row(line, ward_code, period, metric_code, value, note) -> SubmissionRow:
    # SubmissionRow is frozen: its __init__ makes six object.__setattr__ calls, a third of the
    # validator's time on a big file. Filling __dict__ in one go builds the identical object.
    row = _new(SubmissionRow)
    _set(
        row,
        "__dict__",
        {
            "line": line,
            "ward_code": ward_code,
            "period": period,
            "metric_code": metric_code,
            "value": value,
            "note": note,
        },
    )
    return row


def _raw_line(cells: list, delimiter: str | None) -> str:
    return (delimiter or "\t").join("" if c is None else str(c) for c in cells)


def _validate_table(
    table: Table, reference: Reference, today: date
) -> tuple[list[SubmissionRow], list[Rejection]]:
    lookups = _Lookups(reference, today)
    ward_cache, metric_cache = lookups.wards, lookups.metrics
    parse = value_parser(table.number_style)
    columns = table.columns
    iw, ip, im, iv = (columns[c] for c in ("ward_code", "period", "metric_code", "value"))
    inote = columns.get("note")
    width = len(table.header)
    delimiter = table.delimiter
    max_chars = msg.MAX_CELL_CHARS
    column_names = {index: name for name, index in columns.items()}

    # Candidates: (line, ward, period, metric, value, note, cells) of rows with no problem of their
    # own, keyed by ward × period × metric (dicts keep insertion order, so rows keep file order).
    candidates: dict[tuple[str, str, str], tuple] = {}
    repeats: dict[tuple[str, str, str], list[tuple]] = {}
    bad_rows: list[tuple[int, str, str, str, object, list, list[msg.Problem]]] = []
    bad_ward_months: dict[tuple[str, str], list[int]] = {}

    for line, cells, malformed in data_rows(table):
        raw_ward = cells[iw]
        if malformed:
            # Never drop the extra fields: "82,5" unquoted in a comma file shifts the row.
            code, label, _ = ward_cache.get((raw_ward, cells[ip])) or lookups.ward_period(
                raw_ward, cells[ip]
            )
            problems = [msg.malformed_row(len(cells), width)]
            bad_rows.append((line, code, label, str(cells[im]).strip(), "", cells, problems))
            bad_ward_months.setdefault((code, label), []).append(line)
            continue
        raw_period = cells[ip]
        ward_code, period, problems = ward_cache.get((raw_ward, raw_period)) or lookups.ward_period(
            raw_ward, raw_period
        )
        raw_metric = cells[im]
        metric_code, metric, metric_problem, low, high, integral = metric_cache.get(
            raw_metric
        ) or lookups.metric(raw_metric)
        if metric_problem is not None:
            problems = [*problems, metric_problem] if problems else [metric_problem]
        raw_value = cells[iv]
        if raw_value.__class__ is float:
            value = raw_value
            if value - value != 0:  # NaN or ±inf from a numeric workbook cell
                value = None
                problem = msg.not_finite(raw_value)
                problems = [*problems, problem] if problems else [problem]
        else:
            try:
                value = parse(raw_value)
            except NotANumber as error:
                value = None
                text = raw_value.strip()
                if not text:
                    problem = msg.missing_value()
                elif text[0] == "=" and table.format != "csv":
                    problem = msg.formula_without_value(text)
                else:
                    problem = msg.not_numeric(text, error.ambiguous)
                problems = [*problems, problem] if problems else [problem]
        if value is not None:
            if value < low or value > high:
                problem = msg.out_of_bounds(value, metric)
                problems = [*problems, problem] if problems else [problem]
            elif integral and not value.is_integer():
                problem = msg.fractional_count(str(raw_value).strip(), metric)
                problems = [*problems, problem] if problems else [problem]
        for index, cell in enumerate(cells):
            if cell.__class__ is str and len(cell) > max_chars:
                problem = msg.too_long(column_names.get(index, f"#{index + 1}"), len(cell))
                problems = [*problems, problem] if problems else [problem]
        if problems:
            bad_rows.append((line, ward_code, period, metric_code, raw_value, cells, problems))
            bad_ward_months.setdefault((ward_code, period), []).append(line)
            continue
        key = (ward_code, period, metric_code)
        candidate = (
            line,
            ward_code,
            period,
            metric_code,
            value,
            (cells[inote].strip() or None) if inote is not None else None,
            cells,
        )
        if key in candidates:
            repeats.setdefault(key, []).append(candidate)
        else:
            candidates[key] = candidate

    if not candidates and not bad_rows:
        raise no_data_rows()
    rejections: list[Rejection] = []
    for line, ward_code, period, metric_code, raw_value, cells, problems in bad_rows:
        rejections.append(
            _rejection(
                line, tuple(problems), ward_code, period, metric_code, raw_value, cells, delimiter
            )
        )

    for key, extra in repeats.items():
        first = candidates[key]
        if all(c[4] == first[4] for c in extra):
            continue  # identical duplicates: the first one stands
        del candidates[key]
        group = [first, *extra]
        lines = [c[0] for c in group]
        shared = (msg.conflicting_duplicate(*key, lines, [c[4] for c in group]),)
        bad_ward_months.setdefault((key[0], key[1]), []).extend(lines)
        for c in group:
            rejections.append(_rejection(c[0], shared, *key, c[6][iv], c[6], delimiter))

    rows: list[SubmissionRow] = []
    append = rows.append
    dropped: dict[tuple[str, str], tuple] = {}  # one problem per rejected ward-month
    for c in candidates.values():
        bad_lines = bad_ward_months.get((c[1], c[2])) if bad_ward_months else None
        if bad_lines:
            problem = dropped.get((c[1], c[2]))
            if problem is None:
                problem = dropped[(c[1], c[2])] = (
                    msg.ward_month_rejected(c[1], c[2], sorted(set(bad_lines))),
                )
            rejections.append(_rejection(c[0], problem, *c[1:4], c[6][iv], c[6], delimiter))
            continue
        append(_row(c[0], c[1], c[2], c[3], c[4], c[5]))
    rejections.sort(key=lambda r: (r.line or 0, r.reason))
    return rows, rejections


def _apply_rules(
    rows: list[SubmissionRow], rejections: list[Rejection], reference: Reference, delimiter
) -> tuple[list[SubmissionRow], list]:
    """The rule stage (``core/quality/consistency.py``) over the accepted rows: ward-months that
    break an ``error`` rule move to ``rejections``; returns the rows kept and the warnings."""

    def same_unit(code: str, period: str, earlier: str) -> bool:
        unit = reference.ward_in(code, Period.parse(period))
        return unit is not None and unit == reference.ward_in(code, Period.parse(earlier))

    stage = check_ward_months(rows, reference.rules, same_unit)
    if stage.rejected:
        for row, problems in stage.rejected:
            value = msg.fmt(row.value)
            cells = [row.ward_code, row.period, row.metric_code, value, row.note or ""]
            rejections.append(
                _rejection(
                    row.line,
                    problems,
                    row.ward_code,
                    row.period,
                    row.metric_code,
                    value,
                    cells,
                    delimiter,
                )  # fmt: skip
            )
        rejections.sort(key=lambda r: (r.line or 0, r.reason))
    return stage.rows, stage.warnings


def _rejection(
    line: int,
    problems: tuple[msg.Problem, ...] | list[msg.Problem],
    ward_code: str,
    period: str,
    metric_code: str,
    raw_value,
    cells: list,
    delimiter: str | None,
) -> Rejection:
    if raw_value.__class__ is str and len(raw_value) > msg.MAX_CELL_CHARS:
        raw_value = raw_value[: msg.MAX_CELL_CHARS]  # the full row is kept in raw_line
    return Rejection(
        line=line,
        column=problems[0].column,
        reason=problems[0].reason,
        problems=problems,
        ward_code=ward_code or None,
        period=period or None,
        metric_code=metric_code or None,
        raw_value=None if raw_value is None else str(raw_value),
        raw_line=_raw_line(cells, delimiter),
    )
