"""The ``portwatch`` command line.

Every failure prints one line ``error: …`` on standard error and exits non-zero; no traceback
reaches the operator. Commands import what they need lazily, so ``portwatch assess`` never loads
Celery and only ``run`` needs Redis.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, PortwatchError
from pipeline.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _config_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.config) if args.config else settings.config_dir


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.config import load_config
    from pipeline.settings import secret_from_env

    directory = _config_dir(args, settings)
    if not directory.is_dir():
        raise PortwatchError(f"configuration folder {directory} does not exist")
    config, problems = load_config(directory)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    for name, channel in sorted(config.channels.items()):
        variable = getattr(channel, "webhook_url_env", None) or getattr(
            channel, "smtp_url_env", None
        )
        if variable and secret_from_env(variable) is None:
            print(
                f"warning: channel {name!r}: environment variable {variable} is not set"
                " (the service checks it at start)",
                file=sys.stderr,
            )
    print(
        f"configuration OK: {len(config.feeds)} feeds, {len(config.channels)} channels"
        f" ({', '.join(sorted(config.channels))}), {len(config.ports)} ports,"
        f" {len(config.watchlists)} watch-lists ({', '.join(w.name for w in config.watchlists)})"
    )
    return 0


def _load(args: argparse.Namespace, settings: Settings) -> Any:
    from pipeline.config import load_config_or_raise

    directory = _config_dir(args, settings)
    if not directory.is_dir():
        raise PortwatchError(f"configuration folder {directory} does not exist")
    return load_config_or_raise(directory)


def cmd_assess(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from pipeline.assess_io import assess_lines, explain
    from pipeline.assessment import Assessor

    assessor = Assessor.from_config(_load(args, settings))
    if args.file == "-":
        source = sys.stdin.buffer
    else:
        try:
            source = open(args.file, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise PortwatchError(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        for article, assessment, output in assess_lines(source, assessor):
            if args.explain:
                text = (
                    explain(article, assessment)
                    if article and assessment
                    else f"!! {output['error']}"
                )
                print(text + "\n", flush=True)
            else:
                print(json.dumps(output, ensure_ascii=False), flush=True)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 0


def _not_yet(command: str) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        raise PortwatchError(f"'portwatch {command}' is not available in this version yet")

    return handler


COMMANDS: dict[str, tuple[str, Handler]] = {
    "run": ("run the service: Celery worker with the beat scheduler embedded", _not_yet("run")),
    "check-config": ("validate every YAML file of the configuration", cmd_check_config),
    "assess": ("assess JSON-lines articles offline: relevance, ports, figures", cmd_assess),
    "fetch": ("fetch one URL through the guarded client and extract its text", _not_yet("fetch")),
    "feed": ("fetch and parse one feed through the guarded client", _not_yet("feed")),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portwatch",
        description="Watch the news for border security at sea and freight ports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, _) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--config",
            metavar="DIR",
            help="configuration folder (default: $PORTWATCH_CONFIG_DIR or config/)",
        )
        _add_arguments(name, command)
    return parser


def _add_arguments(name: str, command: argparse.ArgumentParser) -> None:
    if name == "assess":
        command.add_argument("file", nargs="?", default="-", help="JSON-lines file, or - for stdin")
        command.add_argument("--explain", action="store_true", help="readable tables for humans")
    elif name in ("fetch", "feed"):
        command.add_argument("url", help="http(s) URL")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        return COMMANDS[args.command][1](args, settings)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s) in the configuration", file=sys.stderr)
        return exc.exit_code
    except PortwatchError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head`: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"error: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()


__all__: list[Any] = ["build_parser", "main"]
