"""Who receives what: ``sources/delivery/recipients.csv`` (or ``$WARDSTAT_RECIPIENTS``), validated
when loaded.

Columns: ``role,city_code,ward_code,name,address,lang,effective_from,effective_to``.

- ``role``: ``city_hq`` (the city headquarters' planners: the bulletin with its XLSX annex, a copy of
  every ward scorecard and of every alert of the city), ``ward_commander`` (the ward's scorecard and
  its alerts), ``ward_contact`` (the ward's reporting contact: receipts and reminders).
- ``city_code`` two digits or ``*``; ``ward_code`` five digits or ``*`` (empty for ``city_hq``).
  A ``*`` row is a default for every ward (city) without a row of its own for that role; its
  address may hold ``{ward_code}`` / ``{city_code}``.
- ``effective_from`` / ``effective_to``: ISO dates, empty = open; a transfer of command is a new row.

It lives outside ``sources/reference`` on purpose: everything there is a dbt seed, and editing an
address must not rebuild every month of the marts.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from pathlib import Path

from orchestration.paths import PROJECT_ROOT

RECIPIENTS_ENV = "WARDSTAT_RECIPIENTS"
DEFAULT_FILE = PROJECT_ROOT / "sources" / "delivery" / "recipients.csv"
ROLES = ("city_hq", "ward_commander", "ward_contact")
LANGS = ("vi", "en")
COLUMNS = ("role", "city_code", "ward_code", "name", "address", "lang", "effective_from",
           "effective_to")  # fmt: skip
# RFC 5321 dot-atom local part and a dotted domain of LDH labels: strict on purpose (no quoted
# local parts, no IP literals, no display names); nothing is looked up on the network.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RecipientsError(ValueError):
    """The recipient file has bad rows; ``problems`` holds one bilingual message per problem."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__(
            f"Tệp người nhận có lỗi / the recipient file has errors: {path}\n  "
            + "\n  ".join(problems)
        )


@dataclass(frozen=True)
class Recipient:
    role: str
    address: str
    name: str
    lang: str


@dataclass(frozen=True)
class _Row:
    line: int
    role: str
    city_code: str
    ward_code: str
    name: str
    address: str
    lang: str
    effective_from: date | None
    effective_to: date | None

    def in_force(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )

    def resolve(self, city_code: str, ward_code: str) -> Recipient:
        address = self.address.replace("{city_code}", city_code).replace("{ward_code}", ward_code)
        return Recipient(self.role, address, self.name, self.lang)


def valid_address(address: str) -> bool:
    if not _ADDRESS.match(address) or len(address) > 254:
        return False
    return parseaddr(address)[1] == address


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _check_row(line: int, row: dict[str, str]) -> tuple[_Row | None, list[str]]:
    def bad(column: str, vi: str, en: str) -> str:
        value = row.get(column, "")
        return f"Dòng {line}, cột {column}: '{value}' {vi} / Line {line}, column {column}: '{value}' {en}"

    problems = []
    values = {k: (row.get(k) or "").strip() for k in COLUMNS}
    if values["role"] not in ROLES:
        problems.append(bad("role", f"không phải vai trò ({', '.join(ROLES)})",
                            f"is not a role ({', '.join(ROLES)})"))  # fmt: skip
    if not re.fullmatch(r"\d{2}|\*", values["city_code"]):
        problems.append(bad("city_code", "phải là mã tỉnh 2 chữ số hoặc *",
                            "must be a 2-digit province code or *"))  # fmt: skip
    ward_ok = re.fullmatch(r"\d{5}|\*", values["ward_code"])
    if values["role"] == "city_hq" and values["ward_code"]:
        problems.append(bad("ward_code", "phải để trống cho city_hq", "must be empty for city_hq"))
    elif values["role"] in ("ward_commander", "ward_contact") and not ward_ok:
        problems.append(bad("ward_code", "phải là mã phường 5 chữ số hoặc *",
                            "must be a 5-digit ward code or *"))  # fmt: skip
    wildcard = "*" in (values["city_code"], values["ward_code"])
    address = values["address"]
    has_placeholder = "{" in address
    probe = address.replace("{city_code}", "01").replace("{ward_code}", "00001")
    if has_placeholder and not wildcard:
        problems.append(bad("address", "chỉ dòng có * mới được dùng {ward_code}/{city_code}",
                            "may use {ward_code}/{city_code} only on a * row"))  # fmt: skip
    elif not valid_address(probe):
        problems.append(bad("address", "không phải địa chỉ thư hợp lệ (ten@ten-mien.vn)",
                            "is not a valid e-mail address (name@domain.example)"))  # fmt: skip
    if _CONTROL.search(row.get("name") or ""):
        problems.append(bad("name", "chứa ký tự điều khiển (xuống dòng)",
                            "holds a control character (a line break)"))  # fmt: skip
    if values["lang"] not in LANGS:
        problems.append(bad("lang", "phải là vi hoặc en", "must be vi or en"))
    dates = {}
    for column in ("effective_from", "effective_to"):
        try:
            dates[column] = _date(values[column]) if values[column] else None
        except ValueError:
            problems.append(bad(column, "không phải ngày YYYY-MM-DD", "is not a date YYYY-MM-DD"))
    start, end = dates.get("effective_from"), dates.get("effective_to")
    if start and end and start > end:
        problems.append(bad("effective_to", "sớm hơn effective_from", "is before effective_from"))
    if problems:
        return None, problems
    return _Row(line, values["role"], values["city_code"], values["ward_code"], values["name"],
                address, values["lang"], dates["effective_from"], dates["effective_to"]), []  # fmt: skip


class Recipients:
    """The validated list; ask it who gets a role's mail for a city or ward on a day."""

    def __init__(self, rows: list[_Row]):
        self._rows = rows

    def _pick(self, role: str, city_code: str, ward_code: str, day: date) -> list[Recipient]:
        rows = [r for r in self._rows if r.role == role and r.in_force(day)]
        for city, ward in ((city_code, ward_code), (city_code, "*"), ("*", ward_code), ("*", "*")):
            found = [r for r in rows if r.city_code == city and r.ward_code == ward]
            if found:  # the most specific rows win: a ward's own commander replaces the default
                return [r.resolve(city_code, ward_code) for r in found]
        return []

    def for_city(self, city_code: str, day: date) -> list[Recipient]:
        return self._pick("city_hq", city_code, "", day)

    def for_ward(self, role: str, city_code: str, ward_code: str, day: date) -> list[Recipient]:
        return self._pick(role, city_code, ward_code, day)


def recipients_path() -> Path:
    override = os.environ.get(RECIPIENTS_ENV)
    return Path(override) if override else DEFAULT_FILE


def load_recipients(path: Path | None = None) -> Recipients:
    """Read and validate every row; any bad row refuses the whole file (a half-read address list
    would mail some readers and silently skip others)."""
    path = Path(path) if path else recipients_path()
    if not path.exists():
        raise RecipientsError(path, ["không có tệp / file not found"])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RecipientsError(
                path, [f"thiếu cột / missing column(s): {', '.join(missing)}"]
            )
        rows, problems = [], []
        for line, raw in enumerate(reader, start=2):
            row, found = _check_row(line, raw)
            problems += found
            if row:
                rows.append(row)
    if problems:
        raise RecipientsError(path, problems)
    return Recipients(rows)
