"""Safe YAML loading that remembers where every value came from.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two duplicate keys. The
ops team needs ``FILE:LINE:COLUMN`` for every problem, so we compose the node graph with the safe
loader, build plain Python data ourselves (rejecting duplicate keys and non-standard tags), and
record the position of every key and value by its path (``("feeds", 0, "url")``).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigProblem

__all__ = ["MAX_NODES", "Located", "Position", "load_located"]

#: Upper bound on nodes built from one file: aliases can make a small file expand exponentially.
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, mark: yaml.Mark | None) -> Position:
        if mark is None:
            return cls(1, 1)
        return cls(mark.line + 1, mark.column + 1)


@dataclass
class Located:
    """Plain data from one YAML file, plus where each key and value sits in it."""

    file: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def problem(self, path: PathKey, message: str, *, at_key: bool = False) -> ConfigProblem:
        """A problem at ``path``: its key (unknown keys), its value, or the nearest parent."""
        table = self.keys if at_key else self.values
        probe = path
        while probe:
            if probe in table:
                pos = table[probe]
                return ConfigProblem(self.file, pos.line, pos.column, message)
            if probe in self.values:
                pos = self.values[probe]
                return ConfigProblem(self.file, pos.line, pos.column, message)
            probe = probe[:-1]
        pos = self.values.get((), Position(1, 1))
        return ConfigProblem(self.file, pos.line, pos.column, message)


class _Builder:
    def __init__(self, file: str, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.located = Located(file=file, data=None)
        self.problems: list[ConfigProblem] = []
        self.nodes = 0

    def _fail(self, node: yaml.Node, message: str) -> None:
        pos = Position.of(node.start_mark)
        self.problems.append(ConfigProblem(self.file, pos.line, pos.column, message))

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge
        self.located.values[path] = Position.of(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._fail(node, f"tag {node.tag!r} is not allowed, expected a plain list")
                return None
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self._fail(node, f"tag {node.tag!r} is not allowed (only plain YAML values are)")
            del exc
            return None

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Hashable, Any] | None:
        if node.tag != "tag:yaml.org,2002:map":
            self._fail(node, f"tag {node.tag!r} is not allowed, expected a plain mapping")
            return None
        result: dict[Hashable, Any] = {}
        first_seen: dict[Hashable, Position] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                self._fail(key_node, "keys must be plain names (no lists, mappings or '<<' merges)")
                continue
            key = self.loader.construct_object(key_node)
            if not isinstance(key, Hashable):
                self._fail(key_node, "keys must be plain names")
                continue
            key_pos = Position.of(key_node.start_mark)
            if key in first_seen:
                earlier = first_seen[key]
                self._fail(
                    key_node,
                    f"duplicate key {key!r} (first defined at line {earlier.line}),"
                    " expected each key once",
                )
                continue
            first_seen[key] = key_pos
            child: PathKey = (*path, key if isinstance(key, int) else str(key))
            self.located.keys[child] = key_pos
            result[key] = self.build(value_node, child)
        return result


class _TooLarge(Exception):
    pass


def load_located(path: Path, display: str | None = None) -> tuple[Located, list[ConfigProblem]]:
    """Load one YAML file safely; return its data with positions, and every problem found.

    Never raises for bad content: syntax errors, duplicate keys and disallowed tags come back as
    problems (the data is then ``None`` or partial). Only safe, plain YAML values are ever built.
    """
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Located(name, None), [ConfigProblem(name, 1, 1, f"cannot read file: {exc}")]
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            pos = Position.of(exc.problem_mark or exc.context_mark)
            what = exc.problem or exc.context or "invalid YAML"
            return Located(name, None), [
                ConfigProblem(name, pos.line, pos.column, f"YAML syntax error: {what}")
            ]
        except yaml.YAMLError as exc:
            return Located(name, None), [ConfigProblem(name, 1, 1, f"YAML error: {exc}")]
        if root is None:
            return Located(name, None, values={(): Position(1, 1)}), []
        builder = _Builder(name, loader)
        try:
            builder.located.data = builder.build(root, ())
        except _TooLarge:
            return Located(name, None), [
                ConfigProblem(
                    name, 1, 1, f"file expands to more than {MAX_NODES} values (aliases?)"
                )
            ]
        return builder.located, builder.problems
    finally:
        loader.dispose()
