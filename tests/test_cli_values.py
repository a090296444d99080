"""The command line's values made without pydantic (plantrack/pipeline/cli_values.py) are the ones
typer's own coercion makes, for every option of every command; a bad one still gets typer's own
message; and typer still reads the per-parameter slot the fast coercion sits in. When a typer upgrade
changes any of these, this fails (and the shim is mended or dropped), instead of a command quietly
taking a value differently."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from plantrack.pipeline.cli import app
from plantrack.pipeline.cli_values import FastCoercion, fast_coercion


def _commands():
    group = typer.main.get_command(app)
    ctx = group.make_context("plantrack", ["status"], resilient_parsing=True)
    yield "plantrack", group, ctx
    for name, command in sorted(group.commands.items()):
        yield name, command, ctx


def _outcome(coercion, value, param, ctx):
    try:
        got = coercion.coerce(value, param=param, ctx=ctx)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return ("error", type(e).__name__, str(e))
    items = got if isinstance(got, (list, tuple)) else [got]
    return ("value", type(got).__name__, got, [type(i).__name__ for i in items])


def _samples(tmp_path: Path) -> list:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.4\n")
    return [None, (), [], "", "0", "1", "007", "600", "65535", "70000", "1.5", "1.50", " 5", "-1", "+5", "5_0",
            "1e3", "abc", "a\x00b", 0, 1, 600, 70000, 1.5, True, False, Path("data/out/plantrack.db"),
            str(folder), str(folder / "a.pdf"), str(tmp_path / "not-there"), (str(folder), "x.pdf"),
            ("a", "b"), [str(folder)], ("1", "x")]


def test_every_option_takes_each_value_as_typer_does(tmp_path):
    samples = _samples(tmp_path)
    checked = 0
    for name, command, ctx in _commands():
        for param in command.get_params(ctx):
            if not hasattr(param, "type_descriptor"):
                continue
            fast = FastCoercion(param)
            for value in samples:
                param._runtime_param = None  # typer's own, built by its getter
                want = _outcome(param.get_runtime_param(), value, param, ctx)
                got = _outcome(fast, value, param, ctx)
                assert got == want, f"{name} {param.name} {value!r}"
                checked += 1
    assert checked > 1000  # every command's options were walked, not none


def test_typer_reads_the_slot_the_fast_coercion_sits_in():
    name, command, ctx = next((n, c, x) for n, c, x in _commands() if n == "run")
    params = command.get_params(ctx)
    for p in params:
        p._runtime_param = None
    fast_coercion(params)
    db = next(p for p in params if p.name == "db")
    assert isinstance(db.get_runtime_param(), FastCoercion)
    assert db.process_value(ctx, "x/p.db") == Path("x/p.db")
    wait = next(p for p in params if p.name == "wait")
    assert wait.process_value(ctx, "600") == 600.0 and isinstance(wait.process_value(ctx, "600"), float)
    workers = next(p for p in params if p.name == "workers")
    with pytest.raises(Exception, match="greater than or equal to 1"):
        workers.process_value(ctx, "0")  # typer's own message, from its own coercion


def test_a_run_and_a_listing_import_no_pydantic(tmp_path):
    """A run given every kind of plain option, and a listing, coerce them without importing pydantic
    (the run's outcomes are still the real ones: the file that is no paper failed)."""
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "notes.pdf").write_bytes(b"not a pdf at all\n")
    probe = ("import sys\nfrom plantrack.pipeline.cli import app\ncode = 0\n"
             "try:\n    app(args=sys.argv[1:], prog_name='plantrack')\nexcept SystemExit as e:\n    code = e.code\n"
             "print('\\nPYDANTIC', 'pydantic' in sys.modules, code)\n")
    env = {**os.environ, "COLUMNS": "120"}
    seen = {}
    for args, code in ((["run", str(papers), "--db", str(tmp_path / "p.db"), "--wait", "5", "--workers", "1",
                         "--timeout", "30", "--json"], "1"),  # 1: a file failed
                       (["status", "--db", str(tmp_path / "p.db"), "--limit", "3", "--json"], "0")):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300,
                              env=env, cwd=tmp_path)
        text, _, last = proc.stdout.rpartition("\nPYDANTIC ")
        assert last.split() == ["False", code], (args[0], last, proc.stderr[-2000:])
        seen[args[0]] = json.loads(text)
    assert [(Path(o["path"]).name, o["outcome"]) for o in seen["run"]] == [("notes.pdf", "failed")]
    assert seen["status"]["runs"][0]["status"] == "failed"
