"""A private redis-server on a free loopback port: for ``portwatch backtest``, tests and benchmarks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from pipeline.errors import StateError

__all__ = ["LocalRedis", "free_port"]

#: How long redis-server may take to answer its first PING.
START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalRedis:
    """One redis-server process bound to 127.0.0.1; ``aof`` turns on the append-only file."""

    directory: Path
    port: int = 0
    aof: bool = False
    process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> LocalRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise StateError(
                "redis-server is not installed (bash scripts/portwatch.sh installs it)"
            )
        self.port = self.port or free_port()
        args = [
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--dir", str(self.directory), "--maxmemory-policy", "noeviction",
            "--appendonly", "yes" if self.aof else "no", "--appendfsync", "everysec",
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        self.stop()
                        raise StateError(
                            f"redis-server did not start on port {self.port}"
                        ) from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
