"""The documents stay true: the README's two commands, CI running the test command, the generated
configuration reference, and the README's worked example."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def first_screen_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_screen = readme.split("\n---\n", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", first_screen, flags=re.S)
    assert len(blocks) == 1, "the first screen has one block of commands"
    return [line.split("#", 1)[0].strip() for line in blocks[0].splitlines() if line.strip()]


def test_readme_first_screen_gives_exactly_two_commands() -> None:
    commands = first_screen_commands()
    assert commands == ["bash scripts/portwatch.sh run", "bash scripts/portwatch.sh test"]
    assert (REPO / "scripts" / "portwatch.sh").exists()


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert first_screen_commands()[1] in ci
    assert "apt-get update" in ci and "redis-server" in ci


def test_configuration_reference_is_generated_from_the_models() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/config_reference.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_worked_example_of_the_readme_works(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    ports = config / "ports.yaml"
    ports.write_text(
        ports.read_text().rstrip("\n")
        + "\n\n  - name: Ouddorp\n    country: NL\n    kind: seaport\n    aliases: [haven van Ouddorp]\n"
    )
    watchlist = config / "watchlists" / "channel-north-sea.yaml"
    text = watchlist.read_text()
    text = text.replace("  nl:\n", "  nl:\n    grensoverschrijdende smokkel: 2\n", 1)
    text = text.replace(
        "exclusions:\n",
        "exclusions:\n  - name: company annual reports\n"
        "    terms: [jaarverslag, annual report, rapport annuel, winst, profit]\n"
        "    min_matches: 2\n    weight: -5\n",
        1,
    )
    watchlist.write_text(text)
    check = subprocess.run(
        [sys.executable, "-m", "workers.cli", "check-config", "--config", str(config)],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    article = {"id": 1, "lang": "nl", "text": "Bij de haven van Ouddorp zijn migranten aangetroffen; "
               "de politie spreekt van grensoverschrijdende smokkel."}  # fmt: skip
    explained = subprocess.run(
        [sys.executable, "-m", "workers.cli", "assess", "--explain", "--config", str(config)],
        input=json.dumps(article), cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert "== 1: RELEVANT (score 6.0)" in explained.stdout
    assert "grensoverschrijdende smokkel" in explained.stdout
    assert "-- ports: Ouddorp" in explained.stdout
    report = {"id": 2, "lang": "nl", "text": "Jaarverslag: de winst van de rederij steeg; migranten in de haven van Ouddorp."}
    scored = subprocess.run(
        [sys.executable, "-m", "workers.cli", "assess", "--config", str(config)],
        input=json.dumps(report), cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert json.loads(scored.stdout)["relevant"] is False
