"""Notifiers against real local servers: a webhook receiver, aiosmtpd, and a file on disk."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from pipeline.config import ConsoleChannel, EmailChannel, SlackChannel
from pipeline.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from pipeline.findings import Alert, Finding
from pipeline.notifiers import (
    EmailNotifier,
    Notifier,
    SlackNotifier,
    build_notifier,
    channel_secrets,
)
from pipeline.notify_email import parse_smtp_url
from tests.conftest import SMTPRecorder
from tests.servers import (
    Exchange,
    LocalServer,
    RecordingReceiver,
    Reply,
    forbid_foreign_connections,
)
from tests.test_render import ARTICLE, HOSTILE_TITLE, changed_figure, digest, new_port

SLACK_ENV = "PORTWATCH_SLACK_TEST"
SMTP_ENV = "PORTWATCH_SMTP_TEST"
SLACK = SlackChannel(kind="slack", webhook_url_env=SLACK_ENV)
TO = ("ops@example.org", "duty@example.org")
SENDER = "portwatch@alerts.example.org"
MAIL = EmailChannel(kind="email", to=TO, smtp_url_env=SMTP_ENV, sender=SENDER, starttls=False)


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    with forbid_foreign_connections():
        yield


@contextmanager
def receiver(*script: int | Reply) -> Iterator[RecordingReceiver]:
    """A started RecordingReceiver, typed as one (LocalServer.__enter__ returns the base)."""
    hook = RecordingReceiver(script)
    with hook:
        yield hook


def slack(url: str) -> Notifier:
    return build_notifier("ops-slack", SLACK, {SLACK_ENV: url}, state_dir=Path("var"))


def alert(finding: Finding | None = None, channel: str = "ops-slack") -> Alert:
    return Alert(channel, (finding or new_port(),))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_secret_absent(secret: str, error: BaseException, *others: object) -> None:
    shown = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        *map(repr, others),
    ]
    shown += [getattr(error, "reason", "")]
    for text in shown:
        assert secret not in text


# ---------------------------------------------------------------------------------- Slack


def test_slack_posts_one_json_message() -> None:
    finding = new_port()
    with receiver() as hook:
        slack(hook.webhook_url).send(alert(finding))
        (request,) = hook.wait_for(1)
    assert request.method == "POST" and request.path == hook.path
    assert request.headers["content-type"].startswith("application/json")
    body = request.json()
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith("New port: Dunkirk — ")
    assert body["blocks"][0]["text"]["text"] == f"*{finding.headline()}*"
    assert ">Officials now say *Dunkirk* is" in body["blocks"][1]["text"]["text"]
    assert f"*Link*\n<{ARTICLE.url}|{ARTICLE.title}>" in [
        f["text"] for f in body["blocks"][2]["fields"]
    ]
    assert hook.errors == []


def test_slack_mentions_from_an_article_arrive_escaped() -> None:
    finding = new_port(article=replace(ARTICLE, title=HOSTILE_TITLE))
    with receiver() as hook:
        slack(hook.webhook_url).send(alert(finding))
        (request,) = hook.wait_for(1)
    body = request.json()
    assert body["text"].startswith(
        "New port: Dunkirk — Calais &lt;!channel&gt; alert &lt;@U024BE7LH&gt;"
    )
    assert "&lt;!channel&gt;" in body["blocks"][0]["text"]["text"]
    assert "<!channel>" not in request.body.decode() and "<@U024BE7LH>" not in request.body.decode()


def test_slack_digest_is_one_message_naming_each_finding() -> None:
    with receiver() as hook:
        slack(hook.webhook_url).send(digest(5))
        (request,) = hook.wait_for(1)
    lines = request.json()["text"].splitlines()
    assert lines[0].startswith("Digest: 5 findings — ")
    assert [line.split(" — ")[0] for line in lines[1:]] == [
        "New port: Dunkirk",
        "New port: Zeebrugge",
        "New port: Hook of Holland",
        "New port: Ostend",
        "New port: Rotterdam",
    ]


@pytest.mark.parametrize("status", [500, 502, 503, 408])
def test_slack_server_errors_are_transient(status: int) -> None:
    with receiver(status) as hook, pytest.raises(TransientDeliveryError) as caught:
        slack(hook.webhook_url).send(alert())
    assert caught.value.channel == "ops-slack"
    assert f"HTTP {status}" in caught.value.reason
    assert caught.value.retry_after is None
    assert_secret_absent(hook.webhook_url, caught.value)


def test_slack_429_is_transient_with_retry_after_seconds() -> None:
    with receiver(Reply.retry_after(7)) as hook, pytest.raises(TransientDeliveryError) as caught:
        slack(hook.webhook_url).send(alert())
    assert caught.value.retry_after == 7


def test_slack_429_retry_after_may_be_an_http_date() -> None:
    when = formatdate(time.time() + 120, usegmt=True)
    with receiver(Reply.retry_after(when)) as hook, pytest.raises(TransientDeliveryError) as caught:
        slack(hook.webhook_url).send(alert())
    assert caught.value.retry_after is not None and 100 <= caught.value.retry_after <= 121


def test_slack_retries_heal_once_the_receiver_recovers() -> None:
    with receiver(500, 500, 200) as hook:
        notifier = slack(hook.webhook_url)
        for _ in range(2):
            with pytest.raises(TransientDeliveryError):
                notifier.send(alert())
        notifier.send(alert())
        assert len(hook.wait_for(3)) == 3


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, b"invalid_payload"),
        (403, b"action_prohibited"),
        (404, b"channel_not_found"),
        (410, b"channel_is_archived"),
    ],
)
def test_slack_client_errors_are_permanent(status: int, body: bytes) -> None:
    with receiver(Reply(status, body)) as hook, pytest.raises(PermanentDeliveryError) as caught:
        slack(hook.webhook_url).send(alert())
    assert caught.value.reason == f"Slack answered HTTP {status}: {body.decode()}"


def test_slack_redirect_is_permanent_and_not_followed() -> None:
    with receiver(Reply(302, b"", {"Location": "/elsewhere"})) as hook:
        with pytest.raises(PermanentDeliveryError, match="redirect"):
            slack(hook.webhook_url).send(alert())
        assert [r.path for r in hook.requests] == [hook.path]


def test_slack_ignores_proxy_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with receiver() as hook:
        slack(hook.webhook_url).send(alert())
        assert len(hook.wait_for(1)) == 1


def test_slack_connection_refused_is_transient_and_hides_the_url() -> None:
    secret = "T0SECRET/B0SECRET/XyZsecretTokenValue"
    url = f"http://127.0.0.1:{closed_port()}/services/{secret}"
    notifier = slack(url)
    with pytest.raises(TransientDeliveryError) as caught:
        notifier.send(alert())
    assert_secret_absent(secret, caught.value, notifier)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_slack_timeout_is_transient() -> None:
    def stall(exchange: Exchange) -> None:
        exchange.wait(5)

    with LocalServer({"/hook": stall}) as server:
        notifier = SlackNotifier("ops-slack", server.url("/hook"), timeout=0.3)
        started = time.monotonic()
        with pytest.raises(TransientDeliveryError, match="timed out"):
            notifier.send(alert())
    assert time.monotonic() - started < 3


def test_slack_ops_message_is_plain_escaped_text_without_secrets() -> None:
    with receiver() as hook:
        slack(hook.webhook_url).send_ops(
            f"feed harbour-gazette failing\n<!channel> see {hook.webhook_url}"
        )
        (request,) = hook.wait_for(1)
    assert request.json() == {
        "text": "feed harbour-gazette failing\n&lt;!channel&gt; see [redacted]"
    }


@pytest.mark.parametrize("environ", [{}, {SLACK_ENV: ""}, {SLACK_ENV: "   "}])
def test_slack_secret_variable_missing_is_permanent(environ: dict[str, str]) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        build_notifier("ops-slack", SLACK, environ, state_dir=Path("var"))
    assert caught.value.reason == f"environment variable {SLACK_ENV} is not set"


@pytest.mark.parametrize(
    "value",
    [
        "hooks.slack.com/services/T/B/secretvalue",
        "ftp://x.example/secretvalue",
        "http://hooks.slack.com/services/T/B/secretvalue",
    ],
)
def test_slack_unusable_webhook_url_is_permanent_and_not_echoed(value: str) -> None:
    with pytest.raises(PermanentDeliveryError) as caught:
        build_notifier("ops-slack", SLACK, {SLACK_ENV: value}, state_dir=Path("var"))
    assert SLACK_ENV in caught.value.reason
    assert_secret_absent("secretvalue", caught.value)


# ---------------------------------------------------------------------------------- e-mail


def mailer(url: str, channel: EmailChannel = MAIL) -> Notifier:
    return build_notifier("ops-email", channel, {SMTP_ENV: url}, state_dir=Path("var"))


def received(recorder: SMTPRecorder, index: int = 0) -> EmailMessage:
    """A received message parsed with the modern policy (decoded headers, get_content)."""
    parsed = message_from_bytes(recorder.messages[index].as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_email_sends_one_multipart_alternative_message(smtp_server: SMTPRecorder) -> None:
    finding = changed_figure()
    mailer(smtp_server.url()).send(alert(finding, "ops-email"))
    assert len(smtp_server.messages) == 1
    message = received(smtp_server)
    assert message.get_content_type() == "multipart/alternative"
    text, page = message.iter_parts()
    assert (text.get_content_type(), page.get_content_type()) == ("text/plain", "text/html")
    assert str(message["Subject"]).startswith(finding.headline()[:60])
    assert message["Subject"] == finding.headline()
    assert message["From"] == SENDER
    assert message["To"] == ", ".join(TO)
    assert message["Message-ID"].endswith("@alerts.example.org>")
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    assert "«150»" in text.get_content()
    assert "<strong>150</strong>" in page.get_content()
    assert smtp_server.envelopes == [(SENDER, list(TO))]


def test_email_html_escapes_article_markup(smtp_server: SMTPRecorder) -> None:
    article = replace(ARTICLE, title="Ports <script>alert(1)</script> tighten")
    mailer(smtp_server.url()).send(alert(new_port(article=article), "ops-email"))
    page = received(smtp_server).get_body(("html",))
    assert page is not None
    html = page.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_email_headline_cannot_inject_a_header_or_recipient(smtp_server: SMTPRecorder) -> None:
    # Finding.headline() squashes the title's whitespace, but not the outlet or the port name.
    article = replace(
        ARTICLE, outlet="Gazette\r\nBcc: x@example.org", title="T\r\nBcc: y@example.org"
    )
    finding = new_port(port="Dunkirk\r\nBcc: z@example.org\r\n\r\nbody", article=article)
    mailer(smtp_server.url()).send(alert(finding, "ops-email"))
    raw = smtp_server.messages[0]
    assert raw.get_all("Bcc") is None
    assert received(smtp_server).get_all("Bcc") is None
    assert smtp_server.envelopes == [(SENDER, list(TO))]
    assert str(received(smtp_server)["Subject"]).startswith(
        "New port: Dunkirk Bcc: z@example.org body — "
    )


def test_email_digest_subject_and_lines(smtp_server: SMTPRecorder) -> None:
    alert_ = digest(5)
    mailer(smtp_server.url()).send(replace(alert_, channel="ops-email"))
    message = received(smtp_server)
    assert message["Subject"] == alert_.headline()
    body = message.get_body(("plain",))
    assert body is not None
    lines = body.get_content().splitlines()
    for finding in alert_.findings:
        assert any(line.startswith(finding.headline()) for line in lines)


def test_email_ops_message_is_plain_text(smtp_server: SMTPRecorder) -> None:
    mailer(smtp_server.url()).send_ops("feed harbour-gazette silent for 2h\nlast poll 10:00 UTC")
    message = received(smtp_server)
    assert message.get_content_type() == "text/plain"
    assert message["Subject"] == "Portwatch ops: feed harbour-gazette silent for 2h"
    assert "last poll 10:00 UTC" in message.get_content()


def test_email_refuses_credentials_without_tls() -> None:
    url = "smtp://alice:Sup3rSecretPw@127.0.0.1:2525"
    with pytest.raises(PermanentDeliveryError, match="without TLS") as caught:
        mailer(url)
    assert_secret_absent("Sup3rSecretPw", caught.value)


def test_email_requires_starttls_when_the_channel_asks(smtp_server: SMTPRecorder) -> None:
    notifier = mailer(smtp_server.url(), MAIL.model_copy(update={"starttls": True}))
    with pytest.raises(PermanentDeliveryError, match="does not offer STARTTLS"):
        notifier.send(alert(channel="ops-email"))
    assert smtp_server.messages == []


def test_email_connection_refused_is_transient_and_hides_credentials() -> None:
    url = f"smtps://alice:Sup3rSecretPw@127.0.0.1:{closed_port()}"
    notifier = mailer(url)
    with pytest.raises(TransientDeliveryError) as caught:
        notifier.send(alert(channel="ops-email"))
    assert_secret_absent("Sup3rSecretPw", caught.value, notifier)


@pytest.mark.parametrize("environ", [{}, {SMTP_ENV: ""}])
def test_email_secret_variable_missing_is_permanent(environ: dict[str, str]) -> None:
    with pytest.raises(PermanentDeliveryError, match=f"environment variable {SMTP_ENV} is not set"):
        build_notifier("ops-email", MAIL, environ, state_dir=Path("var"))


@pytest.mark.parametrize(
    "value",
    ["http://mail.example/secretvalue", "smtp://:secretvalue", "smtp://h:99999999/secretvalue"],
)
def test_email_unusable_smtp_url_is_permanent_and_not_echoed(value: str) -> None:
    with pytest.raises(PermanentDeliveryError, match=SMTP_ENV) as caught:
        mailer(value)
    assert_secret_absent("secretvalue", caught.value)


def test_email_sender_may_have_a_display_name(smtp_server: SMTPRecorder) -> None:
    channel = MAIL.model_copy(update={"sender": "Portwatch alerts <portwatch@alerts.example.org>"})
    mailer(smtp_server.url(), channel).send(alert(channel="ops-email"))
    message = received(smtp_server)
    assert message["From"].addresses[0].addr_spec == SENDER
    assert smtp_server.envelopes == [(SENDER, list(TO))]


@pytest.mark.parametrize("sender", ["nobody", "a@b.example\r\nBcc: x@example.org"])
def test_email_bad_sender_is_permanent(sender: str) -> None:
    with pytest.raises(PermanentDeliveryError, match="sender"):
        mailer("smtp://127.0.0.1:25", MAIL.model_copy(update={"sender": sender}))


class _Refusing:
    """An aiosmtpd handler answering RCPT TO with a scripted reply for some addresses."""

    def __init__(self, reply: str, refuse: set[str]) -> None:
        self.reply = reply
        self.refuse = refuse
        self.delivered: list[tuple[str, list[str]]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def refusing_smtp(reply: str, refuse: set[str]) -> Iterator[tuple[str, _Refusing]]:
    from aiosmtpd.controller import Controller

    handler = _Refusing(reply, refuse)
    port = closed_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler
    finally:
        controller.stop()


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("550 5.1.1 No such user here", PermanentDeliveryError),
        ("451 4.3.0 Try again later", TransientDeliveryError),
    ],
)
def test_email_refused_recipients(reply: str, error: type[DeliveryError]) -> None:
    with refusing_smtp(reply, set(TO)) as (url, handler), pytest.raises(error) as caught:
        mailer(url).send(alert(channel="ops-email"))
    assert reply.split()[0] in caught.value.reason
    assert handler.delivered == []


def test_email_partly_refused_is_delivered_and_logged() -> None:
    with (
        refusing_smtp("550 5.1.1 No such user here", {TO[1]}) as (url, handler),
        capture_logs() as logs,
    ):
        mailer(url).send(alert(channel="ops-email"))
    assert handler.delivered == [(SENDER, [TO[0]])]
    assert [(e["event"], e["refused"]) for e in logs] == [
        ("email recipients refused", {TO[1]: 550})
    ]


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


class _Accounts:
    """aiosmtpd authenticator: one user, records every attempt."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()
        self.attempts: list[tuple[bytes, bool]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        self.attempts.append((getattr(data, "login", b""), ok))
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535 itself


@contextmanager
def tls_smtp(
    certificate: Certificate, *, implicit: bool
) -> Iterator[tuple[int, _Refusing, _Accounts]]:
    """aiosmtpd with TLS (STARTTLS required, or TLS from the start) and a login."""
    from aiosmtpd.controller import Controller

    handler, accounts = _Refusing("", set()), _Accounts("alice", "Sup3rSecretPw")
    port = closed_port()
    # aiosmtpd counts only STARTTLS as TLS for AUTH: with TLS from the start it must be told
    # (and then warns if AUTH is also required, so there it is offered, not required).
    tls: dict[str, Any] = (
        {"ssl_context": certificate.server_context(), "auth_require_tls": False}
        if implicit
        else {
            "tls_context": certificate.server_context(),
            "require_starttls": True,
            "auth_required": True,
        }
    )
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=accounts,
        **tls,
    )
    controller.start()
    try:
        yield port, handler, accounts
    finally:
        controller.stop()


def tls_mailer(url: str, certificate: Certificate, *, starttls: bool = True) -> EmailNotifier:
    server = parse_smtp_url("ops-email", SMTP_ENV, url, starttls=starttls)
    return EmailNotifier(
        "ops-email", server, SENDER, TO, secrets=(url,), tls_context=certificate.client_context()
    )


def test_email_starttls_then_login(certificate: Certificate) -> None:
    with tls_smtp(certificate, implicit=False) as (port, handler, accounts):
        tls_mailer(f"smtp://alice:Sup3rSecretPw@127.0.0.1:{port}", certificate).send(
            alert(channel="ops-email")
        )
    assert accounts.attempts == [(b"alice", True)]
    assert handler.delivered == [(SENDER, list(TO))]


def test_email_smtps_then_login(certificate: Certificate) -> None:
    with tls_smtp(certificate, implicit=True) as (port, handler, accounts):
        tls_mailer(f"smtps://alice:Sup3rSecretPw@127.0.0.1:{port}", certificate).send(
            alert(channel="ops-email")
        )
    assert accounts.attempts == [(b"alice", True)]
    assert handler.delivered == [(SENDER, list(TO))]


def test_email_wrong_password_is_permanent_and_not_shown(certificate: Certificate) -> None:
    with tls_smtp(certificate, implicit=False) as (port, handler, _):
        url = f"smtp://alice:Wr0ngPassword@127.0.0.1:{port}"
        notifier = tls_mailer(url, certificate)
        with pytest.raises(PermanentDeliveryError, match="535") as caught:
            notifier.send(alert(channel="ops-email"))
    assert handler.delivered == []
    assert_secret_absent("Wr0ngPassword", caught.value, notifier)


def test_email_untrusted_certificate_is_permanent(certificate: Certificate) -> None:
    with tls_smtp(certificate, implicit=True) as (port, handler, _):
        # The default context trusts the system's CAs, not our self-signed certificate.
        notifier = mailer(f"smtps://alice:Sup3rSecretPw@127.0.0.1:{port}")
        with pytest.raises(PermanentDeliveryError, match="certificate") as caught:
            notifier.send(alert(channel="ops-email"))
    assert handler.delivered == []
    assert_secret_absent("Sup3rSecretPw", caught.value, notifier)


# ---------------------------------------------------------------------------------- console


def console(path: str | Path) -> Notifier:
    channel = ConsoleChannel(kind="console", path=str(path))
    return build_notifier("console", channel, {}, state_dir=Path("var"))


def test_console_appends_one_json_line_per_alert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out" / "alerts.jsonl"
    notifier = console(path)
    first, second = alert(new_port(), "console"), alert(changed_figure(), "console")
    notifier.send(first)
    notifier.send(second)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    assert set(records[0]) == {"channel", "digest", "headline", "findings", "sent_at"}
    assert records[0]["channel"] == "console" and records[0]["digest"] is False
    assert [r["headline"] for r in records] == [first.headline(), second.headline()]
    assert Finding.from_json(records[1]["findings"][0]) == second.findings[0]
    assert abs(records[0]["sent_at"] - time.time()) < 60
    out = capsys.readouterr().out
    assert first.headline() in out and "«Dunkirk»" in out and ARTICLE.url in out


def test_console_relative_path_is_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notifier = console("var/alerts.jsonl")
    monkeypatch.chdir("/")
    notifier.send(alert(channel="console"))
    assert len((tmp_path / "var" / "alerts.jsonl").read_text().splitlines()) == 1


def test_console_writers_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    big = Alert("console", digest(40).findings, digest=True)  # ~40 kB lines
    errors: list[BaseException] = []

    def write() -> None:
        try:
            notifier = console(path)
            for _ in range(10):
                notifier.send(big)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 60
    assert all(len(json.loads(line)["findings"]) == 40 for line in lines)


def test_console_unwritable_path_is_permanent(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    # A folder where the file should be; a file where a folder should be.
    for path in (tmp_path, tmp_path / "file" / "alerts.jsonl"):
        with pytest.raises(PermanentDeliveryError, match="cannot append"):
            console(path).send(alert(channel="console"))


def test_console_ops_messages_are_printed_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "alerts.jsonl"
    console(path).send_ops("configuration edit rejected\nkept the last good one")
    assert (
        capsys.readouterr().out
        == "[ops] configuration edit rejected\n[ops] kept the last good one\n\n"
    )
    assert not path.exists()


# ---------------------------------------------------------------------------------- secrets


def test_channel_secrets_lists_the_values_to_redact() -> None:
    channels: dict[str, SlackChannel | EmailChannel | ConsoleChannel] = {
        "ops-slack": SLACK,
        "ops-email": MAIL,
        "console": ConsoleChannel(kind="console"),
    }
    environ = {SLACK_ENV: "https://hooks.example/x", SMTP_ENV: "smtp://h:25", "OTHER": "y"}
    assert sorted(channel_secrets(channels, environ)) == ["https://hooks.example/x", "smtp://h:25"]
    assert channel_secrets(channels, {}) == []


def test_reprs_name_the_channel_not_the_secret() -> None:
    hook = slack("https://hooks.slack.com/services/T0/B0/reprSecretValue")
    mail = mailer("smtps://alice:reprSecretValue@127.0.0.1:465")
    for notifier in (hook, mail):
        assert "reprSecretValue" not in repr(notifier)
        assert "reprSecretValue" not in repr(vars(notifier).get("_server", ""))
