"""One e-mail: multipart/alternative (plain text + a short HTML body) with attachments.

Every message is a ``Body`` (heading, paragraphs, a list, closing lines) rendered by the same two
templates: ``message.txt.j2`` (no escaping) and ``message.html.j2`` (Jinja2 autoescape), so data
never reaches HTML unescaped. Header values derived from data go through ``header_text`` (control
characters, CR and LF become spaces) and names through ``Address``; the ``email.policy.SMTP``
policy then encodes non-ASCII per RFC 2047 and folds long lines.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache
from pathlib import Path

import jinja2

from orchestration.core.delivery.recipients import Recipient

TEMPLATES = Path(__file__).with_name("templates")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass
class Body:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)


def header_text(text: str) -> str:
    """A data-derived string made safe for one header line: no CR/LF, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def new_message_id(sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "wardstat.invalid"
    return make_msgid(domain=domain)


def build_message(
    *,
    sender: str,
    recipient: Recipient,
    subject: str,
    body: Body,
    message_id: str,
    attachments: list[Path] = (),
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    local, _, domain = recipient.address.partition("@")
    message["To"] = Address(display_name=header_text(recipient.name), username=local, domain=domain)
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id
    for key, value in (headers or {}).items():
        message[key] = header_text(value)
    # every paragraph and item is one line of data-derived text: a name holding CR/LF must not
    # start a line of its own in the body (where "Bcc: …" would look like a header to a reader)
    flat = Body(
        header_text(body.heading),
        [header_text(p) for p in body.paragraphs],
        [header_text(i) for i in body.items],
        [header_text(c) for c in body.closing],
    )
    context = {"body": flat, "lang": recipient.lang}
    message.set_content(_env().get_template("message.txt.j2").render(context))
    message.add_alternative(_env().get_template("message.html.j2").render(context), subtype="html")
    for path in attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    # last: set_content / add_attachment move Content-* headers into the body parts
    message["Content-Language"] = recipient.lang
    return message
