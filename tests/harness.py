"""Real Celery worker and beat processes for tests (never eager mode), and waiting helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery

from pipeline.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUES = "control,poll,articles,notify"
T = TypeVar("T")


def portwatch_env(
    redis_url: str, config_dir: Path, allow_hosts: str = "", **extra: str
) -> dict[str, str]:
    """The environment of a worker under test: its Redis, its config, no metrics port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTWATCH_", "SENTRY_"))}
    env.update(
        REDIS_URL=redis_url,
        PORTWATCH_CONFIG_DIR=str(config_dir),
        PORTWATCH_ALLOW_HOSTS=allow_hosts,
        PORTWATCH_METRICS_PORT="0",
        PORTWATCH_RETRY_BASE="0.2",
        PORTWATCH_LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_worker(
    env: Mapping[str, str],
    log: Path,
    *,
    concurrency: int = 2,
    name: str = "w1",
    queues: str = QUEUES,
) -> subprocess.Popen[bytes]:
    args = [
        CELERY, "-A", "workers.app", "worker", "--queues", queues, "--concurrency", str(concurrency),
        "--pool", "prefork", "--prefetch-multiplier", "1", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel", "INFO", "--hostname", f"{name}@%h",
    ]  # fmt: skip
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            args, cwd=REPO, env=dict(env), stdout=handle, stderr=subprocess.STDOUT
        )


def start_beat(env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    args = [CELERY, "-A", "workers.app", "beat", "--loglevel", "INFO"]
    with log.open("ab") as handle:
        return subprocess.Popen(
            args, cwd=REPO, env=dict(env), stdout=handle, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return int(process.returncode)


def children_of(pid: int) -> list[int]:
    """Pool processes of a worker (its direct children)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    return [int(p) for p in path.read_text().split()]


def wait_for(
    predicate: Callable[[], T], timeout: float = 30.0, interval: float = 0.1, what: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")
        time.sleep(interval)


def client_app(redis_url: str) -> Celery:
    """A Celery app bound to the test broker, for sending tasks by name."""
    from workers.app import create_app

    return create_app(Settings(REDIS_URL=redis_url))  # type: ignore[call-arg]


@contextmanager
def workers(
    env: Mapping[str, str], log: Path, count: int = 1, concurrency: int = 2
) -> Iterator[list[Any]]:
    processes = [
        start_worker(env, log, concurrency=concurrency, name=f"w{i}") for i in range(count)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            stop(process)


# ----------------------------------------------------------------------------- more processes

PORTWATCH = str(Path(sys.executable).with_name("portwatch"))


def portwatch_cli(
    env: Mapping[str, str], *args: str, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run the real ``portwatch`` command (``.venv/bin/portwatch``) and capture its output."""
    return subprocess.run(
        [PORTWATCH, *args], cwd=REPO, env=dict(env), capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def start_service(
    env: Mapping[str, str], log: Path, config_dir: Path, *, concurrency: int = 2
) -> subprocess.Popen[bytes]:
    """``portwatch run``: one worker with the beat scheduler embedded (a child process)."""
    args = [PORTWATCH, "run", "--config", str(config_dir), "--concurrency", str(concurrency)]
    with log.open("ab") as handle:
        return subprocess.Popen(
            args, cwd=REPO, env=dict(env), stdin=subprocess.DEVNULL, stdout=handle,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


def _has_pipes(pid: int) -> bool:
    try:
        return any(
            os.readlink(entry).startswith("pipe:")
            for entry in Path(f"/proc/{pid}/fd").iterdir()
            if int(entry.name) > 2  # stdio is inherited by all, whatever it is
        )
    except OSError:
        return True  # gone, or not ours to look at: not the process we are looking for


def embedded_beat(pid: int) -> int | None:
    """The embedded beat process of a worker started with beat (``portwatch run``), or None.

    It has the same command line as its parent (setproctitle is not installed), but Celery's
    ``_Process.run`` closes every inherited descriptor but stdio and log files, so it holds no
    pipe beyond stdio; pool processes keep their pipes to the parent.
    """
    children = children_of(pid)
    for child in children:  # with setproctitle installed, Celery names it
        try:
            if b"celery beat" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue
    candidates = [child for child in children if not _has_pipes(child)]
    return candidates[0] if len(candidates) == 1 else None
