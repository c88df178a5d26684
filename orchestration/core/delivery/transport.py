"""Two transports behind one ``send(message, period, name)``: SMTP, or ``.eml`` files in the outbox.

SMTP settings come from the environment and are never logged: ``SmtpSettings`` keeps the password
out of its ``repr`` and no error message built here contains it. Without ``WARDSTAT_SMTP_HOST``
every message is written to ``$WARDSTAT_HOME/outbox/<period>/`` exactly as it would be sent
(``message.as_bytes()`` under the SMTP policy, CRLF line ends), so a fresh machine delivers too.

Failures are sorted in two: ``TransientFailure`` (connection refused or dropped, timeouts, 4xx) is
worth retrying; ``PermanentFailure`` (5xx) is not. Both carry the server's answer.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path

from orchestration import paths

TLS_MODES = ("starttls", "tls", "none")
DEFAULT_FROM = "wardstat <wardstat@example.invalid>"


class DeliveryConfigError(ValueError):
    pass


class TransientFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0


def mail_from() -> str:
    sender = os.environ.get("WARDSTAT_MAIL_FROM") or DEFAULT_FROM
    if not parseaddr(sender)[1] or "\n" in sender or "\r" in sender:
        raise DeliveryConfigError(
            f"WARDSTAT_MAIL_FROM không hợp lệ / is not a valid address: {sender!r}"
        )
    return sender


def smtp_settings() -> SmtpSettings | None:
    host = os.environ.get("WARDSTAT_SMTP_HOST", "").strip()
    if not host:
        return None
    tls = os.environ.get("WARDSTAT_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise DeliveryConfigError(
            f"WARDSTAT_SMTP_TLS={tls!r}: chọn / choose one of {', '.join(TLS_MODES)}"
        )
    raw_port = os.environ.get("WARDSTAT_SMTP_PORT", "").strip()
    try:
        port = int(raw_port) if raw_port else (465 if tls == "tls" else 587)
    except ValueError:
        raise DeliveryConfigError(
            f"WARDSTAT_SMTP_PORT={raw_port!r} không phải số / is not a number"
        ) from None
    return SmtpSettings(
        host=host, port=port, tls=tls,
        user=os.environ.get("WARDSTAT_SMTP_USER", ""),
        password=os.environ.get("WARDSTAT_SMTP_PASSWORD", ""),
    )  # fmt: skip


def _answer(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(
        error.smtp_error, bytes) else str(error.smtp_error)  # fmt: skip
    return f"{error.smtp_code} {text}".strip()


# The mechanisms tried, best first (over TLS both send the password as it is; CRAM-MD5 is obsolete).
AUTH_MECHANISMS = ("PLAIN", "LOGIN")


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """One AUTH attempt with the best mechanism the server offers. ``smtplib.login`` tries every
    mechanism in turn after a refusal: a wrong password then costs several failed logins (which
    lock accounts on many servers) and can leave the dialogue hanging (aiosmtpd's LOGIN after a
    failed PLAIN), instead of answering 535 at once."""
    smtp.ehlo_or_helo_if_needed()
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()
    mechanism = next((m for m in AUTH_MECHANISMS if m in offered), None)
    if mechanism is None:
        raise smtplib.SMTPNotSupportedError(
            f"the server offers no AUTH mechanism wardstat uses ({', '.join(AUTH_MECHANISMS)})"
        )
    smtp.user, smtp.password = user, password  # what smtplib's auth_plain / auth_login read
    smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))


class SmtpTransport:
    """One connection per batch, opened on first use and reopened after any failure (a server
    that failed mid-dialogue is not trusted with the next message)."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"smtp://{self.settings.host}:{self.settings.port} ({self.settings.tls})"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.tls == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.tls == "starttls":
                smtp.starttls(context=context)
        if s.user:
            _login(smtp, s.user, s.password)
        return smtp

    def send(self, message: EmailMessage, period: str, name: str) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(message)
            if refused:  # some recipients refused: we send one recipient per message
                code, text = next(iter(refused.values()))
                raise smtplib.SMTPResponseException(code, text)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, text = next(iter(error.recipients.values()))
            self._raise(smtplib.SMTPResponseException(code, text))
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise PermanentFailure(f"đăng nhập SMTP bị từ chối / SMTP login refused: "
                                   f"{_answer(error)}") from None  # fmt: skip
        except smtplib.SMTPResponseException as error:
            self.close()
            self._raise(error)
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TransientFailure(f"{type(error).__name__}: {error}") from None

    @staticmethod
    def _raise(error: smtplib.SMTPResponseException) -> None:
        if 400 <= error.smtp_code < 500:
            raise TransientFailure(_answer(error)) from None
        raise PermanentFailure(_answer(error)) from None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


class OutboxTransport:
    """Writes each message as ``outbox/<period>/<name>.eml`` (atomically: tmp file, then rename);
    a retry of the same message overwrites its own file."""

    name = "outbox"

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else paths.home() / "outbox"

    def describe(self) -> str:
        return str(self.root)

    def send(self, message: EmailMessage, period: str, name: str) -> None:
        folder = self.root / period
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.eml"
        tmp = target.with_suffix(".eml.tmp")
        tmp.write_bytes(message.as_bytes(policy=SMTP))
        os.replace(tmp, target)

    def close(self) -> None:
        pass


def transport_from_env() -> SmtpTransport | OutboxTransport:
    settings = smtp_settings()
    return SmtpTransport(settings) if settings else OutboxTransport()
