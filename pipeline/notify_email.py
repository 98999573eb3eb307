"""E-mail alerts over SMTP: one multipart/alternative message (text and HTML) per alert.

The server comes from the channel's secret URL: ``smtp://user:pass@host:port`` (STARTTLS when
the channel's ``starttls`` is true, the default) or ``smtps://`` (TLS from the first byte).
Credentials are never sent without TLS: such a channel is refused when it is built.

Outcomes:

    accepted by the server                  delivered (recipients refused among several: logged)
    connection failure, timeout, SMTP 4xx   TransientDeliveryError
    SMTP 5xx, bad recipient, bad login,
    no STARTTLS offered, bad certificate     PermanentDeliveryError

The message is built with ``email.message.EmailMessage`` (SMTP policy): headers are never
concatenated by hand, the subject passes ``render.header_safe``, and the envelope recipients are
exactly ``channel.to`` — no header can add one.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from pipeline import render
from pipeline.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from pipeline.findings import Alert
from pipeline.logs import get_logger
from pipeline.redact import Redactor

__all__ = [
    "DEFAULT_SMTP_TIMEOUT",
    "EmailNotifier",
    "SMTPServer",
    "build_message",
    "build_ops_message",
    "check_sender",
    "parse_smtp_url",
]

#: Seconds for connecting and for each SMTP command.
DEFAULT_SMTP_TIMEOUT = 20.0
_DEFAULT_PORTS = {"smtps": 465, "starttls": 587, "plain": 25}

_log = get_logger(__name__)


@dataclass(frozen=True)
class SMTPServer:
    """Where and how to submit mail; the credentials are kept out of ``repr``."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(channel: str, variable: str, url: str, *, starttls: bool) -> SMTPServer:
    """The server named by ``url``; PermanentDeliveryError (without the URL) when unusable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise PermanentDeliveryError(
            channel, f"environment variable {variable} does not hold an smtp:// or smtps:// URL"
        )
    implicit_tls = scheme == "smtps"
    use_starttls = starttls and not implicit_tls
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and not (implicit_tls or use_starttls):
        raise PermanentDeliveryError(
            channel,
            f"environment variable {variable} holds SMTP credentials but the channel turns"
            " STARTTLS off: refusing to send them without TLS (use starttls: true or smtps://)",
        )
    mode = "smtps" if implicit_tls else "starttls" if use_starttls else "plain"
    return SMTPServer(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[mode],
        implicit_tls=implicit_tls,
        starttls=use_starttls,
        username=username,
        password=password,
    )


def check_sender(channel: str, sender: str) -> None:
    """Raise PermanentDeliveryError unless ``sender`` is one address (``Name <a@b>`` allowed)."""
    _, address = email.utils.parseaddr(sender)
    if "@" not in address or any(ord(c) < 32 or ord(c) == 127 for c in sender):
        raise PermanentDeliveryError(channel, f"sender {sender!r} is not an e-mail address")


def _domain(sender: str) -> str:
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2]
    return domain or "portwatch.invalid"


def _message_id(alert: Alert, sender: str) -> str:
    # Stable per alert: a retried send carries the same Message-ID, so mail systems that
    # deduplicate on it hide the duplicate that at-least-once delivery may cause.
    key = "\x1f".join([alert.channel, str(alert.digest), *(f.id for f in alert.findings)])
    return f"<portwatch.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_domain(sender)}>"


def _envelope(sender: str, to: tuple[str, ...], subject: str, now: float | None) -> EmailMessage:
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = email.utils.formatdate(now, usegmt=True)
    # RFC 3834: tells vacation responders and ticket systems not to answer an alert.
    message["Auto-Submitted"] = "auto-generated"
    return message


def build_message(
    alert: Alert, sender: str, to: tuple[str, ...], *, now: float | None = None
) -> EmailMessage:
    """The alert as multipart/alternative: text/plain first, text/html preferred."""
    message = _envelope(sender, to, render.email_subject(alert), now)
    message["Message-ID"] = _message_id(alert, sender)
    message.set_content(render.email_text(alert))
    message.add_alternative(render.email_html(alert), subtype="html")
    return message


def build_ops_message(
    text: str, sender: str, to: tuple[str, ...], *, now: float | None = None
) -> EmailMessage:
    message = _envelope(sender, to, render.email_ops_subject(text), now)
    message["Message-ID"] = email.utils.make_msgid("portwatch.ops", domain=_domain(sender))
    message.set_content("\n".join(render.one_line(line) for line in text.splitlines()) + "\n")
    return message


class EmailNotifier:
    """Sends alerts by SMTP to a fixed list of recipients."""

    def __init__(
        self,
        name: str,
        server: SMTPServer,
        sender: str,
        to: tuple[str, ...],
        *,
        timeout: float = DEFAULT_SMTP_TIMEOUT,
        secrets: tuple[str, ...] = (),
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.name = name
        self.sender = sender
        self._envelope_from = email.utils.parseaddr(sender)[1]
        self.to = tuple(to)
        self._server = server
        self._timeout = timeout
        secrets += tuple(s for s in (server.password, _userinfo(server)) if s)
        self._redactor = Redactor(secrets)
        # Certificates and host names verified (the system's CAs unless a context is given).
        self._tls = tls_context or ssl.create_default_context()

    def __repr__(self) -> str:
        return f"EmailNotifier(name={self.name!r}, to={self.to!r})"

    def send(self, alert: Alert) -> None:
        self._deliver(build_message(alert, self.sender, self.to, now=time.time()))

    def send_ops(self, text: str) -> None:
        text = self._redactor.text(text)
        self._deliver(build_ops_message(text, self.sender, self.to, now=time.time()))

    def _connect(self) -> smtplib.SMTP:
        server = self._server
        if server.implicit_tls:
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=self._timeout, context=self._tls
            )
        return smtplib.SMTP(server.host, server.port, timeout=self._timeout)

    def _deliver(self, message: EmailMessage) -> None:
        server = self._server
        try:
            with self._connect() as smtp:
                if server.starttls:
                    smtp.ehlo()
                    if not smtp.has_extn("starttls"):
                        raise PermanentDeliveryError(
                            self.name, f"{server.host} does not offer STARTTLS"
                        )
                    smtp.starttls(context=self._tls)
                    smtp.ehlo()
                if server.username:
                    smtp.login(server.username, server.password or "")
                refused = smtp.send_message(message, self._envelope_from, list(self.to))
        except (smtplib.SMTPException, OSError) as exc:
            raise _smtp_error(self.name, exc, self._redactor) from None
        if refused:
            # Some recipients got it: retrying would send them a duplicate. Say who did not.
            _log.warning(
                "email recipients refused",
                channel=self.name,
                refused={rcpt: code for rcpt, (code, _) in refused.items()},
            )


def _userinfo(server: SMTPServer) -> str | None:
    if server.username is None or server.password is None:
        return None
    return f"{server.username}:{server.password}"


def _smtp_error(channel: str, exc: Exception, redactor: Redactor) -> DeliveryError:
    """Transient for what may heal (4xx, network), permanent for the rest."""
    reason = redactor.text(render.one_line(f"{type(exc).__name__}: {_describe(exc)}"))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        heals = any(400 <= code < 500 for code in codes)
        return (TransientDeliveryError if heals else PermanentDeliveryError)(channel, reason)
    if isinstance(exc, smtplib.SMTPResponseException):
        heals = not 500 <= exc.smtp_code < 600
        return (TransientDeliveryError if heals else PermanentDeliveryError)(channel, reason)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TransientDeliveryError(channel, reason)
    if isinstance(exc, ssl.SSLCertVerificationError | smtplib.SMTPException):
        return PermanentDeliveryError(channel, reason)  # a wrong certificate or no AUTH
    return TransientDeliveryError(channel, reason)  # OSError: refused, reset, timeout, DNS


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{rcpt}: {code} {_text(answer)}" for rcpt, (code, answer) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or "no detail"


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
