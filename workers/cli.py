"""The ``portwatch`` command line.

Every failure prints one line ``error: …`` on standard error and exits non-zero; no traceback
reaches the operator. Commands import what they need lazily, so ``portwatch assess`` never loads
Celery and only ``run`` needs Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, PortwatchError
from pipeline.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _config_dir(args: argparse.Namespace, settings: Settings) -> Path:
    """The configuration folder named by --config, else by the environment; it must exist."""
    directory = Path(args.config) if args.config else settings.config_dir
    if not directory.is_dir():
        raise PortwatchError(f"configuration folder {directory} does not exist")
    return directory


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.config import load_config
    from pipeline.settings import secret_from_env

    directory = _config_dir(args, settings)
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


def _load_usable(args: argparse.Namespace, settings: Settings) -> Any:
    """The configuration without broken watch-lists, each problem reported on stderr."""
    from pipeline.config import load_config_skipping_broken_watchlists

    config, problems = load_config_skipping_broken_watchlists(_config_dir(args, settings))
    for problem in problems:
        print(f"warning: watch-list skipped: {problem}", file=sys.stderr)
    return config


def cmd_assess(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.assess_io import assess_lines, explain
    from pipeline.assessment import Assessor

    assessor = Assessor.from_config(_load_usable(args, settings))
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


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.errors import ExtractionError
    from pipeline.extraction import extract_article
    from pipeline.fetching import GuardedClient, policy_from_environment

    with GuardedClient(policy_from_environment()) as client:
        result = client.get(args.url)
    try:
        article = extract_article(result.body, args.url, result.final_url)
        title, text = article.title, article.text
    except ExtractionError:
        title, text = "", ""
    _emit(
        {
            "url": args.url,
            "final_url": result.final_url,
            "status": result.status,
            "title": title,
            "text": text,
        }
    )
    return 0


def cmd_feed(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.feeds import parse_feed
    from pipeline.fetching import GuardedClient, policy_from_environment

    with GuardedClient(policy_from_environment()) as client:
        result = client.get(args.url)
    for item in parse_feed(result.body, result.final_url, content_type=result.content_type):
        _emit({"title": item.title, "link": item.link, "published": item.published})
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from workers.service_runner import run_service

    _load_usable(args, settings)  # refuse to start unless feeds, channels and a watch-list load
    return run_service(
        settings.model_copy(update={"config_dir": _config_dir(args, settings)}),
        concurrency=args.concurrency,
    )


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from workers.operations import status

    print(status(settings.model_copy(update={"config_dir": _config_dir(args, settings)})))
    return 0


def cmd_quarantine(args: argparse.Namespace, settings: Settings) -> int:
    from workers.operations import quarantine_list, quarantine_replay

    if args.action == "list":
        for entry in quarantine_list(settings):
            _emit(entry)
        return 0
    replayed = quarantine_replay(settings)
    print(f"replayed {replayed} quarantined message(s)")
    return 0


def cmd_backtest(args: argparse.Namespace, settings: Settings) -> int:
    from workers.operations import backtest

    config = _load_usable(args, settings)
    with _open_input(args.file) as source:
        for alert in backtest(config, source):
            _emit(alert)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from workers.demo import run_demo

    return run_demo(settings, concurrency=args.concurrency)


def _open_input(name: str) -> Any:
    import contextlib

    if name == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    try:
        return open(name, "rb")
    except OSError as exc:
        raise PortwatchError(f"cannot read {name}: {exc.strerror}") from None


COMMANDS: dict[str, tuple[str, Handler]] = {
    "run": ("run the service: Celery worker with the beat scheduler embedded", cmd_run),
    "check-config": ("validate every YAML file of the configuration", cmd_check_config),
    "assess": ("assess JSON-lines articles offline: relevance, ports, figures", cmd_assess),
    "fetch": ("fetch one URL through the guarded client and extract its text", cmd_fetch),
    "feed": ("fetch and parse one feed through the guarded client", cmd_feed),
    "backtest": ("replay a JSON-lines corpus through assessment and novelty", cmd_backtest),
    "status": ("feed health, queue depths, quarantine size and the last alerts", cmd_status),
    "quarantine": ("list or replay messages that could never be processed", cmd_quarantine),
    "demo": ("serve sample feeds on loopback and run the service on them", cmd_demo),
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
    elif name == "backtest":
        command.add_argument(
            "file", help="JSON-lines corpus (id, text, title, url, lang, outlet), or -"
        )
    elif name == "quarantine":
        command.add_argument("action", choices=["list", "replay"])
    elif name in ("run", "demo"):
        command.add_argument(
            "--concurrency", type=int, default=2, help="worker processes (default 2)"
        )


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
