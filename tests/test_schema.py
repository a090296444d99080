"""The one schema (plantrack/store/schema.py): the database plantrack makes is the one it declares,
it holds every column the contract names with the contract's type and meaning, an older database is
brought up to it, and what is derived from it (export order, reconcile's columns, the frames) agrees."""
from __future__ import annotations

import re
import sqlite3

import pytest
from conftest import CONTRACT, contract_columns

from plantrack.store import frames, schema
from plantrack.pipeline.outputs import analyst, dictionary, digest, export
from plantrack.pipeline.reconcile import rebuild
from plantrack.pipeline.sources import fetch
from plantrack import store
from plantrack.pipeline.stages import runs

needs_contract = pytest.mark.skipif(not CONTRACT.is_file(), reason="shared/CONTRACT.md not present")


def _made(tmp_path) -> sqlite3.Connection:
    """A database made as plantrack makes one: store.connect, a run's ledger, fetch's sources,
    reconcile's tables and analyst.prepare's."""
    db = store.connect(tmp_path / "plantrack.db")
    runs.Ledger(db, "plantrack run").start()
    fetch.ensure_table(db.conn)
    rebuild.reconcile(db.conn)
    analyst.prepare(db)
    return db.conn


def _primary_key(t: schema.Table) -> list[str]:
    for constraint in t.constraints:
        if m := re.fullmatch(r"PRIMARY KEY \((.*)\)", constraint):
            return [c.strip() for c in m.group(1).split(",")]
    return [c.name for c in t.columns if "PRIMARY KEY" in c.constraints]


def assert_as_declared(conn: sqlite3.Connection, t: schema.Table) -> None:
    """The table's columns (name, type, NOT NULL, primary key), foreign keys, unique columns and
    indexes are those `t` declares."""
    pk = _primary_key(t)
    have = [(r[1], r[2], bool(r[3]), r[5]) for r in conn.execute(f'PRAGMA table_info("{t.name}")')]
    assert have == [(c.name, c.type, "NOT NULL" in c.constraints, pk.index(c.name) + 1 if c.name in pk else 0)
                    for c in t.columns], t.name
    refs = {(r[3], r[2], r[4]) for r in conn.execute(f'PRAGMA foreign_key_list("{t.name}")')}
    assert refs == {(c.name, *re.search(r"REFERENCES (\w+)\((\w+)\)", c.constraints).groups())
                    for c in t.columns if "REFERENCES" in c.constraints}, t.name
    indexes = {r[1]: (r[2], [i[2] for i in conn.execute(f'PRAGMA index_info("{r[1]}")')])
               for r in conn.execute(f'PRAGMA index_list("{t.name}")')}
    unique = {(c.name,) for c in t.columns if "UNIQUE" in c.constraints}
    if len(pk) > 1 or (pk and t.column(pk[0]).type != "INTEGER"):  # an INTEGER PRIMARY KEY is the rowid
        unique.add(tuple(pk))
    assert {tuple(cols) for u, cols in indexes.values() if u} == unique, t.name
    for index in t.indexes:
        assert indexes[index.name] == (int(index.unique), [c.strip() for c in index.columns.split(",")]), index


def test_the_generated_ddl_makes_every_table_as_declared():
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema.ddl())
    for t in schema.TABLES:
        assert_as_declared(conn, t)
    conn.executescript(schema.ddl())  # IF NOT EXISTS: again changes nothing


def test_each_part_of_plantrack_makes_its_tables_as_declared(tmp_path):
    conn = _made(tmp_path)
    for t in schema.TABLES:
        assert_as_declared(conn, t)
    views = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {v.name for v in schema.VIEWS}
    assert dictionary.undocumented(conn) == []
    assert {t.made_by for t in schema.TABLES} == set(schema.MAKERS)


@needs_contract
def test_every_contract_column_is_declared_and_made_with_the_contracts_type(tmp_path):
    columns = contract_columns(CONTRACT.read_text(encoding="utf-8"))
    assert {("documents", "authority"), ("reports", "superseded_by"), ("findings", "detail")} <= \
        {(t, c) for t, c, _, _ in columns}
    conn = _made(tmp_path)
    for name, col, declared, _ in columns:
        t = schema.table(name)
        column = t.column(col)
        assert t.contract and column is not None and column.contract, f"{name}.{col}"
        assert (column.type, column.constraints) == _as_sql(declared, t), f"{name}.{col}: {declared}"
        assert col in {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}, f"{name}.{col}"


def _as_sql(declared: str, t: schema.Table) -> tuple[str, str]:
    """The contract's type column as (type, constraints): `INTEGER PK` is a PRIMARY KEY, `INTEGER →
    documents.id` REFERENCES documents(id) — except in the tables reconcile rebuilds, where the ids
    are not enforced (a document read again loses its actions before reconcile runs again)."""
    type_, _, rest = declared.partition(" ")
    if rest == "PK":
        return type_, "PRIMARY KEY"
    if m := re.fullmatch(r"→ (\w+)\.(\w+)", rest):
        return type_, "" if t.made_by == "reconcile" else f"REFERENCES {m.group(1)}({m.group(2)})"
    return type_, rest


@needs_contract
def test_every_contract_column_has_its_meaning():
    for name, col, _, meaning in contract_columns(CONTRACT.read_text(encoding="utf-8")):
        column = dictionary.table(name).column(col)
        # the dictionary gives the rag meanings in place of the contract's "(meanings below)"
        words = set(re.findall(r"[a-z]{4,}", meaning.lower())) - {"meanings", "below"}
        assert words <= set(re.findall(r"[a-z]{4,}", column.meaning.lower())), f"{name}.{col}"


def test_an_older_database_gains_the_columns_added_since(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE documents (id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, filename TEXT);
            CREATE TABLE reports (id INTEGER PRIMARY KEY, document_id INTEGER REFERENCES documents(id), plan TEXT);
            CREATE TABLE action_history (plan TEXT, period TEXT, "change" TEXT);
            INSERT INTO documents (sha256, filename) VALUES ('ab', 'old.pdf');
        """)
    conn = store.connect(path).conn
    for name, kept in (("documents", ["id", "sha256", "filename"]), ("reports", ["id", "document_id", "plan"])):
        have = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
        assert have[:3] == kept and set(have) == set(schema.columns(name)), name
    assert conn.execute("SELECT sha256, filename, authority FROM documents").fetchall() == [("ab", "old.pdf", None)]
    rebuild.reconcile(conn)  # reconcile's tables too: the old columns first, the rest added
    have = [r[1] for r in conn.execute("PRAGMA table_info(action_history)")]
    assert have[:3] == ["plan", "period", "change"] and set(have) == set(schema.columns("action_history"))


def test_what_is_derived_from_the_schema():
    assert export.TABLES == tuple(t.name for t in schema.TABLES if t.export) == (
        "documents", "reports", "priorities", "actions", "meetings", "agenda_items", "amber_reasons",
        "action_history", "findings")
    assert set(digest.COUNTED) <= set(export.TABLES)
    assert rebuild.HISTORY_COLUMNS == schema.columns("action_history")
    assert ["id", *rebuild.FINDING_COLUMNS] == schema.columns("findings")
    for name, cols in rebuild.INPUT_COLUMNS.items():
        derived = {"authority"} if name in frames.PAPERS else set()  # their document's, read with them
        assert set(cols) <= set(schema.columns(name)) | derived, name
    assert [t.name for t in dictionary.TABLES] + [t.name for t in dictionary.ANALYST] == \
        [t.name for t in schema.TABLES if t.made_by != "analyst"] + ["plan_series", *(v.name for v in schema.VIEWS)]


def test_read_frames_of_an_empty_or_foreign_database():
    conn = sqlite3.connect(":memory:")
    got = frames.read_frames(conn)
    assert set(got) == set(frames.RECONCILE_INPUTS)
    for name, df in got.items():
        assert df.empty and set(schema.columns(name)) <= set(df.columns), name
    assert "authority" in got["reports"] and "authority" in got["meetings"]
    # a foreign database: a table lacking columns reads them as NULL; a report carries its document's council
    conn.executescript("""
        CREATE TABLE documents (id INTEGER PRIMARY KEY, authority TEXT);
        CREATE TABLE reports (id INTEGER PRIMARY KEY, document_id INTEGER, plan TEXT, period TEXT);
        INSERT INTO documents VALUES (1, 'Kent County Council');
        INSERT INTO reports VALUES (7, 1, 'Plan', '2024-01');
    """)
    reports = frames.read_frames(conn, ("reports",))["reports"]
    row = reports.iloc[0]
    assert (row["id"], row["authority"], row["as_at"], row["superseded_by"]) == (7, "Kent County Council", None, None)
    assert str(reports["id"].dtype) == "Int64" and str(frames.read_table(conn, "findings")["priority_number"].dtype) == "Int64"
