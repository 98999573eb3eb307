"""Every error Portwatch raises on purpose, in one hierarchy.

Callers decide what to do with a failure from its class alone: the orchestration layer retries
an error whose ``transient`` is true and quarantines or drops the rest; the CLI prints
``error: <message>`` and exits with the class's ``exit_code``.

    PortwatchError                      base; never raised itself
    ├── ConfigError                     YAML or environment invalid; carries every ConfigProblem
    ├── InputError                      one assess input line is malformed (the rest go on)
    ├── FetchError                      fetching a URL failed; carries the URL        (exit 3)
    │   ├── URLRefused                  the guard refused before connecting           (exit 2)
    │   │   └── TooManyRedirects        more redirect hops than the policy allows     (exit 2)
    │   ├── NetworkError                connect/read failure, DNS failure       (transient)
    │   ├── FetchTimeout                the total deadline passed               (transient)
    │   ├── HTTPStatusError             non-2xx; transient for 5xx, 408 and 429
    │   └── BodyTooLarge                wire or decoded bytes above the cap
    ├── FeedError                       feed bytes unreadable or hostile (DOCTYPE entities…)
    ├── ExtractionError                 a page yielded no article text
    ├── StateError                      Redis unavailable or answered nonsense  (transient)
    └── DeliveryError                   an alert could not be delivered; carries the channel
        ├── TransientDeliveryError      network, 5xx, 429 (with retry_after)    (transient)
        └── PermanentDeliveryError      4xx, bad address: recorded, never retried
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BodyTooLarge",
    "ConfigError",
    "ConfigProblem",
    "DeliveryError",
    "ExtractionError",
    "FeedError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "InputError",
    "NetworkError",
    "PermanentDeliveryError",
    "PortwatchError",
    "StateError",
    "TooManyRedirects",
    "TransientDeliveryError",
    "URLRefused",
]


class PortwatchError(Exception):
    """Base of every deliberate Portwatch error."""

    #: True when trying again later may succeed (the only errors the workers retry).
    transient: bool = False
    #: Exit status of a CLI command that fails with this error.
    exit_code: int = 1


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in one configuration file, with where it is."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ConfigError(PortwatchError):
    """The configuration is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid configuration")


class InputError(PortwatchError):
    """One input record (a JSON line, an article) is malformed."""


class FetchError(PortwatchError):
    """Fetching ``url`` failed for ``reason``."""

    exit_code = 3

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class URLRefused(FetchError):
    """The guard refused the URL before opening any connection to it."""

    exit_code = 2

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        # The CLI prints "error: refused URL: reason" (the contract); keep the message that shape.
        self.args = (f"refused URL: {reason}",)


class TooManyRedirects(URLRefused):
    """The redirect chain is longer than the policy allows."""


class NetworkError(FetchError):
    """Connecting or reading failed (DNS, refused, reset, read timeout)."""

    transient = True


class FetchTimeout(FetchError):
    """The total deadline for one fetch passed."""

    transient = True


class HTTPStatusError(FetchError):
    """The server answered with a non-success status."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(url, f"HTTP status {status}")
        self.transient = status >= 500 or status in (408, 429)


class BodyTooLarge(FetchError):
    """The body (on the wire or decoded) is larger than the policy's cap."""


class FeedError(PortwatchError):
    """A feed's bytes could not be parsed safely."""

    exit_code = 3


class ExtractionError(PortwatchError):
    """A page yielded no article text."""


class StateError(PortwatchError):
    """The state store (Redis) is unavailable or answered something unexpected."""

    transient = True


class DeliveryError(PortwatchError):
    """An alert could not be delivered to ``channel``."""

    def __init__(self, channel: str, reason: str) -> None:
        self.channel = channel
        self.reason = reason
        super().__init__(f"channel {channel}: {reason}")


class TransientDeliveryError(DeliveryError):
    """Delivery failed in a way that may heal; ``retry_after`` is the receiver's hint, if any."""

    transient = True

    def __init__(self, channel: str, reason: str, retry_after: float | None = None) -> None:
        super().__init__(channel, reason)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Delivery failed in a way that will not heal by retrying (4xx other than 429)."""
