"""The documentation stays true: every command shows an example in its --help and is in the README's
command list, and every option and argument says what it does (as Datasette tests its settings)."""
from __future__ import annotations

from pathlib import Path

import pytest
import typer

from plantrack.pipeline.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = typer.main.get_command(app).commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_an_example_and_is_in_the_readme(name):
    command = COMMANDS[name]
    assert "Example" in (command.help or ""), f"`plantrack {name} --help` shows no example"
    assert f"plantrack {name}" in (command.help or ""), f"`plantrack {name} --help`: the example should run it"
    assert f"plantrack {name} " in README or f"plantrack {name}\n" in README, f"README: list `plantrack {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_and_argument_says_what_it_does(name):
    for param in COMMANDS[name].params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"plantrack {name}: {param.opts or param.name} has no help"
