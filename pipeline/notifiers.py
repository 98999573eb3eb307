"""What delivery talks to: the ``Notifier`` protocol, and building one from a channel.

    build_notifier("ops-slack", config.channels["ops-slack"], os.environ, state_dir=...)

Kinds, one module each: ``notify_slack`` (webhook), ``notify_email`` (SMTP), ``notify_console``
(stdout and a JSON-lines file). The text they send comes from ``pipeline.render``.

Every ``send`` either returns (delivered) or raises a ``DeliveryError``:
``TransientDeliveryError`` for what may heal (network, timeouts, HTTP 5xx/408/429 with
``retry_after``, SMTP 4xx) and ``PermanentDeliveryError`` for what will not (HTTP 4xx, SMTP
5xx, a bad recipient, a missing or malformed secret). Secrets come from the environment
variable the channel names and never appear in a message, a repr or a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from pipeline.config import ConsoleChannel, EmailChannel, SlackChannel
from pipeline.errors import PermanentDeliveryError
from pipeline.findings import Alert
from pipeline.notify_console import ConsoleNotifier
from pipeline.notify_email import EmailNotifier, check_sender, parse_smtp_url
from pipeline.notify_slack import SlackNotifier, check_webhook_url
from pipeline.settings import secret_from_env

__all__ = [
    "ConsoleNotifier",
    "EmailNotifier",
    "Notifier",
    "SlackNotifier",
    "build_notifier",
    "channel_secrets",
]

AnyChannel = SlackChannel | EmailChannel | ConsoleChannel


class Notifier(Protocol):
    """One alert channel."""

    @property
    def name(self) -> str:
        """The channel's name in channels.yaml."""
        ...

    def send(self, alert: Alert) -> None:
        """Deliver ``alert``; raise TransientDeliveryError or PermanentDeliveryError."""
        ...

    def send_ops(self, text: str) -> None:
        """Deliver an operational message (plain text); same errors as ``send``."""
        ...


def build_notifier(
    name: str, channel: AnyChannel, environ: Mapping[str, str], *, state_dir: Path
) -> Notifier:
    """The notifier for ``channel``, its secret read from ``environ``.

    Raises PermanentDeliveryError when the secret's variable is unset or empty, or holds
    something unusable (the message names the variable, never its value). ``state_dir`` is
    accepted for kinds that will keep local state; none does yet (the console file's relative
    path is relative to the current directory, as the operator expects).
    """
    del state_dir  # see the docstring
    if isinstance(channel, SlackChannel):
        url = _secret(name, channel.webhook_url_env, environ)
        check_webhook_url(name, channel.webhook_url_env, url)
        return SlackNotifier(name, url)
    if isinstance(channel, EmailChannel):
        url = _secret(name, channel.smtp_url_env, environ)
        server = parse_smtp_url(name, channel.smtp_url_env, url, starttls=channel.starttls)
        check_sender(name, channel.sender)
        return EmailNotifier(name, server, channel.sender, channel.to, secrets=(url,))
    return ConsoleNotifier(name, Path(channel.path))


def channel_secrets(channels: Mapping[str, AnyChannel], environ: Mapping[str, str]) -> list[str]:
    """The secret values the channels use, for the log and Sentry ``Redactor``."""
    secrets = []
    for channel in channels.values():
        variable = (
            channel.webhook_url_env
            if isinstance(channel, SlackChannel)
            else channel.smtp_url_env
            if isinstance(channel, EmailChannel)
            else None
        )
        value = secret_from_env(variable, environ) if variable else None
        if value:
            secrets.append(value)
    return secrets


def _secret(channel: str, variable: str, environ: Mapping[str, str]) -> str:
    value = secret_from_env(variable, environ)
    if value is None:
        raise PermanentDeliveryError(channel, f"environment variable {variable} is not set")
    return value
