"""Reading infra/compose.yaml as Compose would, for the tests: YAML with Compose's `!reset`/`!override`
tags, a service's environment as a dict, its env_files, and `${VAR:-default}` with VAR unset."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

INFRA = Path(__file__).resolve().parents[1] / "infra"


class ComposeLoader(yaml.SafeLoader):
    """YAML with Compose's `!reset` / `!override` tags, read as {"!reset": value}."""


def _tagged(loader: ComposeLoader, tag_suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.SequenceNode):
        return {"!" + tag_suffix: loader.construct_sequence(node)}
    if isinstance(node, yaml.MappingNode):
        return {"!" + tag_suffix: loader.construct_mapping(node)}
    return {"!" + tag_suffix: loader.construct_scalar(node)}  # type: ignore[arg-type]


ComposeLoader.add_multi_constructor("!", _tagged)


def load(name: str = "compose.yaml") -> dict:
    return yaml.load((INFRA / name).read_text(), Loader=ComposeLoader)


def environment(service: dict) -> dict[str, str | None]:
    """`environment:` as a dict (list or mapping form; a bare name is None: passed through)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return {item.split("=", 1)[0]: (item.split("=", 1)[1] if "=" in item else None) for item in env}
    return {key: (None if value is None else str(value)) for key, value in env.items()}


def interpolate_unset(value: str) -> str:
    """Compose's interpolation with every variable unset: `${VAR:-default}` is the default; anything
    else (`${VAR}`, `${VAR:?}`) is an error here, as it would be a blank or a failure there."""
    result = re.sub(r"\$\{[A-Za-z0-9_]+:?-([^}]*)\}", lambda m: m.group(1), value)
    if "${" in result or re.search(r"\$[A-Za-z_]", result):
        raise ValueError(f"an unset variable in {value!r}")
    return result.replace("$$", "$")


def read_env_file(path: Path) -> dict[str, str]:
    """A Compose env_file (KEY=VALUE lines, # comments)."""
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value
    return pairs


def option(service: dict, name: str) -> str | None:
    """The value after `name` in a service's list-form command (`--events-port 8081` -> "8081")."""
    command = service.get("command") or []
    return command[command.index(name) + 1] if name in command[:-1] else None
