"""The one settings table: resolution order, one-line errors, and documentation that stays true."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plantrack.pipeline.cli import app
from plantrack.settings import SETTINGS, SettingsError, load

README = Path(__file__).resolve().parents[1] / "README.md"
DOCS = README.parent / "docs"  # the documentation beside the README (docs/incoming: pages not yet folded in)


def test_file_then_environment_then_flags(tmp_path):
    p = tmp_path / "plantrack.toml"
    p.write_text('[reconcile]\ntolerance = 0.1\n[ingest]\ntimeout = 30\n[statuses]\n"Behind plan" = "red"\n')
    cfg = load(p, env={"PLANTRACK_INGEST_TIMEOUT": "45", "PLANTRACK_RECONCILE_TOLERANCE": "0.2"},
               reconcile_tolerance=0.3)
    assert cfg["reconcile.tolerance"] == 0.3          # the flag wins over environment and file
    assert cfg["ingest.timeout"] == 45.0              # the environment wins over the file
    assert cfg["statuses"] == {"Behind plan": "red"}
    assert cfg["ingest.memory_mb"] == 2048            # untouched: the default
    assert cfg.source == p


@pytest.mark.parametrize("toml, says", [
    ('[reconcile]\ntolerance = "big"\n', "reconcile.tolerance must be a number"),
    ("[reconcile]\ntolerance = -1\n", "reconcile.tolerance must be 0 or more"),
    ("[reconcile.scale]\npurple = 3\n", "unknown status 'purple'"),
    ('[statuses]\n"Behind plan" = "late"\n', "maps 'Behind plan' to 'late'"),
    ("[reconcile]\ntolerence = 0.1\n", "unknown setting 'reconcile.tolerence'"),
    ("[reconcile\n", "not valid TOML"),
])
def test_a_bad_file_is_one_line_naming_the_setting(tmp_path, toml, says):
    p = tmp_path / "plantrack.toml"
    p.write_text(toml)
    with pytest.raises(SettingsError) as e:
        load(p, env={})
    assert says in str(e.value) and "\n" not in str(e.value)


def test_bad_environment_value_names_the_variable():
    with pytest.raises(SettingsError, match="PLANTRACK_INGEST_WORKERS must be a whole number"):
        load(None, env={"PLANTRACK_INGEST_WORKERS": "many"})


def test_reconcile_refuses_a_negative_tolerance_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["reconcile", "--db", str(tmp_path / "p.db"), "--tolerance", "-1"])
    assert result.exit_code == 2
    assert "reconcile.tolerance must be 0 or more" in result.output
    assert "Traceback" not in result.output


def test_settings_command_lists_every_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plantrack.toml").write_text("[ingest]\nworkers = 2\n")
    result = CliRunner().invoke(app, ["settings"])
    assert result.exit_code == 0
    lines = dict(line.split("\t")[:2] for line in result.stdout.splitlines())
    assert set(lines) == {s.name for s in SETTINGS}
    assert lines["ingest.workers"] == "2"


def test_readme_documents_every_setting_with_its_example():
    text = "\n".join(p.read_text(encoding="utf-8") for p in [README, *sorted(DOCS.rglob("*.md"))])
    for s in SETTINGS:
        section, _, key = s.name.rpartition(".")
        assert re.search(rf"`{re.escape(s.name)}`", text), f"README: describe {s.name}"
        assert s.example in text, f"README: show {s.name} as `{s.example}`"
