"""Settings and secrets from the environment, read in this one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_METRICS_PORT", "DEFAULT_REDIS_URL", "Settings", "secret_from_env"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_METRICS_PORT = 9464


class Settings(BaseSettings):
    """Environment variables of the contract (see README, "Environment")."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_prefix="")

    config_dir: Path = Field(default=Path("config"), alias="PORTWATCH_CONFIG_DIR")
    redis_url: str = Field(default=DEFAULT_REDIS_URL, alias="REDIS_URL")
    sentry_dsn: str | None = Field(default=None, alias="SENTRY_DSN")
    allow_hosts: str = Field(default="", alias="PORTWATCH_ALLOW_HOSTS")
    metrics_port: int = Field(default=DEFAULT_METRICS_PORT, alias="PORTWATCH_METRICS_PORT", ge=0)
    metrics_addr: str = Field(default="127.0.0.1", alias="PORTWATCH_METRICS_ADDR")
    # Operational knobs (defaults suit production; tests shorten them).
    visibility_timeout: int = Field(default=3600, alias="PORTWATCH_VISIBILITY_TIMEOUT", ge=60)
    task_time_limit: int = Field(default=150, alias="PORTWATCH_TASK_TIME_LIMIT", ge=2)
    retry_base: float = Field(default=2.0, alias="PORTWATCH_RETRY_BASE", gt=0)
    max_deliveries: int = Field(default=5, alias="PORTWATCH_MAX_DELIVERIES", ge=1)
    # Seconds an alert claim is held while sending; the claim of a worker that died expires
    # after it and the sweep sends again. Keep it above the longest send (Slack: 10 s timeout).
    alert_lease: float = Field(default=120.0, alias="PORTWATCH_ALERT_LEASE", ge=1)
    log_format: str = Field(default="console", alias="PORTWATCH_LOG_FORMAT")
    state_dir: Path = Field(default=Path("var"), alias="PORTWATCH_STATE_DIR")


def secret_from_env(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The secret held by environment variable ``name``, or None when unset or empty."""
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return value or None
