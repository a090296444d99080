"""The `plantrack` command: a thin layer over extract / ingest / store / reconcile.

Progress, errors and summaries go to stderr; data goes to stdout only with --json.
Exit status: 0 every file read; 1 one or more files failed (the rest were still loaded); 2 usage.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..extract.document import extract_document
from . import ingest as stages
from . import store

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Turn council plan progress reports and committee minutes (PDF) into a SQLite "
                       "database, and reconcile each period against the previous one.\n\n"
                       "Typical use: `plantrack run` (reads `data/raw/`, writes `data/out/plantrack.db`).")
err = Console(stderr=True)

DEFAULT_RAW = Path("data/raw")
DEFAULT_DB = Path("data/out/plantrack.db")

PathsArg = Annotated[list[Path] | None, typer.Argument(help="PDF files or folders (searched recursively for *.pdf). Default: data/raw.", show_default=False)]
DbOpt = Annotated[Path, typer.Option("--db", help="The SQLite database to write.")]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", min=1, help="Documents read in parallel. Default: the number of cores.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="Seconds one document may take before it is recorded as failed.")]
ReprocessOpt = Annotated[bool, typer.Option("--reprocess", help="Read stored documents again (after an extractor upgrade), even if unchanged.")]
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
    failed = [o for o in outcomes if o.outcome == "failed"]
    table = Table(title="plantrack: files", title_justify="left", show_lines=False)
    for col in ("file", "outcome", "kind", "papers", "actions", "note"):
        table.add_column(col, overflow="fold")
    for o in outcomes:
        ex = o.extraction
        papers = f"{len(ex.reports)}R {len(ex.meetings)}M" if ex else ""
        actions = str(sum(len(r.actions) for r in ex.reports)) if ex else ""
        note = ex.error or "; ".join(w for p in (*ex.reports, *ex.meetings) for w in p.warnings) if ex else ""
        style = "red" if o.outcome == "failed" else ("green" if o.outcome == "new" else "dim")
        table.add_row(o.path.name, f"[{style}]{o.outcome}[/{style}]", (ex.kind or "") if ex else "", papers,
                      actions, note or "")
    err.print(table)
    new = sum(o.outcome == "new" for o in outcomes)
    missing = sum(o.outcome == "missing" for o in outcomes)
    err.print(f"{len(outcomes) - missing} file(s): {new} new, {len(outcomes) - new - len(failed) - missing} unchanged, "
              f"[{'red' if failed else 'green'}]{len(failed)} failed[/]")
    for o in failed:
        err.print(f"[red]failed:[/red] {o.path}: {o.error}")
    for o in outcomes:
        if o.outcome == "missing":
            err.print(f"[yellow]not found:[/yellow] {o.path} (stored earlier; kept as it was)")
    if as_json:
        print(json.dumps([{"path": str(o.path), "outcome": o.outcome, "document_id": o.document_id,
                           "kind": o.extraction.kind if o.extraction else None,
                           "error": o.error, "seconds": round(o.seconds, 3)} for o in outcomes], indent=1))
    return 1 if failed else 0


def _ingest(paths, db_path, workers, timeout, reprocess) -> list[stages.Outcome]:
    files = _files(paths)
    db = store.connect(db_path)
    with _progress(len(files)) as bar:
        task = bar.add_task("reading", total=len(files))
        outcomes = stages.ingest(files, db, db_path.parent / "extracted", workers=workers, timeout=timeout,
                                 reprocess=reprocess, progress=lambda o: bar.advance(task))
    db.conn.close()
    return outcomes


@app.command()
def ingest(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = os.cpu_count() or 1,
           timeout: TimeoutOpt = stages.DEFAULT_TIMEOUT_S, reprocess: ReprocessOpt = False,
           json_out: JsonOpt = False) -> None:
    """Extract and load: new or changed PDFs into the database (extract + load).

    Examples:

        plantrack ingest                      # data/raw → data/out/plantrack.db

        plantrack ingest papers/ --db council.db --workers 2

        plantrack ingest --reprocess          # re-read everything after an upgrade
    """
    raise typer.Exit(_summarise(_ingest(paths, db, workers, timeout, reprocess), json_out))


@app.command()
def run(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = os.cpu_count() or 1,
        timeout: TimeoutOpt = stages.DEFAULT_TIMEOUT_S, reprocess: ReprocessOpt = False,
        json_out: JsonOpt = False) -> None:
    """The nightly job: ingest every new paper, then reconcile each period against the previous one.

    Examples:

        plantrack run                         # data/raw → data/out/plantrack.db

        plantrack run ../shared/corpus/sample --db sample.db
    """
    outcomes = _ingest(paths, db, workers, timeout, reprocess)
    _reconcile(db)
    raise typer.Exit(_summarise(outcomes, json_out))


@app.command()
def extract(paths: PathsArg = None, out: Annotated[Path, typer.Option("--out", help="Folder for the JSON records.")] = DEFAULT_DB.parent / "extracted",
            workers: WorkersOpt = os.cpu_count() or 1, timeout: TimeoutOpt = stages.DEFAULT_TIMEOUT_S,
            reprocess: ReprocessOpt = False, json_out: JsonOpt = False) -> None:
    """Stage 1 alone: read PDFs into JSON records (`<sha256>.v<N>.json`), without touching a database.

    Example:

        plantrack extract data/raw --out data/out/extracted
    """
    files = _files(paths)
    pairs = [(f, stages.sha256_of(f)) for f in files]
    outcomes = []
    with _progress(len(files)) as bar:
        task = bar.add_task("reading", total=len(files))
        for path, ex, seconds in stages.extract_isolated(pairs, out, workers=workers, timeout=timeout,
                                                         reprocess=reprocess):
            if ex.status == "failed":  # failures are records too, so `load` can report them
                stages.write_cache(out, path, ex)
            outcomes.append(stages.Outcome(path, ex, "failed" if ex.status == "failed" else "new", seconds))
            bar.advance(task)
    raise typer.Exit(_summarise(outcomes, json_out))


@app.command()
def load(db: DbOpt = DEFAULT_DB, source: Annotated[Path | None, typer.Option("--from", help="Folder of JSON records. Default: `extracted/` beside the database.")] = None,
         json_out: JsonOpt = False) -> None:
    """Stage 2 alone: load the JSON records of `plantrack extract` into the database.

    Example:

        plantrack load --db data/out/plantrack.db
    """
    database = store.connect(db)
    outcomes = stages.load_cached(database, source or db.parent / "extracted")
    database.conn.close()
    raise typer.Exit(_summarise(outcomes, json_out))


def _reconcile(db_path: Path, config: Path | None = None, tolerance: float | None = None) -> dict:
    from .reconcile import load_settings, reconcile as rebuild

    settings = load_settings(config if config else (Path("plantrack.toml") if Path("plantrack.toml").exists() else None),
                             **({"tolerance": tolerance} if tolerance is not None else {}))
    database = store.connect(db_path)
    counts = rebuild(database.conn, settings)
    database.conn.close()
    err.print(f"reconciled: {counts}")
    return counts


@app.command()
def reconcile(db: DbOpt = DEFAULT_DB,
              config: Annotated[Path | None, typer.Option("--config", help="A plantrack.toml with a [reconcile] table. Default: ./plantrack.toml if present.")] = None,
              tolerance: Annotated[float | None, typer.Option("--tolerance", help="How far a printed score may be from the computed one (default 0.05).")] = None) -> None:
    """Stage 3 alone: rebuild `action_history` and `findings` from what is stored.

    Example:

        plantrack reconcile --db data/out/plantrack.db --tolerance 0.1
    """
    _reconcile(db, config, tolerance)


@app.command()
def inspect(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="One PDF.")],
            json_out: JsonOpt = False) -> None:
    """Show what extraction yields for one file, with page numbers, without writing anything.

    Example:

        plantrack inspect data/raw/SDP_progress_update_November_2019.pdf
    """
    ex = extract_document(file)
    if json_out:
        print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=1))
    _show(ex)
    raise typer.Exit(1 if ex.status == "failed" else 0)


def _show(ex) -> None:
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
        t = Table("#", "page", "action (as minuted)", "reason", "new rag", "target")
        for a in m.amber_reasons:
            t.add_row(str(a.position), str(a.page or ""), a.action_text[:60], a.effective_reason[:60],
                      a.new_rag or "", a.target_date or "")
        err.print(t)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
