"""Reading a TOML configuration file into its model: errors name the file and the key."""

from __future__ import annotations

import pytest

from models.base import Model, invariant
from models.errors import ConfigError
from models.toml_file import parse_toml, read_toml


class Broken(ConfigError):
    code = "broken"


class Range(Model):
    low: int
    high: int

    _ordered = invariant(lambda r: r.low <= r.high, "low above high: {model}")


def test_a_valid_file_gives_its_model(tmp_path):
    (tmp_path / "r.toml").write_text("low = 1\nhigh = 2\n", encoding="utf-8")
    assert read_toml(Range, tmp_path / "r.toml", Broken) == Range(low=1, high=2)
    assert parse_toml(Range, "low = 1\nhigh = 2\n", "r", Broken, root=None).high == 2


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("low = 1\nhihg = 2\n", "r.toml: high: Field required; hihg: Extra inputs are not permitted"),
        ("low = 3\nhigh = 2\n", "r.toml: file: Value error, low above high: low=3 high=2"),
        ("low = ", "r.toml: not valid TOML"),
    ],
)
def test_a_broken_file_is_named_with_its_key(text, named):
    with pytest.raises(Broken) as caught:
        parse_toml(Range, text, "r.toml", Broken)
    assert str(caught.value).startswith(named)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(Broken, match="cannot be read"):
        read_toml(Range, tmp_path / "none.toml", Broken)
