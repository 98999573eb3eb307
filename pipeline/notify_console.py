"""The console channel: a readable block on standard output, and one JSON line per alert in a file.

The file is the record (scripts read it); the printed block is a courtesy. So the line is
appended first, under an exclusive ``flock`` so that worker processes sharing the file never
interleave, and a failure to print is ignored rather than retried into a duplicate line.
Operational messages are printed only: the file holds alerts, one shape per line.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from pipeline import render
from pipeline.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from pipeline.findings import Alert
from pipeline.redact import Redactor

__all__ = ["ConsoleNotifier"]

# Errors an operator must fix (rights, a read-only disk, a folder where the file should be);
# anything else (a full disk, an I/O hiccup) may heal by itself.
_PERMANENT_ERRNOS = frozenset(
    {
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EEXIST,  # a file where a parent folder should be
        errno.ENAMETOOLONG,
    }
)


class ConsoleNotifier:
    """Prints alerts and appends them to ``path`` as JSON lines."""

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        # Relative to the directory the service started in, fixed now so a later chdir cannot
        # move it.
        self.path = path if path.is_absolute() else Path.cwd() / path
        self._stream = stream
        self._clock = clock

    def __repr__(self) -> str:
        return f"ConsoleNotifier(name={self.name!r}, path={str(self.path)!r})"

    def send(self, alert: Alert) -> None:
        self._append(render.alert_json(alert, self._clock()))
        self._print(render.console_text(alert))

    def send_ops(self, text: str) -> None:
        # No secret of its own, but the patterns still catch webhook URLs and URL passwords.
        self._print(render.console_ops_text(Redactor().text(text)))

    def _append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        data = line.encode("utf-8", "replace")  # a lone surrogate must not cost the alert
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)  # "duplicates possible, losses not": on disk before we confirm
            finally:
                os.close(fd)  # releases the lock
        except OSError as exc:
            raise _file_error(self.name, self.path, exc) from None

    def _print(self, text: str) -> None:
        stream = self._stream or sys.stdout
        encoding = getattr(stream, "encoding", None) or "utf-8"
        # stdout closed or gone: the JSON line is already written, so do not fail (and retry).
        with contextlib.suppress(OSError, ValueError, LookupError):
            stream.write(text.encode(encoding, "replace").decode(encoding) + "\n\n")
            stream.flush()


def _file_error(channel: str, path: Path, exc: OSError) -> DeliveryError:
    reason = f"cannot append to {path}: {exc.strerror or exc}"
    if exc.errno in _PERMANENT_ERRNOS:
        return PermanentDeliveryError(channel, reason)
    return TransientDeliveryError(channel, reason)
