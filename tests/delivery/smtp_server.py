"""A real SMTP server on loopback (aiosmtpd) for the delivery tests, with handlers that misbehave
on purpose: 451 before accepting, 550 for chosen recipients, AUTH with a known password."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class RecordingHandler:
    """Accepts everything; ``tempfail`` answers 451 to that many DATA commands first; ``refuse``
    answers 550 at RCPT for those addresses (every time)."""

    tempfail: int = 0
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    answered_451: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.answered_451 < self.tempfail:
                self.answered_451 += 1
                return "451 4.3.0 try again later"
            raw = envelope.original_content or envelope.content
            self.received.append(Received(
                envelope.mail_from, list(envelope.rcpt_tos),
                message_from_bytes(raw, policy=policy.default), raw,
            ))  # fmt: skip
        return "250 2.0.0 queued"


class Authenticator:
    def __init__(self, user: str, password: str):
        self.user, self.password, self.logins = user, password, []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
        )
        self.logins.append(ok)
        # handled=False: aiosmtpd answers (235 or 535) itself; True would mean we had answered
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(handler, authenticator=None) -> Controller:
    kwargs = {}
    if authenticator:
        kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller
