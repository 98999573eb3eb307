"""Shared fixtures: a real redis-server on loopback, a real SMTP server, config folders.

Nothing here reaches the internet. Local HTTP servers live in tests/servers.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
import redis

from pipeline.errors import StateError
from workers.localredis import LocalRedis as RedisServer
from workers.localredis import free_port

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = REPO / "config"


def start_redis(directory: Path, port: int | None = None, *, aof: bool = False) -> RedisServer:
    try:
        return RedisServer(directory, port or 0, aof).start()
    except StateError as exc:
        pytest.fail(str(exc))


def stop_redis(server: RedisServer) -> None:
    server.stop()


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
