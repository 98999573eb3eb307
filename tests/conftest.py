"""Shared fixtures: a real redis-server on loopback, a real SMTP server, config folders.

Nothing here reaches the internet. Local HTTP servers live in tests/servers.py.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
import redis

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "config"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    directory: Path

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def start_redis(directory: Path, port: int | None = None, *, aof: bool = False) -> RedisServer:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run the README's test command (it installs it)")
    port = port or free_port()
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--dir",
        str(directory),
        "--maxmemory-policy",
        "noeviction",
        "--appendonly",
        "yes" if aof else "no",
        "--appendfsync",
        "everysec",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        finally:
            client.close()
    return RedisServer(port, process, directory)


def stop_redis(server: RedisServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    stop_redis(server)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """A fresh, empty database on the session's real redis-server."""
    url = redis_server.url(0)
    client = redis.Redis.from_url(url)
    client.flushall()
    client.close()
    yield url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


# ----------------------------------------------------------------------------- SMTP


@dataclass
class SMTPRecorder:
    """Messages received by the local aiosmtpd server."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


class _Handler:
    def __init__(self, recorder: SMTPRecorder) -> None:
        self.recorder = recorder

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.recorder.messages.append(message_from_bytes(content, policy=policy.default))
        self.recorder.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[SMTPRecorder]:
    from aiosmtpd.controller import Controller

    port = free_port()
    recorder = SMTPRecorder("127.0.0.1", port)
    controller = Controller(_Handler(recorder), hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder
    controller.stop()


# ----------------------------------------------------------------------------- config


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped configuration."""
    target = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, target)
    return target
