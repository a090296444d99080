"""The `plantrack` command: a thin layer over extract / ingest / store / reconcile.

Progress, errors and summaries go to stderr; data goes to stdout only with --json.
Exit status: 0 every file read; 1 one or more files failed (the rest were still loaded); 2 usage;
3 another run holds the database (after waiting --wait seconds).
"""
from __future__ import annotations

import contextlib
import json
from collections import Counter
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..extract.document import extract_document
from . import ingest as stages
from . import runs, store

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Turn council plan progress reports and committee minutes (PDF) into a SQLite "
                       "database, and reconcile each period against the previous one.\n\n"
                       "Typical use: `plantrack run` (reads `data/raw/`, writes `data/out/plantrack.db`).")
err = Console(stderr=True)

MAX_TABLE_ROWS = 40  # beyond this a nightly log lists only the failures
DEFAULT_RAW = Path("data/raw")
DEFAULT_DB = Path("data/out/plantrack.db")

PathsArg = Annotated[list[Path] | None, typer.Argument(help="PDF files or folders (searched recursively for *.pdf). Default: data/raw.", show_default=False)]
DbOpt = Annotated[Path, typer.Option("--db", help="The SQLite database to write.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Documents read in parallel. Default: `ingest.workers`, else the number of cores.", show_default=False)]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", min=1, help="Seconds one document may take before it is recorded as failed. Default: `ingest.timeout` (120).", show_default=False)]
ReprocessOpt = Annotated[bool, typer.Option("--reprocess", help="Read stored documents again (after an extractor upgrade), even if unchanged.")]
WaitOpt = Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another run writing the same database before giving up with exit status 3.")]
LogOpt = Annotated[Path | None, typer.Option("--log-file", help="Append one JSON line per file (and per run start/end) to this file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the outcome of every file as JSON on stdout.")]


def _files(paths: list[Path] | None) -> list[Path]:
    try:
        return stages.find_pdfs(paths or [DEFAULT_RAW])
    except FileNotFoundError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None


def _progress(total: int):
    """A rich progress bar on stderr, shown only for more than one file."""
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True, disable=total <= 1)
    return bar


def _summarise(outcomes: list[stages.Outcome], as_json: bool) -> int:
    """The files that changed or failed as a table, then one line of counts; exit status 1 on failures."""
    counts = Counter(o.outcome for o in outcomes)
    shown = [o for o in outcomes if o.outcome in ("new", "updated", "failed")]
    if len(shown) > MAX_TABLE_ROWS:
        shown = [o for o in shown if o.outcome == "failed"][:MAX_TABLE_ROWS]
    if shown:
        table = Table(title="plantrack: files read", title_justify="left")
        for col in ("file", "outcome", "kind", "papers", "actions", "note"):
            table.add_column(col, overflow="fold")
        for o in shown:
            ex = o.extraction
            style = {"failed": "red", "new": "green"}.get(o.outcome, "yellow")
            note = ex.error or "; ".join(w for p in (*ex.reports, *ex.meetings) for w in p.warnings)
            table.add_row(o.path.name, f"[{style}]{o.outcome}[/{style}]", ex.kind or "",
                          f"{len(ex.reports)} report(s), {len(ex.meetings)} minutes" if ex.status == "ok" else "",
                          str(sum(len(r.actions) for r in ex.reports)) if ex.reports else "", note)
        err.print(table)
    seen = len(outcomes) - counts["missing"]
    err.print(f"{seen} file(s): {counts['new']} new, {counts['updated']} read again, {counts['unchanged']} unchanged, "
              f"[{'red' if counts['failed'] else 'green'}]{counts['failed']} failed[/]")
    for o in outcomes:
        if o.outcome == "failed":
            err.print(f"[red]could not read[/red] {o.path}: {o.error}")
        elif o.outcome == "missing":
            err.print(f"[yellow]not found:[/yellow] {o.path} (stored earlier; kept as it was)")
    from rich.markup import escape

    from .statuswords import advice, unknown_in

    for line in advice(unknown_in(o.extraction for o in outcomes)):
        err.print(f"[yellow]status word:[/yellow] {escape(line)}", soft_wrap=True)  # "[statuses]" is no markup
    if as_json:
        print(json.dumps([{"path": str(o.path), "outcome": o.outcome, "document_id": o.document_id,
                           "kind": o.extraction.kind if o.extraction else None,
                           "error": o.error, "seconds": round(o.seconds, 3)} for o in outcomes], indent=1))
    return 1 if counts["failed"] else 0


def _settings(config: Path | None = None):
    """The resolved settings (plantrack.settings), or exit 2 with the one line saying what is wrong."""
    from ..settings import SettingsError, load

    try:
        return load(config)
    except SettingsError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _ingest(paths, db_path, workers, timeout, reprocess, wait, log_file, command) -> list[stages.Outcome]:
    cfg = _settings()
    workers = workers or cfg["ingest.workers"] or os.cpu_count() or 1
    timeout = timeout or cfg["ingest.timeout"]
    files = _files(paths)
    with _writing(db_path, wait):
        db = store.connect(db_path)
        with _log(log_file) as log, _progress(len(files)) as bar:
            ledger = runs.Ledger(db, command, log).start()
            task = bar.add_task("reading", total=len(files))

            def advance(o: stages.Outcome) -> None:
                ledger.record(o)
                bar.advance(task)
            outcomes = stages.ingest(files, db, db_path.parent / "extracted", workers=workers, timeout=timeout,
                                     memory_mb=cfg["ingest.memory_mb"], reprocess=reprocess, progress=advance,
                                     statuses=cfg["statuses"])
            ledger.finish()
        db.conn.close()
    return outcomes


@contextlib.contextmanager
def _writing(db_path: Path, wait: float):
    """The database's write lock, or exit 3 with one line when another run holds it."""
    try:
        with runs.exclusive(db_path, wait):
            yield
    except runs.Busy as e:
        err.print(f"[red]busy:[/red] {e}")
        raise typer.Exit(3) from None


@contextlib.contextmanager
def _log(log_file: Path | None):
    if log_file is None:
        yield None
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as f:
        yield f


@app.command()
def ingest(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = None,
           timeout: TimeoutOpt = None, reprocess: ReprocessOpt = False,
           wait: WaitOpt = 600, log_file: LogOpt = None, json_out: JsonOpt = False) -> None:
    """Extract and load: new or changed PDFs into the database (extract + load).

    Examples:

        plantrack ingest                      # data/raw → data/out/plantrack.db

        plantrack ingest papers/ --db council.db --workers 2

        plantrack ingest --reprocess          # re-read everything after an upgrade
    """
    raise typer.Exit(_summarise(_ingest(paths, db, workers, timeout, reprocess, wait, log_file, "ingest"), json_out))


@app.command()
def run(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = None,
        timeout: TimeoutOpt = None, reprocess: ReprocessOpt = False,
        wait: WaitOpt = 600, log_file: LogOpt = None, json_out: JsonOpt = False) -> None:
    """The nightly job: ingest every new paper, reconcile each period against the previous one,
    refresh the analysts' views and search, and write `report.html` beside the database.

    Examples:

        plantrack run                         # data/raw → data/out/plantrack.db

        plantrack run ../shared/corpus/sample --db sample.db
    """
    outcomes = _ingest(paths, db, workers, timeout, reprocess, wait, log_file, "run")
    code = _summarise(outcomes, json_out)
    with _writing(db, wait):
        _after_ingest(db)
    raise typer.Exit(code)


def _after_ingest(db_path: Path) -> None:
    """Reconcile, refresh the analysts' views, write the report — unless nothing was loaded since
    they last ran (a no-op nightly rerun stays well under two seconds)."""
    database = store.connect(db_path)
    version = store.data_version(database)
    fresh = store.reconciled_version(database) == version and (db_path.parent / "report.html").exists()
    database.conn.close()
    if fresh:
        err.print("nothing new since the last run: reconciliation and report.html are up to date")
        return
    _reconcile(db_path)
    _prepare_for_analysts(db_path)
    _write_report(db_path)
    database = store.connect(db_path)
    store.mark_reconciled(database, version)
    database.conn.close()


def _prepare_for_analysts(db_path: Path) -> None:
    """Views (latest_actions, status_matrix) and full-text search kept current for sqlite3 and Datasette."""
    from .analyst import prepare

    database = store.connect(db_path)
    try:
        prepare(database.conn)
    except Exception as e:  # the data is loaded; only the analysts' conveniences are stale
        err.print(f"[yellow]warning:[/yellow] analyst views not refreshed: {type(e).__name__}: {e}")
    finally:
        database.conn.close()


def _write_report(db_path: Path) -> None:
    """The people's report beside the database; a failure here must not fail the night's data."""
    from .reports import write_default_report

    try:
        err.print(f"report: {write_default_report(db_path)}")
    except Exception as e:  # the data is safe in the database; say why the page is missing
        err.print(f"[yellow]warning:[/yellow] report.html not written: {type(e).__name__}: {e}")


@app.command()
def extract(paths: PathsArg = None, out: Annotated[Path, typer.Option("--out", help="Folder for the JSON records.")] = DEFAULT_DB.parent / "extracted",
            workers: WorkersOpt = None, timeout: TimeoutOpt = None,
            reprocess: ReprocessOpt = False, json_out: JsonOpt = False) -> None:
    """Stage 1 alone: read PDFs into JSON records (`<sha256>.v<N>.json`), without touching a database.

    Example:

        plantrack extract data/raw --out data/out/extracted
    """
    cfg = _settings()
    workers = workers or cfg["ingest.workers"] or os.cpu_count() or 1
    timeout = timeout or cfg["ingest.timeout"]
    files = _files(paths)
    pairs = [(f, stages.sha256_of(f)) for f in files]
    outcomes = []
    with _progress(len(files)) as bar:
        task = bar.add_task("reading", total=len(files))
        for path, ex, seconds in stages.extract_isolated(pairs, out, workers=workers, timeout=timeout,
                                                         memory_mb=cfg["ingest.memory_mb"], reprocess=reprocess):
            if ex.status == "failed":  # failures are records too, so `load` can report them
                stages.write_cache(out, path, ex)
            from .statuswords import settle_extraction
            settle_extraction(ex, cfg["statuses"])  # for the summary only: the record stays as extracted
            outcomes.append(stages.Outcome(path, ex, "failed" if ex.status == "failed" else "new", seconds))
            bar.advance(task)
    raise typer.Exit(_summarise(outcomes, json_out))


@app.command()
def load(db: DbOpt = DEFAULT_DB, source: Annotated[Path | None, typer.Option("--from", help="Folder of JSON records. Default: `extracted/` beside the database.")] = None,
         wait: WaitOpt = 600, json_out: JsonOpt = False) -> None:
    """Stage 2 alone: load the JSON records of `plantrack extract` into the database.

    Example:

        plantrack load --db data/out/plantrack.db
    """
    with _writing(db, wait):
        database = store.connect(db)
        outcomes = stages.load_cached(database, source or db.parent / "extracted", _settings()["statuses"])
        database.conn.close()
    raise typer.Exit(_summarise(outcomes, json_out))


def _scale(text: str | None) -> dict[str, int] | None:
    """'red=1,amber=2,green=3,blue=4,grey=5' → a scale; a partial one changes only what it names."""
    if not text:
        return None
    scale = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        if name.strip().lower() not in ("red", "amber", "green", "blue", "grey") or not value.strip().lstrip("-").isdigit():
            err.print(f"[red]error:[/red] --scale wants status=number pairs such as red=1,grey=5; got {part!r}")
            raise typer.Exit(2)
        scale[name.strip().lower()] = int(value)
    return scale


def _reconcile(db_path: Path, config: Path | None = None, tolerance: float | None = None,
               scale: str | None = None) -> dict:
    from .reconcile import load_settings, reconcile as rebuild

    try:
        settings = load_settings(config, tolerance=tolerance, scale=_scale(scale))
    except (OSError, ValueError) as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    database = store.connect(db_path)
    counts = rebuild(database.conn, settings)
    database.conn.close()
    kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts["kinds"].items())) or "none"
    err.print(f"reconciled: {counts['action_history']} action(s) compared with the previous report; "
              f"findings: {kinds}")
    return counts


@app.command()
def reconcile(db: DbOpt = DEFAULT_DB,
              config: Annotated[Path | None, typer.Option("--config", help="A plantrack.toml with a [reconcile] table. Default: ./plantrack.toml if present.")] = None,
              tolerance: Annotated[float | None, typer.Option("--tolerance", help="How far a printed score may be from the computed one (default 0.05).")] = None,
              scale: Annotated[str | None, typer.Option("--scale", help="Score of each status for checking priority scores, e.g. 'red=1,amber=2,green=3,blue=4,grey=5' (the default).")] = None,
              wait: WaitOpt = 600) -> None:
    """Stage 3 alone: rebuild `action_history` and `findings` from what is stored.

    Example:

        plantrack reconcile --db data/out/plantrack.db --tolerance 0.1

        plantrack reconcile --scale grey=4          # a council that scores grey like blue

    Settings may also live in plantrack.toml: a [reconcile] table with `tolerance`, and a
    [reconcile.scale] table; the command line wins.
    """
    with _writing(db, wait):
        _reconcile(db, config, tolerance, scale)


@app.command()
def inspect(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="One PDF.")],
            db: Annotated[Path, typer.Option("--db", help="For minutes: the database whose reports the reasons are linked against (read only; skipped when it does not exist).")] = DEFAULT_DB,
            json_out: JsonOpt = False) -> None:
    """Show what extraction yields for one file, with page numbers, without writing anything.

    For minutes it also shows which action of the discussed report each Amber reason links to.

    Examples:

        plantrack inspect data/raw/SDP_progress_update_November_2019.pdf

        plantrack inspect minutes.pdf --db data/out/plantrack.db --json
    """
    ex = extract_document(file)
    links = _preview_links(db, ex) if ex.meetings and db.exists() else {}
    if json_out:
        data = ex.to_dict()
        for m, meeting in zip(data["meetings"], ex.meetings):
            for reason, (report, (action, score)) in zip(m["amber_reasons"], links.get(id(meeting), [])):
                reason["link"] = {"report_period": report["period"] if report else None,
                                  "ref": action["ref"] if action else None, "match_score": score}
        print(json.dumps(data, ensure_ascii=False, indent=1))
    _show(ex, links)
    raise typer.Exit(1 if ex.status == "failed" else 0)


def _preview_links(db_path: Path, ex) -> dict:
    from .linking_store import preview_links

    database = store.connect(db_path)
    try:
        return {id(m): list(zip(*preview_links(database, m))) for m in ex.meetings}
    finally:
        database.conn.close()


def _show(ex, links: dict | None = None) -> None:
    err.print(f"[bold]{ex.filename}[/bold]: {ex.kind or '-'}, {ex.status}, {ex.pages or '?'} page(s)"
              + (f" — [red]{ex.error}[/red]" if ex.error else ""))
    for r in ex.reports:
        err.print(f"\n[bold]report[/bold] p{r.first_page}-{r.last_page}: {r.plan!r}, period {r.period}, as at {r.as_at}, "
                  f"overall {r.overall_previous_score} → {r.overall_current_score}")
        err.print(f"key: {r.legend or 'none found (built-in colours used)'}")
        for w in r.warnings:
            err.print(f"[yellow]warning:[/yellow] {w}")
        t = Table("no.", "priority", "previous", "current")
        for p in r.priorities:
            t.add_row(str(p.number), p.title, str(p.previous_score), str(p.current_score))
        err.print(t)
        t = Table("page", "P", "ref", "action", "lead", "timescale", "due", "rag")
        for a in r.actions:
            t.add_row(str(a.page), str(a.priority_number or ""), " ".join(filter(None, [a.ref, a.ofsted_ref])),
                      a.text[:70], (a.lead or "")[:30], a.timescale or "", a.due_date or "", a.rag or "?")
        err.print(t)
    for m in ex.meetings:
        err.print(f"\n[bold]minutes[/bold] p{m.first_page}-{m.last_page}: {m.committee!r}, {m.meeting_date}")
        for item in m.agenda_items:
            err.print(f"  item {item.number}: {item.title}" + (f"  [dim]RESOLVED: {item.resolution[:80]}[/dim]" if item.resolution else ""))
        t = Table("#", "page", "action (as minuted)", "reason", "new rag", "target", "links to")
        found = (links or {}).get(id(m), [])
        for i, a in enumerate(m.amber_reasons):
            report, (action, score) = found[i] if i < len(found) else (None, (None, None))
            link = (f"{report['period']} {action['ref'] or '(no ref)'} ({score:.0f})" if action else
                    ("no match" if report else "no report in the database")) if found else ""
            t.add_row(str(a.position), str(a.page or ""), a.action_text[:60], a.effective_reason[:60],
                      a.new_rag or "", a.target_date or "", link)
        err.print(t)


@app.command()
def status(db: DbOpt = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs to list.")] = 10,
           json_out: JsonOpt = False) -> None:
    """The last runs, and every file that could not be read with the reason.

    Example:

        plantrack status --db data/out/plantrack.db
    """
    if not db.exists():
        err.print(f"[red]error:[/red] no database at {db} yet: run `plantrack run` first")
        raise typer.Exit(2)
    database = store.connect(db)
    last, failed = runs.last_runs(database, limit)
    database.conn.close()
    if json_out:
        print(json.dumps({"runs": last, "failed_files": failed}, indent=1))
    t = Table("run", "started", "finished", "status", "seen", "new", "failed", title="runs", title_justify="left")
    for r in last:
        t.add_row(str(r["id"]), r["started_at"] or "", r["finished_at"] or "", r["status"] or "",
                  str(r["files_seen"]), str(r["files_new"]), str(r["files_failed"]))
    err.print(t)
    t = Table("file", "error", "path", title="files that could not be read", title_justify="left")
    for f in failed:
        t.add_row(f["filename"] or "", f["error"] or "", f["path"] or "")
    err.print(t if failed else "no file has failed.")


@app.command("settings")
def show_settings(config: Annotated[Path | None, typer.Option("--config", help="A plantrack.toml to read. Default: ./plantrack.toml if present.")] = None,
                  json_out: JsonOpt = False) -> None:
    """Every setting, its value here (defaults ← plantrack.toml ← PLANTRACK_* environment) and what it does.

    Example:

        plantrack settings --config /srv/plantrack/plantrack.toml
    """
    from ..settings import SETTINGS, SettingsError, load

    try:
        cfg = load(config)
    except SettingsError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if json_out:
        print(json.dumps({s.name: cfg[s.name] for s in SETTINGS}, indent=1, default=str))
        return
    err.print(f"settings from {cfg.source or 'the defaults'}", markup=False, soft_wrap=True)
    for s in SETTINGS:
        print(f"{s.name}\t{json.dumps(cfg[s.name], ensure_ascii=False)}\t{s.env}\t{s.help}")


ReadDbOpt = Annotated[Path, typer.Option("--db", help="The SQLite database to read.")]
ReportFormatOpt = Annotated[str, typer.Option("--format", "-f", help="`html` (one self-contained file) or `md` (Markdown, for email).")]


def _open_existing(db: Path):
    """A plain connection for reading: the report and the export never create or change a database."""
    import sqlite3

    if not db.exists():
        err.print(f"[red]error:[/red] no database at {db} yet: run `plantrack run` first", soft_wrap=True)
        raise typer.Exit(2)
    return sqlite3.connect(db, timeout=store.BUSY_TIMEOUT_S)


@app.command()
def report(db: ReadDbOpt = DEFAULT_DB,
           plan: Annotated[str | None, typer.Option("--plan", help="Only the plans this names (case, punctuation and spacing ignored; part of the name will do).")] = None,
           period: Annotated[str | None, typer.Option("--period", help="YYYY-MM: the changes and findings of that month; charts stop there.")] = None,
           fmt: ReportFormatOpt = "html",
           out: Annotated[Path | None, typer.Option("--output", "-o", help="File to write. Default: stdout.")] = None) -> None:
    """A report people read: per plan, status and score charts, what changed, and the findings.

    Examples:

        plantrack report -o report.html                       # every plan, self-contained HTML

        plantrack report --plan "service development" --period 2019-11 --format md
    """
    from rich.markup import escape

    from .reports import build_report

    if fmt not in ("html", "md"):
        err.print(f"[red]error:[/red] --format must be html or md, not {fmt!r}", soft_wrap=True)
        raise typer.Exit(2)
    conn = _open_existing(db)
    try:
        text = build_report(conn, plan=plan, period=period, fmt=fmt)
    except ValueError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        conn.close()
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err.print(f"report written to {out}")


@app.command()
def export(db: ReadDbOpt = DEFAULT_DB,
           fmt: Annotated[str, typer.Option("--format", "-f", help="`csv` (a file per table), `xlsx` (one workbook) or `parquet` (a file per table).")] = ...,
           out: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the files into (created if need be).")] = ...) -> None:
    """Every table of the database as files for analysts.

    Examples:

        plantrack export --format csv -o exports/

        plantrack export --db council.db --format xlsx -o exports/   # needs plantrack[xlsx]
    """
    from rich.markup import escape

    from .export import FORMATS, ExportError, export_tables

    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] --format must be one of {', '.join(FORMATS)}, not {fmt!r}", soft_wrap=True)
        raise typer.Exit(2)
    conn = _open_existing(db)
    try:
        files = export_tables(conn, fmt, out)
    except ExportError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        conn.close()
    err.print(f"{len(files)} file(s) written to {out}")


@app.command()
def serve(db: ReadDbOpt = DEFAULT_DB,
          port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on.")] = 8001,
          host: Annotated[str, typer.Option("--host", help="Address to listen on; 127.0.0.1 keeps it to this machine.")] = "127.0.0.1") -> None:
    """Open the database in Datasette, read-only: search, canned questions and a data dictionary.

    Example:

        plantrack serve                       # then open http://127.0.0.1:8001
    """
    from .analyst import DatasetteMissing, serve as serve_datasette

    _open_existing(db).close()  # the message and exit status 2 when there is no database yet
    try:
        serve_datasette(db, host=host, port=port)
    except DatasetteMissing:
        typer.echo("serve needs Datasette: pip install 'plantrack[serve]'", err=True)
        raise typer.Exit(2) from None


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
