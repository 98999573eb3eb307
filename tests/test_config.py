"""Configuration loading: every class of bad input names file, line, column and what was expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigProblem

from .conftest import REPO


def problems_of(directory: Path) -> list[str]:
    config, problems = load_config(directory)
    assert config is None, "a broken configuration must not load"
    return [str(p) for p in problems]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads(config_dir: Path) -> None:
    config, problems = load_config(config_dir)
    assert problems == []
    assert config is not None
    assert len(config.feeds) >= 4
    assert {w.name for w in config.watchlists} >= {"channel-north-sea", "mediterranean-atlantic"}
    assert len(config.ports) >= 300
    # no channel configured: alerts go to the built-in console channel
    assert list(config.channels) == ["console"]


def test_yaml_syntax_error_names_line_and_column(config_dir: Path) -> None:
    path = write(config_dir, "feeds.yaml", "feeds:\n  - name: a\n    url: [unclosed\n")
    [problem] = problems_of(config_dir)
    assert problem.startswith(f"{path}:4:1: YAML syntax error:")


def test_wrong_type_names_field_and_expectation(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: https://example.org/rss\n    every: often\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:4:12: feeds.0.every: expected a duration like 30s, 5m, 1h or 30d, got 'often'"
    ]


def test_unknown_key_is_rejected_at_the_key(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: https://example.org/rss\n    every: 5m\n    evry: 5m\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:5:5: unknown key 'evry', expected one of: name, url, every, language, tags, enabled"
    ]


def test_duplicate_key_is_rejected(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: https://example.org/rss\n    every: 5m\n    every: 1h\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:5:5: duplicate key 'every' (first defined at line 4), expected each key once"
    ]


def test_python_object_tag_is_refused_and_nothing_executed(
    config_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "executed"
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: https://example.org/rss\n"
        f"    every: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    problems = problems_of(config_dir)
    assert problems[0] == (
        f"{path}:4:12: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed,"
        " expected a plain list"
    )
    assert not marker.exists()


def test_python_scalar_tag_is_refused(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: !!python/name:os.system a\n    url: https://example.org/rss\n    every: 5m\n",
    )
    assert problems_of(config_dir)[0] == (
        f"{path}:2:11: tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"
        " (only plain YAML values are)"
    )


def test_inline_slack_webhook_is_rejected_with_the_variable_to_use(config_dir: Path) -> None:
    path = write(
        config_dir,
        "channels.yaml",
        "channels:\n  ops:\n    kind: slack\n"
        "    webhook_url: https://hooks.slack.com/services/T000/B000/XXXXXXXX\n",
    )
    problems = problems_of(config_dir)
    assert problems == [
        f"{path}:4:18: inline secret: this looks like a Slack webhook URL; secrets never go in"
        " YAML — put it in an environment variable and name the variable with webhook_url_env",
        f"{path}:3:5: missing key 'webhook_url_env' in channels.ops",
    ]


def test_inline_smtp_password_is_rejected(config_dir: Path) -> None:
    path = write(
        config_dir,
        "channels.yaml",
        "channels:\n  mail:\n    kind: email\n    to: [ops@example.org]\n"
        "    smtp_url_env: smtp://ops:hunter22@mail.example.org:587\n",
    )
    problems = problems_of(config_dir)
    assert problems == [
        f"{path}:5:19: inline secret: this looks like an SMTP URL with a password; secrets never"
        " go in YAML — put it in an environment variable and name the variable with smtp_url_env"
    ]


def test_feed_url_must_be_http(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: ftp://example.org/rss\n    every: 5m\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:3:10: feeds.0.url: expected an http:// or https:// URL, got 'ftp://example.org/rss'"
    ]


def test_duplicate_feed_name(config_dir: Path) -> None:
    path = write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: https://example.org/a\n    every: 5m\n"
        "  - name: a\n    url: https://example.org/b\n    every: 5m\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:5:11: duplicate feed name 'a' (first used at line 2), expected unique names"
    ]


def test_empty_watchlist_folder(config_dir: Path) -> None:
    for path in (config_dir / "watchlists").iterdir():
        path.unlink()
    assert problems_of(config_dir) == [
        f"{config_dir / 'watchlists'}:1:1: no watch-list files, expected at least one watchlists/*.yaml"
    ]


def test_watchlist_naming_an_unknown_channel(config_dir: Path) -> None:
    path = config_dir / "watchlists" / "channel-north-sea.yaml"
    path.write_text(path.read_text() + "channels: [ops-slack]\n")
    line = len(path.read_text().splitlines())
    assert problems_of(config_dir) == [
        f"{path}:{line}:12: channel 'ops-slack' does not exist, expected one of: none defined in"
        " channels.yaml"
    ]


def test_watchlist_zero_threshold_and_bad_regex(config_dir: Path) -> None:
    path = write(
        config_dir,
        "watchlists/extra.yaml",
        "threshold: 0\nterms:\n  en: {migrant*: 2}\npatterns:\n  - name: broken\n    regex: '(unclosed'\n    weight: 1\n",
    )
    problems = problems_of(config_dir)
    assert problems == [
        f"{path}:1:12: threshold: Input should be greater than 0",
        f"{path}:6:12: patterns.0.regex: invalid regular expression: missing ), unterminated"
        " subpattern at position 0",
    ]


def test_baseline_port_must_be_in_the_gazetteer(config_dir: Path) -> None:
    path = write(
        config_dir,
        "watchlists/extra.yaml",
        "threshold: 3\nterms:\n  en: {migrant*: 2}\nbaseline_ports: [Atlantis]\n",
    )
    assert problems_of(config_dir) == [
        f"{path}:4:18: port 'Atlantis' is not in the gazetteer, expected a canonical name from ports.yaml"
    ]


def test_every_problem_is_reported_not_just_the_first(config_dir: Path) -> None:
    write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: gopher://x\n    every: 5m\n    x: 1\n",
    )
    write(config_dir, "channels.yaml", "channels:\n  c:\n    kind: pigeon\n")
    problems = problems_of(config_dir)
    assert len(problems) == 3
    assert any("unknown key 'x'" in p for p in problems)
    assert any("gopher://x" in p for p in problems)
    assert any("kind 'pigeon' is unknown" in p for p in problems)


def test_config_problem_formats_as_file_line_column() -> None:
    assert str(ConfigProblem("a.yaml", 3, 7, "bad")) == "a.yaml:3:7: bad"


# ------------------------------------------------------------------------ the command


def portwatch(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_check_config_exit_zero_on_shipped_config() -> None:
    result = portwatch("check-config", "--config", "config")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("configuration OK:")


def test_check_config_exit_one_lists_every_problem(config_dir: Path) -> None:
    write(
        config_dir,
        "feeds.yaml",
        "feeds:\n  - name: a\n    url: file:///etc/passwd\n    every: 1s\n",
    )
    result = portwatch("check-config", "--config", str(config_dir))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"{config_dir}/feeds.yaml:3:10: feeds.0.url: expected an http:// or https:// URL, got 'file:///etc/passwd'",
        f"{config_dir}/feeds.yaml:4:12: feeds.0.every: expected at least 30s between polls",
    ]
    assert lines[-1] == f"error: 2 problem(s) in {config_dir}"
    assert "Traceback" not in result.stderr


def test_check_config_warns_on_unset_channel_secret(config_dir: Path) -> None:
    write(
        config_dir,
        "channels.yaml",
        "channels:\n  s:\n    kind: slack\n    webhook_url_env: PW_TEST_UNSET_HOOK\n",
    )
    result = portwatch("check-config", "--config", str(config_dir))
    assert result.returncode == 0, result.stderr
    assert (
        "warning: channel 's': environment variable PW_TEST_UNSET_HOOK is not set" in result.stderr
    )


def test_help_lists_every_contract_command() -> None:
    result = portwatch("--help")
    assert result.returncode == 0
    for command in ("run", "check-config", "assess", "fetch", "feed"):
        assert command in result.stdout


@pytest.mark.parametrize("args", [["check-config", "--config", "/nonexistent-portwatch"]])
def test_failure_is_one_error_line_never_a_traceback(args: list[str]) -> None:
    result = portwatch(*args)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "error: configuration folder /nonexistent-portwatch does not exist"
    ]


def test_a_yaml_boolean_where_a_name_belongs_gets_a_hint(config_dir: Path) -> None:
    path = write(config_dir, "watchlists/extra.yaml", "threshold: 3\nterms: {en: {x: 1}}\nport_countries: [GB, NO]\n")
    assert problems_of(config_dir) == [
        f"{path}:3:22: port_countries.1: Input should be a valid string, got true/false: YAML reads"
        " yes, no, on and off that way — put it in quotes"
    ]
