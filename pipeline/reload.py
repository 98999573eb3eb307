"""Hot reload: pick up configuration edits without a restart, keep the last good one on a bad edit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PortwatchConfig, load_config
from pipeline.errors import ConfigError, ConfigProblem

__all__ = ["ConfigWatcher", "Reload", "fingerprint"]

#: How often the files are looked at; an edit is live within this many seconds.
CHECK_EVERY = 2.0

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """Name, modification time and size of every configuration file: changes when any does."""
    paths = [directory / "feeds.yaml", directory / "channels.yaml", directory / "ports.yaml"]
    folder = directory / "watchlists"
    if folder.is_dir():
        paths += sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    result = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        result.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(result)


@dataclass(frozen=True)
class Reload:
    """What one look at the files found."""

    config: PortwatchConfig
    changed: bool
    problems: tuple[ConfigProblem, ...] = ()  # a bad edit (the previous config stays)


class ConfigWatcher:
    """The current configuration of a folder, reloaded when its files change."""

    def __init__(
        self,
        directory: Path,
        clock: Callable[[], float] = time.monotonic,
        check_every: float = CHECK_EVERY,
    ) -> None:
        self.directory = directory
        self._clock = clock
        self._check_every = check_every
        # At start a broken watch-list is left out (and reported); the others run.
        config, problems = load_config(directory, skip_broken_watchlists=True)
        if config is None:
            raise ConfigError(problems)
        self.start_problems = tuple(problems)
        self._config = config
        self._fingerprint = fingerprint(directory)
        self._checked = clock()

    @property
    def config(self) -> PortwatchConfig:
        return self._config

    def check(self, force: bool = False) -> Reload:
        """Reload if the files changed since last time; a bad edit keeps the last good config."""
        now = self._clock()
        if not force and now - self._checked < self._check_every:
            return Reload(self._config, False)
        self._checked = now
        current = fingerprint(self.directory)
        if current == self._fingerprint:
            return Reload(self._config, False)
        self._fingerprint = current
        config, problems = load_config(self.directory)
        if config is None:
            return Reload(self._config, False, tuple(problems))
        self._config = config
        return Reload(config, True)
