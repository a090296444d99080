"""The documentation stays true: every command shows an example in its --help and is named in the README
or a guide under docs/, every option and argument says what it does (as Datasette tests its settings),
the generated references under docs/reference/ are what scripts/gen_docs.py writes now, and the README
renders every command on its own line."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import typer

from plantrack.pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# the hand-written pages: the README and the guides (the generated references list every command anyway)
GUIDES = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
COMMANDS = typer.main.get_command(app).commands


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_an_example_and_is_in_the_guides(name):
    command = COMMANDS[name]
    assert "Example" in (command.help or ""), f"`plantrack {name} --help` shows no example"
    assert f"plantrack {name}" in (command.help or ""), f"`plantrack {name} --help`: the example should run it"
    assert f"plantrack {name} " in GUIDES or f"plantrack {name}\n" in GUIDES, \
        f"README or docs/*.md: say when to use `plantrack {name}`"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_and_argument_says_what_it_does(name):
    for param in COMMANDS[name].params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"plantrack {name}: {param.opts or param.name} has no help"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_references_are_current():
    gen = _gen_docs()
    stale = [str(p.relative_to(ROOT)) for p in gen.stale()]
    assert stale == [], f"regenerate with `make docs`: {stale}"


def test_cli_reference_lists_every_command_and_option():
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    for name, command in COMMANDS.items():
        assert f"## plantrack {name}\n" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, f"cli.md: plantrack {name} {opt}"


def test_schema_reference_is_the_data_dictionary():
    from plantrack.pipeline.outputs import dictionary

    text = (ROOT / "docs" / "reference" / "schema.md").read_text(encoding="utf-8")
    for table in (*dictionary.TABLES, *dictionary.ANALYST):
        assert f"### {table.name} — " in text
        for column in table.columns:
            assert f"| {column.name} | {column.type} |" in text, f"schema.md: {table.name}.{column.name}"


def _fenced(text: str) -> list[bool]:
    """Per line: whether it sits inside a ``` code block."""
    inside, out = False, []
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
            out.append(True)
        else:
            out.append(inside)
    return out


@pytest.mark.parametrize("page", ["README.md", "docs/clerk.md", "docs/operator.md", "docs/analyst.md",
                                  "docs/developer.md"])
def test_every_command_line_renders_on_its_own_line(page):
    """A `plantrack …` or `make …` line outside a code block would be folded into the paragraph around it."""
    text = (ROOT / page).read_text(encoding="utf-8")
    fenced = _fenced(text)
    command = re.compile(r"\s*(\$ )?((\.venv/bin/)?plantrack (%s)( |$)|make [a-z]+\s*(#.*)?$|\.venv/bin/\S+ -)"
                         % "|".join(map(re.escape, COMMANDS)))
    loose = [line for line, inside in zip(text.splitlines(), fenced) if not inside and command.match(line)]
    assert loose == [], f"{page}: put these in a code block: {loose}"


def _anchor(heading: str) -> str:
    """A heading's anchor as a code host makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_the_pages_lead_somewhere():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and dest.suffix == ".md":
                headings = re.findall(r"(?m)^#+ (.+)$", dest.read_text(encoding="utf-8"))
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
