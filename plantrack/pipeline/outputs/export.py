"""The database's tables as files for analysts: CSV (one per table), one Excel workbook, or Parquet.

Columns keep the types SQLite declares (an INTEGER column with NULLs stays whole numbers, not 2.0),
so a table read back from any of the three formats equals the one in the database.
openpyxl and pyarrow are optional extras; a missing one is an `ExportError` naming the install line.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from plantrack.store import schema
from plantrack.store.frames import read_table
from plantrack.pipeline.outputs.dictionary import markdown

# The contract's tables and the store's agenda_items, in the order an analyst reads them (schema.py's
# `export=True`); a table not yet made (a database never reconciled) exports empty, with its columns.
TABLES = schema.EXPORTED
# then everything else the database holds: the clerk's corrections, the runs' ledger, meta, fetch's
# sources and the analyst layer's table and views — "every table" means every one
EVERY = (*TABLES, *(t.name for t in schema.TABLES if not t.export), *(v.name for v in schema.VIEWS))
DICTIONARY = "data_dictionary.md"  # written beside the tables: what each column means
FORMATS = ("csv", "xlsx", "parquet")
_EXTRA = {"xlsx": ("openpyxl", "xlsx"), "parquet": ("pyarrow", "parquet")}
# Excel's limit per cell; longer text would make the workbook unreadable in Excel.
XLSX_CELL_MAX = 32767


class ExportError(RuntimeError):
    """An export that cannot run here; the message is one line for the user."""


def read_tables(conn: Any, names: tuple[str, ...] = EVERY) -> dict[str, pd.DataFrame]:
    """The tables as exported: as stored, and each action with its report's plan and period, so
    actions.csv is readable on its own."""
    tables = {name: read_table(conn, name) for name in names}
    if "actions" in tables:
        reports = read_table(conn, "reports")[["id", "plan", "period"]].rename(columns={"id": "report_id"})
        actions = tables["actions"]
        joined = actions.merge(reports, on="report_id", how="left")
        at = list(actions.columns).index("report_id") + 1
        tables["actions"] = joined[[*actions.columns[:at], "plan", "period", *actions.columns[at:]]]
    return tables


def _require(fmt: str) -> None:
    module, extra = _EXTRA.get(fmt, (None, None))
    if module is None:
        return
    try:
        __import__(module)
    except ImportError:
        raise ExportError(f"{fmt} export needs {module}: pip install 'plantrack[{extra}]'") from None


def export_tables(conn: Any, fmt: str, out_dir: Path, *, bom: bool = False) -> list[Path]:
    """Write every table to `out_dir` as `fmt` (csv, xlsx or parquet); returns the files written.
    `bom`: CSV files start with a UTF-8 byte order mark (Excel then reads them as UTF-8)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    _require(fmt)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {name: _without_controls(df) for name, df in read_tables(conn).items()}
    if fmt == "xlsx":
        files = [write_xlsx(tables, out_dir / "plantrack.xlsx")]
    elif fmt == "csv":
        files = [write_csv(df, out_dir / f"{name}.csv", bom=bom) for name, df in tables.items()]
    else:
        files = [write_parquet(df, out_dir / f"{name}.{fmt}") for name, df in tables.items()]
    (out_dir / DICTIONARY).write_text(
        "# The plantrack database: every table and column\n\nOne file (or sheet) per table or view below; "
        "the actions also carry their report's plan and period.\n\n" + markdown(), encoding="utf-8")
    return [*files, out_dir / DICTIONARY]


# NUL and the other C0/C1 control characters (tab, newline and carriage return kept): text from a PDF
# may hold them, and they break spreadsheet tools and terminals alike.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"): a leading ' makes it text, which those tools show without the quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _clean_text(value: Any) -> Any:
    return _CONTROLS.sub("", value) if isinstance(value, str) else value


def _text_map(df: pd.DataFrame, fn) -> pd.DataFrame:
    """`fn` over every text column, which stays an object column (pandas' map would infer `str`)."""
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = pd.Series([fn(v) for v in df[col]], index=df.index, dtype=object)
    return df


def _without_controls(df: pd.DataFrame) -> pd.DataFrame:
    return _text_map(df, _clean_text)


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made text; anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, path: Path, bom: bool = False) -> Path:
    df = _text_map(df, neutralise)
    df.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
    return path


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    return path


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table.  Written cell by cell rather than through pandas so that text which
    starts with '=' stays text: openpyxl would otherwise store a PDF's words as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for name, df in tables.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(df.columns))
        for row in df.itertuples(index=False, name=None):
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in row])
    wb.save(path)
    return path


def _xlsx_cell(ws, value: Any, cell_type) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python
        value = value.item()
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = cell_type(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX])
    cell.data_type = "s"
    return cell
