"""The configuration the ops team edits, as frozen pydantic models, and its one loader.

Layout of a configuration folder (``PORTWATCH_CONFIG_DIR``, default ``config/``)::

    feeds.yaml            sources to poll                                  (required)
    channels.yaml         where alerts go; secrets named by variable      (optional: console)
    ports.yaml            the ports gazetteer          (optional: the shipped gazetteer is used)
    watchlists/*.yaml     one watch per file                    (required, at least one file)

``load_config`` never stops at the first problem: it returns every problem found, each as
``FILE:LINE:COLUMN: what is wrong, what was expected``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from pipeline.durations import parse_duration
from pipeline.errors import ConfigError, ConfigProblem
from pipeline.yamlsource import Located, load_located

__all__ = [
    "SHIPPED_CONFIG_DIR",
    "Channel",
    "ConsoleChannel",
    "EmailChannel",
    "FeedConfig",
    "PortEntry",
    "PortwatchConfig",
    "SlackChannel",
    "WatchList",
    "load_config",
    "load_config_or_raise",
]

#: The configuration shipped with the code; its gazetteer is used when a folder has none.
SHIPPED_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

Seconds = Annotated[float, BeforeValidator(parse_duration)]
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
LANGUAGES = ("any", "en", "fr", "nl", "de", "es", "it", "el", "tr", "ar", "pt")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- feeds.yaml


class FeedConfig(_Model):
    """One news source to poll."""

    name: str = Field(pattern=_NAME, description="unique name, letters, digits, . _ -")
    url: str = Field(description="http(s) URL of an RSS or Atom feed")
    every: Seconds = Field(description="poll interval: 30s, 5m, 1h …")
    language: str | None = Field(default=None, description="main language (en, fr, nl …)")
    tags: tuple[str, ...] = Field(default=(), description="free labels shown in status")
    enabled: bool = Field(default=True, description="false pauses the feed")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value

    @field_validator("every")
    @classmethod
    def _not_too_often(cls, value: float) -> float:
        if value < MIN_POLL_INTERVAL:
            raise ValueError(f"expected at least {MIN_POLL_INTERVAL:g}s between polls")
        return value


#: Polling faster than this is rude to publishers and gains nothing for news.
MIN_POLL_INTERVAL = 30.0


class FeedsFile(_Model):
    feeds: tuple[FeedConfig, ...] = ()


# --------------------------------------------------------------------------- channels.yaml


class _ChannelBase(_Model):
    ops: bool = Field(default=False, description="also receives operational messages")
    min_interval: Seconds = Field(default=1.0, description="at most one message per interval")
    burst: int = Field(default=5, ge=1, description="messages allowed at once before digesting")


class SlackChannel(_ChannelBase):
    """Posts alerts to a Slack incoming webhook."""

    kind: Literal["slack"]
    webhook_url_env: str = Field(pattern=_ENV_NAME, description="variable holding the webhook URL")


class EmailChannel(_ChannelBase):
    """Sends alerts by e-mail (a text and an HTML part)."""

    kind: Literal["email"]
    to: tuple[str, ...] = Field(min_length=1, description="recipient addresses")
    smtp_url_env: str = Field(pattern=_ENV_NAME, description="variable holding smtp(s)://…")
    sender: str = Field(default="portwatch@localhost", description="From: address")
    starttls: bool = Field(default=True, description="require STARTTLS on smtp:// URLs")
    min_interval: Seconds = Field(default=10.0, description="at most one message per interval")

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            if not re.fullmatch(r"[^@\s<>,]+@[^@\s<>,]+", address):
                raise ValueError(f"expected an e-mail address, got {address!r}")
        return value


class ConsoleChannel(_ChannelBase):
    """Prints alerts and appends them, one JSON object a line, to a file."""

    kind: Literal["console"]
    path: str = Field(
        default="var/alerts.jsonl", description="JSON-lines file alerts are appended to"
    )
    min_interval: Seconds = Field(default=0.001, description="at most one message per interval")
    burst: int = Field(default=1000, description="messages allowed at once before digesting")


Channel = Annotated[SlackChannel | EmailChannel | ConsoleChannel, Field(discriminator="kind")]

#: The channel alerts go to when channels.yaml configures none.
BUILTIN_CONSOLE = ConsoleChannel(kind="console")


class ChannelsFile(_Model):
    channels: dict[Annotated[str, Field(pattern=_NAME)], Channel] = {}


# --------------------------------------------------------------------------- ports.yaml

PortKind = Literal[
    "seaport",
    "ferry_port",
    "river_port",
    "tunnel_terminal",
    "tunnel",
    "land_crossing",
    "island_harbour",
    "enclave",
]


class PortEntry(_Model):
    """One port or crossing place of the gazetteer."""

    name: str = Field(min_length=2, description="canonical English name")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    locode: str | None = Field(default=None, pattern=r"^[A-Z]{2}[A-Z0-9]{3}$")
    kind: PortKind
    aliases: tuple[str, ...] = ()
    not_in: tuple[str, ...] = Field(default=(), description="longer names that are not the port")
    company_aliases: tuple[str, ...] = Field(
        default=(), description="operator names that count only when used as a place"
    )
    needs_context: bool = Field(default=False, description="count only near port words")


class PortsFile(_Model):
    ports: tuple[PortEntry, ...] = Field(min_length=1)


# --------------------------------------------------------------------------- watchlists/*.yaml


class ProximityRule(_Model):
    """Score when a term of ``near`` stands within ``within`` words of a term of ``to``."""

    name: str | None = Field(default=None, description="shown as the reason in alerts")
    near: tuple[str, ...] = Field(min_length=1, description="terms")
    to: tuple[str, ...] = Field(min_length=1, description="terms, or @port for any port name")
    within: int = Field(default=8, ge=1, le=60)
    weight: float = Field(default=2.0, gt=0)


class ExclusionRule(_Model):
    """Lower the score (or cancel relevance) when these terms appear: near-miss topics."""

    name: str = Field(description="shown as the reason")
    terms: tuple[str, ...] = Field(min_length=1, description="terms of the near-miss topic")
    weight: float = Field(default=-4.0, lt=0, description="negative score added")
    cancel: bool = Field(default=False, description="any match makes the article not relevant")
    min_matches: int = Field(default=1, ge=1, description="distinct terms needed to apply")


class PatternRule(_Model):
    """An advanced rule: a regular expression with a weight."""

    name: str = Field(description="shown as the reason")
    regex: str = Field(description="Python regular expression, case-insensitive")
    weight: float = Field(description="score added when it matches")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class FigureRules(_Model):
    """Which figures can alert, and how much a value must move to count as changed."""

    subjects: tuple[str, ...] = Field(
        default=(), description="words of subjects that alert (migrant, attempt …); empty = all"
    )
    units: tuple[str, ...] = Field(
        default=(), description="units whose figures always alert (GBP, EUR, km …)"
    )
    min_relative_change: float = Field(default=0.1, ge=0, description="0.1 = 10 %")


class WatchList(_Model):
    """One watch: what makes an article relevant, which ports are known, who hears about it."""

    name: str = Field(pattern=_NAME, description="defaults to the file name")
    description: str = Field(default="", description="what this watch is for, shown in alerts")
    threshold: float = Field(gt=0, description="score at which an article is relevant")
    terms: dict[str, dict[str, float]] = Field(description="language → term → weight")
    proximity: tuple[ProximityRule, ...] = Field(default=(), description="word-distance rules")
    exclusions: tuple[ExclusionRule, ...] = Field(default=(), description="near-miss topics")
    patterns: tuple[PatternRule, ...] = Field(default=(), description="regular expressions")
    require_port: bool = Field(default=True, description="relevant only if a port is named")
    port_countries: tuple[str, ...] = Field(
        default=(), description="only ports in these countries (ISO codes) count; empty = all"
    )
    title_weight: float = Field(
        default=1.5, ge=0, description="weight of a rule or term matched in the headline, ×"
    )
    baseline_ports: tuple[str, ...] = Field(default=(), description="known ports: never new")
    figures: FigureRules = Field(default=FigureRules(), description="which figures alert")
    lookback: Seconds = Field(default=30 * 86400.0, description="a port is new again after this")
    alert_on_first_poll: bool = Field(
        default=False, description="alert for items already in a feed when it is first polled"
    )
    channels: tuple[str, ...] = Field(default=(), description="channel names; empty = all")

    @field_validator("terms")
    @classmethod
    def _languages(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for lang in value:
            if lang not in LANGUAGES:
                raise ValueError(
                    f"unknown language {lang!r}, expected one of: {', '.join(LANGUAGES)}"
                )
        return value


# --------------------------------------------------------------------------- the whole


@dataclass(frozen=True)
class PortwatchConfig:
    """Everything loaded from one configuration folder."""

    directory: Path
    feeds: tuple[FeedConfig, ...]
    channels: Mapping[str, SlackChannel | EmailChannel | ConsoleChannel]
    ports: tuple[PortEntry, ...]
    watchlists: tuple[WatchList, ...]

    def channels_for(self, watchlist: WatchList) -> list[str]:
        """Channel names that carry ``watchlist``'s alerts (never ops-only messages)."""
        return list(watchlist.channels) if watchlist.channels else sorted(self.channels)

    def ops_channels(self) -> list[str]:
        return sorted(name for name, ch in self.channels.items() if ch.ops)


_SECRET_PATTERNS = (
    (re.compile(r"https?://hooks\.slack\.com/", re.I), "a Slack webhook URL", "webhook_url_env"),
    (
        re.compile(r"^smtps?://[^/@\s:]+:[^/@\s]+@", re.I),
        "an SMTP URL with a password",
        "smtp_url_env",
    ),
    (
        re.compile(r"^https?://[^/@\s:]+(:[^/@\s]+)?@[^/]*sentry", re.I),
        "a Sentry DSN",
        "SENTRY_DSN",
    ),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{8,}"), "a Slack token", "an environment variable"),
    (
        re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", re.I),
        "a URL with a password",
        "an environment variable",
    ),
)


def _walk_strings(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk_strings(value, (*path, key if isinstance(key, int) else str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_strings(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _secret_problems(located: Located) -> tuple[list[ConfigProblem], set[tuple[str | int, ...]]]:
    problems: list[ConfigProblem] = []
    paths: set[tuple[str | int, ...]] = set()
    for path, text in _walk_strings(located.data):
        for pattern, what, instead in _SECRET_PATTERNS:
            if pattern.search(text):
                hint = (
                    f"name the variable with {instead}"
                    if instead.endswith("_env")
                    else f"use {instead}"
                )
                if instead == "SENTRY_DSN":
                    hint = "set the SENTRY_DSN environment variable instead"
                problems.append(
                    located.problem(
                        path,
                        f"inline secret: this looks like {what}; secrets never go in YAML —"
                        f" put it in an environment variable and {hint}",
                    )
                )
                paths.add(path)
                break
    return problems, paths


_MISSING = object()
_UNION_TAGS = ("slack", "email", "console", "function-after", "function-before")


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    """Map a pydantic error location onto the YAML data path (dropping union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        child = _child(node, part)
        if child is _MISSING and isinstance(node, dict) and part in _UNION_TAGS:
            continue  # a discriminated union's tag, not a key of the file
        path.append(part)
        node = None if child is _MISSING else child
    return tuple(path)


def _model_problems(
    located: Located,
    model: type[BaseModel],
    secret_paths: set[tuple[str | int, ...]],
    data: Any,
) -> tuple[BaseModel | None, list[ConfigProblem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = _data_path(located.data, tuple(error["loc"]))
            if any(path[: len(s)] == s for s in secret_paths):
                continue  # already reported as an inline secret
            problems.append(_describe(located, model, path, error))
        return None, problems


def _describe(
    located: Located, model: type[BaseModel], path: tuple[str | int, ...], error: Any
) -> ConfigProblem:
    kind = error["type"]
    where = ".".join(str(p) for p in path)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path[:-1], located.data)
        hint = f", expected one of: {', '.join(allowed)}" if allowed else ""
        return located.problem(path, f"unknown key {path[-1]!r}{hint}", at_key=True)
    if kind == "missing":
        parent = where.rsplit(".", 1)[0] if len(path) > 1 else "the file"
        return located.problem(path[:-1], f"missing key {path[-1]!r} in {parent}")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        kind_given = error.get("input", {}).get("kind")
        message = f"kind {kind_given!r} is unknown, expected slack, email or console"
    elif kind == "union_tag_not_found":
        message = "missing key 'kind', expected slack, email or console"
    elif kind == "string_type" and isinstance(error.get("input"), bool):
        message += ", got true/false: YAML reads yes, no, on and off that way — put it in quotes"
    elif kind == "string_pattern_mismatch" and path and str(path[-1]).endswith("_env"):
        message = "expected the NAME of an environment variable (A-Z, 0-9, _), not its value"
    return located.problem(path, f"{where}: {message}" if where else message)


def _allowed_keys(model: type[BaseModel], path: tuple[str | int, ...], data: Any) -> list[str]:
    """Field names of the model found at ``path``, for 'expected one of' hints."""
    current: Any = model
    node = data
    for part in path:
        node = _child(node, part)
        if isinstance(part, int) or current is None:
            continue
        current = _field_model(current, part, node)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _field_model(model: Any, name: str, node: Any) -> Any:
    channel_kinds = {"slack": SlackChannel, "email": EmailChannel, "console": ConsoleChannel}
    if model is ChannelsFile and name != "channels":
        kind = node.get("kind") if isinstance(node, dict) else None
        return channel_kinds.get(str(kind))
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    if model is ChannelsFile:
        return ChannelsFile
    field = model.model_fields.get(name)
    if field is None:
        return None
    annotation = field.annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _load_file(
    path: Path, display: str, model: type[BaseModel], problems: list[ConfigProblem]
) -> tuple[BaseModel | None, Located]:
    located, found = load_located(path, display)
    problems.extend(found)
    secrets, secret_paths = _secret_problems(located)
    problems.extend(secrets)
    if found and located.data is None:
        return None, located
    data = located.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(located.problem((), f"expected a mapping at the top of {display}"))
        return None, located
    parsed, model_found = _model_problems(located, model, secret_paths, data)
    problems.extend(model_found)
    return parsed, located


def _display(directory: Path, path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_config(
    directory: Path, *, skip_broken_watchlists: bool = False
) -> tuple[PortwatchConfig | None, list[ConfigProblem]]:
    """Load and cross-check every file in ``directory``; return the config and all problems.

    The config is ``None`` whenever any problem is found (a running service keeps its last good
    one). With ``skip_broken_watchlists`` a broken watch-list file is left out instead, and the
    rest loads: its problems are still returned, for the caller to report loudly.
    """
    problems: list[ConfigProblem] = []
    watch_problems: list[ConfigProblem] = []
    feeds = _load_feeds(directory, problems)
    channels = _load_channels(directory, problems)
    ports = _load_ports(directory, problems)
    watchlists = _load_watchlists(directory, watch_problems, channels, ports)
    if not skip_broken_watchlists or not watchlists:
        problems += watch_problems
        watch_problems = []
    if problems or feeds is None or channels is None or ports is None or not watchlists:
        return None, problems
    return (
        PortwatchConfig(
            directory=directory,
            feeds=feeds,
            channels=channels or {"console": BUILTIN_CONSOLE},
            ports=ports,
            watchlists=watchlists,
        ),
        watch_problems,
    )


def load_config_or_raise(directory: Path) -> PortwatchConfig:
    config, problems = load_config(directory)
    if config is None:
        raise ConfigError(problems)
    return config


def load_config_skipping_broken_watchlists(
    directory: Path,
) -> tuple[PortwatchConfig, list[ConfigProblem]]:
    """The configuration without its broken watch-lists, and their problems (to report loudly).

    Raises ConfigError when anything else is broken, or no watch-list is left.
    """
    config, problems = load_config(directory, skip_broken_watchlists=True)
    if config is None:
        raise ConfigError(problems)
    return config, problems


def _load_feeds(directory: Path, problems: list[ConfigProblem]) -> tuple[FeedConfig, ...] | None:
    path = directory / "feeds.yaml"
    if not path.is_file():
        problems.append(
            ConfigProblem(
                _display(directory, path),
                1,
                1,
                "file is missing, expected feeds.yaml with a 'feeds:' list",
            )
        )
        return None
    parsed, located = _load_file(path, _display(directory, path), FeedsFile, problems)
    duplicates = _duplicate_feed_names(located)
    problems.extend(duplicates)
    if not isinstance(parsed, FeedsFile) or duplicates:
        return None
    return parsed.feeds


def _duplicate_feed_names(located: Located) -> list[ConfigProblem]:
    """Feeds sharing a name — found in the raw data, so other problems do not hide them."""
    feeds = located.data.get("feeds") if isinstance(located.data, dict) else None
    if not isinstance(feeds, list):
        return []
    problems = []
    first: dict[str, int] = {}
    for i, feed in enumerate(feeds):
        name = feed.get("name") if isinstance(feed, dict) else None
        if not isinstance(name, str):
            continue
        if name in first:
            line = located.values[("feeds", first[name], "name")].line
            message = (
                f"duplicate feed name {name!r} (first used at line {line}), expected unique names"
            )
            problems.append(located.problem(("feeds", i, "name"), message))
        first.setdefault(name, i)
    return problems


def _load_channels(
    directory: Path, problems: list[ConfigProblem]
) -> dict[str, SlackChannel | EmailChannel | ConsoleChannel] | None:
    path = directory / "channels.yaml"
    if not path.is_file():
        return {}
    parsed, _ = _load_file(path, _display(directory, path), ChannelsFile, problems)
    return dict(parsed.channels) if isinstance(parsed, ChannelsFile) else None


def _load_ports(directory: Path, problems: list[ConfigProblem]) -> tuple[PortEntry, ...] | None:
    path = directory / "ports.yaml"
    if not path.is_file():
        path = SHIPPED_CONFIG_DIR / "ports.yaml"
    parsed, located = _load_file(path, _display(directory, path), PortsFile, problems)
    if not isinstance(parsed, PortsFile):
        return None
    problems.extend(_gazetteer_problems(parsed.ports, located))
    return parsed.ports


def _gazetteer_problems(entries: tuple[PortEntry, ...], located: Located) -> list[ConfigProblem]:
    """Each name, alias and company alias names one port; not_in phrases name none."""
    problems = []
    owner: dict[str, str] = {}
    for i, entry in enumerate(entries):
        labels: list[tuple[tuple[str | int, ...], str]] = [(("ports", i, "name"), entry.name)]
        labels += [(("ports", i, "aliases", j), a) for j, a in enumerate(entry.aliases)]
        labels += [
            (("ports", i, "company_aliases", j), a) for j, a in enumerate(entry.company_aliases)
        ]
        for path_key, label in labels:
            if owner.get(label, entry.name) != entry.name:
                message = f"{label!r} already names {owner[label]!r}, expected each name once"
                problems.append(located.problem(path_key, message))
            owner.setdefault(label, entry.name)
    for i, entry in enumerate(entries):
        for j, phrase in enumerate(entry.not_in):
            if phrase in owner:
                message = (
                    f"{phrase!r} is itself a name of {owner[phrase]!r}; a not_in phrase must"
                    " be a longer name that is not a port"
                )
                problems.append(located.problem(("ports", i, "not_in", j), message))
    return problems


def _load_watchlists(
    directory: Path,
    problems: list[ConfigProblem],
    channels: Mapping[str, object] | None,
    ports: tuple[PortEntry, ...] | None,
) -> tuple[WatchList, ...] | None:
    folder = directory / "watchlists"
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not files:
        problems.append(
            ConfigProblem(
                _display(directory, folder),
                1,
                1,
                "no watch-list files, expected at least one watchlists/*.yaml",
            )
        )
        return None
    known_ports = {p.name for p in ports} if ports else None
    result: list[WatchList] = []
    names: dict[str, str] = {}
    for path in files:
        display = _display(directory, path)
        found: list[ConfigProblem] = []
        parsed = _load_watchlist(path, display, found)
        if parsed is not None and parsed[0].name in names:
            message = (
                f"watch-list name {parsed[0].name!r} is also used by {names[parsed[0].name]},"
                " expected unique names"
            )
            found.append(parsed[1].problem(("name",), message))
        if parsed is not None:
            found += _cross_check(parsed[1], parsed[0], channels, known_ports)
        problems.extend(found)
        if parsed is not None and not found:  # a watch-list with any problem is never used
            names[parsed[0].name] = display
            result.append(parsed[0])
    return tuple(result)


def _load_watchlist(
    path: Path, display: str, problems: list[ConfigProblem]
) -> tuple[WatchList, Located] | None:
    located, found = load_located(path, display)
    problems.extend(found)
    secrets, secret_paths = _secret_problems(located)
    problems.extend(secrets)
    if located.data is None and found:
        return None
    if not isinstance(located.data, dict):
        problems.append(located.problem((), f"expected a mapping at the top of {display}"))
        return None
    data = {"name": path.stem, **located.data}
    parsed, model_found = _model_problems(located, WatchList, secret_paths, data)
    problems.extend(model_found)
    return (parsed, located) if isinstance(parsed, WatchList) else None


def _cross_check(
    located: Located,
    watchlist: WatchList,
    channels: Mapping[str, object] | None,
    known_ports: set[str] | None,
) -> list[ConfigProblem]:
    problems = []
    if channels is not None:
        for i, name in enumerate(watchlist.channels):
            if name not in channels:
                known = ", ".join(sorted(channels)) or "none defined in channels.yaml"
                problems.append(
                    located.problem(
                        ("channels", i),
                        f"channel {name!r} does not exist, expected one of: {known}",
                    )
                )
    if known_ports is not None:
        for i, port in enumerate(watchlist.baseline_ports):
            if port not in known_ports:
                problems.append(
                    located.problem(
                        ("baseline_ports", i),
                        f"port {port!r} is not in the gazetteer,"
                        " expected a canonical name from ports.yaml",
                    )
                )
    return problems
