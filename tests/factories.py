"""Findings for tests that need one already recorded, without assessing an article."""

from __future__ import annotations

import time

from pipeline.findings import ArticleRef, Evidence, Finding


def new_port_finding(
    port: str = "Dunkirk", title: str | None = None, outlet: str = "harbour-gazette"
) -> Finding:
    """A new-port finding for ``port``, with its evidence sentence and article."""
    sentence = f"Officials expect smugglers to move to {port} within weeks."
    start = sentence.index(port)
    return Finding(
        kind="new_port",
        watchlist="channel-north-sea",
        port=port,
        figure=None,
        previous=None,
        evidence=Evidence(sentence, start, start + len(port)),
        article=ArticleRef("https://news.example/a", title or f"Smugglers eye {port}", outlet, "en"),
        rules=("migrants at a port",),
        found_at=time.time(),
    )
