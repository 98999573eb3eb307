"""Slack incoming webhooks: one POST of Block Kit JSON per alert.

Outcomes, from the response alone:

    2xx                          delivered
    408, 429, 5xx                TransientDeliveryError (``retry_after`` from Retry-After)
    network error, timeout       TransientDeliveryError
    3xx, other 4xx               PermanentDeliveryError (redirects are never followed: the URL
                                 is the secret, and a redirect means it is wrong)

The webhook URL is the secret: it never appears in an exception, a repr or a log line.
Exceptions are raised ``from None`` so the httpx error (whose request carries the URL) is not
chained into tracebacks or Sentry events.
"""

from __future__ import annotations

import json
import ssl
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx

from pipeline import render
from pipeline.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from pipeline.fetching import parse_retry_after
from pipeline.findings import Alert
from pipeline.redact import Redactor

__all__ = ["DEFAULT_SLACK_TIMEOUT", "SlackNotifier", "check_webhook_url"]

#: Seconds for connect, each read and write: Slack answers in well under a second.
DEFAULT_SLACK_TIMEOUT = 10.0
#: Bytes of an error response kept for the reason (Slack sends a short word like "no_text").
_DETAIL_BYTES = 512
_RETRYABLE_STATUSES = frozenset({408, 429})


def check_webhook_url(channel: str, variable: str, url: str) -> None:
    """Raise PermanentDeliveryError when ``url`` cannot be a webhook (the message omits it)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        host, parts = "", urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise PermanentDeliveryError(
            channel, f"environment variable {variable} does not hold an http(s) webhook URL"
        )
    if parts.scheme == "http" and (host == "slack.com" or host.endswith(".slack.com")):
        # Plain http would send the secret in clear before Slack's redirect to https.
        raise PermanentDeliveryError(
            channel, f"environment variable {variable} holds an http:// Slack URL, use https://"
        )


class SlackNotifier:
    """Posts alerts to one Slack incoming webhook."""

    def __init__(
        self, name: str, webhook_url: str, *, timeout: float = DEFAULT_SLACK_TIMEOUT
    ) -> None:
        self.name = name
        self._url = webhook_url
        self._timeout = httpx.Timeout(timeout)
        self._redactor = Redactor([webhook_url])
        # One TLS context per notifier: loading the CA bundle for every message is wasted work.
        self._tls = ssl.create_default_context(cafile=certifi.where())

    def __repr__(self) -> str:
        return f"SlackNotifier(name={self.name!r})"

    def send(self, alert: Alert) -> None:
        self._post(render.slack_payload(alert))

    def send_ops(self, text: str) -> None:
        self._post(render.slack_ops_payload(self._redactor.text(text)))

    def _post(self, payload: dict[str, Any]) -> None:
        # ASCII JSON: valid whatever an article smuggled into a string.
        body = json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            # A client per message: alerts are rare, and nothing is left open between them.
            with (
                httpx.Client(
                    trust_env=False,
                    timeout=self._timeout,
                    follow_redirects=False,
                    verify=self._tls,
                ) as client,
                client.stream("POST", self._url, content=body, headers=headers) as response,
            ):
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                detail = _read_detail(response) if status >= 300 else ""
        except httpx.TimeoutException:
            raise TransientDeliveryError(self.name, "Slack webhook timed out") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise PermanentDeliveryError(self.name, self._reason("webhook URL", exc)) from None
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(self.name, self._reason("network error", exc)) from None
        error = _status_error(self.name, status, retry_after, self._redactor.text(detail))
        if error is not None:
            raise error

    def _reason(self, what: str, exc: Exception) -> str:
        return self._redactor.text(f"{what}: {type(exc).__name__}: {exc}")


def _read_detail(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= _DETAIL_BYTES:
            break
    return render.one_line(data[:_DETAIL_BYTES].decode("utf-8", "replace"))


def _status_error(
    channel: str, status: int, retry_after: float | None, detail: str
) -> DeliveryError | None:
    if 200 <= status < 300:
        return None
    reason = f"Slack answered HTTP {status}" + (f": {detail}" if detail else "")
    if status >= 500 or status in _RETRYABLE_STATUSES:
        return TransientDeliveryError(channel, reason, retry_after)
    if 300 <= status < 400:
        return PermanentDeliveryError(channel, f"{reason} (a redirect: check the webhook URL)")
    return PermanentDeliveryError(channel, reason)
