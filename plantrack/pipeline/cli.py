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

from plantrack.extract.document import extract_document
from plantrack.pipeline.stages import ingest as stages
from plantrack.pipeline.stages import runs, store

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
AuthorityOpt = Annotated[str | None, typer.Option("--authority", help="The council that published these files (stored as documents.authority; papers of different councils never share a series). Default: the `[authorities]` folders in plantrack.toml, else as stored.", show_default=False)]
FetchOpt = Annotated[bool, typer.Option("--fetch", help="First bring new papers from the council sites of plantrack.toml's [[fetch]] entries into the first folder given (default data/raw), e.g. `plantrack run --fetch`.")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Read the documents on a Dask cluster: its scheduler's address, e.g. tcp://HOST:8786 (needs plantrack[dask] here and on the workers). Default: `dask.scheduler`, else this machine.", show_default=False)]


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
    if as_json:
        print(json.dumps([{"path": str(o.path), "outcome": o.outcome, "document_id": o.document_id,
                           "kind": o.extraction.kind if o.extraction else None,
                           "error": o.error, "seconds": round(o.seconds, 3)} for o in outcomes], indent=1))
    return 1 if counts["failed"] else 0


def _settings(config: Path | None = None, **flags):
    """The resolved settings (plantrack.settings), or exit 2 with the one line saying what is wrong."""
    from plantrack.settings import SettingsError, load

    try:
        return load(config, **flags)
    except SettingsError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _cluster(scheduler: str | None) -> None:
    """With a scheduler: exit 2 with one line now, before any run is recorded, if it cannot be used."""
    if not scheduler:
        return
    from plantrack.pipeline.stages.cluster import ClusterUnavailable, connect

    try:
        client = connect(scheduler)
    except ClusterUnavailable as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    err.print(f"reading on the Dask cluster at {scheduler} ({len(client.nthreads())} worker(s) now)", markup=False)
    client.close()


def _ingest(paths, db_path, workers, timeout, reprocess, wait, log_file, command,
            authority: str | None = None, fetched: bool = False, scheduler: str | None = None) -> list[stages.Outcome]:
    from plantrack.pipeline.sources.authority import fetched as by_site, for_command

    cfg = _settings(dask_scheduler=scheduler)
    _cluster(cfg["dask.scheduler"])
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
                                     authority=(by_site(db_path, for_command(None, cfg["authorities"]))
                                                if fetched and authority is None
                                                else for_command(authority, cfg["authorities"])),
                                     scheduler=cfg["dask.scheduler"])
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
           wait: WaitOpt = 600, log_file: LogOpt = None, json_out: JsonOpt = False,
           authority: AuthorityOpt = None, scheduler: SchedulerOpt = None) -> None:
    """Extract and load: new or changed PDFs into the database (extract + load).

    Examples:

        plantrack ingest                      # data/raw → data/out/plantrack.db

        plantrack ingest papers/ --db council.db --workers 2

        plantrack ingest --reprocess          # re-read everything after an upgrade

        plantrack ingest papers/kent --authority "Kent County Council"

        plantrack ingest archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    raise typer.Exit(_summarise(_ingest(paths, db, workers, timeout, reprocess, wait, log_file, "ingest", authority,
                                        scheduler=scheduler), json_out))


@app.command()
def run(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = None,
        timeout: TimeoutOpt = None, reprocess: ReprocessOpt = False,
        wait: WaitOpt = 600, log_file: LogOpt = None, json_out: JsonOpt = False,
        authority: AuthorityOpt = None, fetch_first: FetchOpt = False, scheduler: SchedulerOpt = None) -> None:
    """The nightly job: ingest every new paper, reconcile each period against the previous one,
    refresh the analysts' views and search, and write `report.html` beside the database.

    Examples:

        plantrack run                         # data/raw → data/out/plantrack.db

        plantrack run ../shared/corpus/sample --db sample.db

        plantrack run papers/kent --authority "Kent County Council"

        plantrack run --fetch                 # new papers from the [[fetch]] sites first

        plantrack run archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    fetched = 0
    if fetch_first:  # the papers land under the folder the run reads, so they are ingested below
        into = paths[0] if paths and paths[0].is_dir() else DEFAULT_RAW
        fetched = _fetch(_fetch_jobs(None, None, None, None), into, db, wait, False)
    outcomes = _ingest(paths, db, workers, timeout, reprocess, wait, log_file, "run", authority,
                       fetched=fetch_first, scheduler=scheduler)
    code = max(fetched, _summarise(outcomes, json_out))
    with _writing(db, wait):
        _after_ingest(db)
    raise typer.Exit(code)


@app.command()
def fetch(site: Annotated[str | None, typer.Argument(help="The council's ModernGov site, e.g. https://democracy.example.gov.uk. Default: every [[fetch]] entry of plantrack.toml.", show_default=False)] = None,
          committee: Annotated[list[str] | None, typer.Option("--committee", "-c", help="A committee's title (any case) or id; repeat for several, e.g. `--committee Cabinet --committee 144`.", show_default=False)] = None,
          since: Annotated[str | None, typer.Option("--since", help="The first meeting date, e.g. `--since 2024-04-01`. Default: a year ago.", show_default=False)] = None,
          until: Annotated[str | None, typer.Option("--until", help="The last meeting date, e.g. `--until 2025-03-31`. Default: a month from today.", show_default=False)] = None,
          into: Annotated[Path, typer.Option("--into", help="The folder papers are saved under, as `<site>/<committee>/<YYYY-MM-DD>/<title>.pdf`, e.g. `--into data/raw`.")] = DEFAULT_RAW,
          db: DbOpt = DEFAULT_DB, wait: WaitOpt = 600, json_out: JsonOpt = False) -> None:
    """Bring new public papers (and minutes published as text) from a council's ModernGov site.

    Politely: one request at a time, `fetch.delay` seconds apart, conditional requests, nothing held
    asked for twice; restricted papers and cancelled meetings are left alone. Run `plantrack ingest`
    (or use `plantrack run --fetch`) to read what was fetched.

    Examples:

        plantrack fetch https://democracy.example.gov.uk --committee "Children's Services Committee" --since 2024-01-01

        plantrack fetch                       # every [[fetch]] entry of plantrack.toml
    """
    raise typer.Exit(_fetch(_fetch_jobs(site, committee, since, until), into, db, wait, json_out))


def _fetch_jobs(site, committees, since, until) -> list:
    """The sites to fetch: the one named on the command line, or plantrack.toml's [[fetch]] entries."""
    from plantrack.pipeline.sources.fetch import Job, parse_day

    try:
        if site is None:
            entries = _settings()["fetch"]
            if not entries:
                raise ValueError("no site given and plantrack.toml has no [[fetch]] entries "
                                 "(see `plantrack fetch --help`)")
            return [Job.from_entry(e) for e in entries]
        if not committees:
            raise ValueError("--committee is needed: a committee's title or id, e.g. --committee Cabinet")
        return [Job(site, tuple(committees), parse_day(since, "--since"), parse_day(until, "--until"))]
    except ValueError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _fetch(jobs: list, into: Path, db_path: Path, wait: float, json_out: bool) -> int:
    """Fetch every job, print a line per meeting and a summary per site; 1 when anything failed."""
    from plantrack.pipeline.sources.fetch import as_json, describe, fetch_all

    cfg = _settings()
    if not cfg["fetch.contact"]:
        err.print("note: set fetch.contact (an e-mail address) so councils can reach whoever is fetching",
                  markup=False, soft_wrap=True)
    status = err.status("fetching…") if err.is_terminal else contextlib.nullcontext()
    with _writing(db_path, wait), status:
        database = store.connect(db_path)
        try:
            summaries = fetch_all(jobs, into, database.conn, contact=cfg["fetch.contact"], delay=cfg["fetch.delay"],
                                  say=lambda line: err.print(line, markup=False, soft_wrap=True))
        finally:
            database.conn.close()
    for summary in summaries:
        for line in describe(summary):
            err.print(line, markup=False, soft_wrap=True)
    if json_out:
        print(json.dumps(as_json(summaries), ensure_ascii=False, indent=1))
    return 1 if any(s.failed for s in summaries) else 0


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
    from plantrack.pipeline.outputs.analyst import prepare

    database = store.connect(db_path)
    try:
        prepare(database.conn)
    except Exception as e:  # the data is loaded; only the analysts' conveniences are stale
        err.print(f"[yellow]warning:[/yellow] analyst views not refreshed: {type(e).__name__}: {e}")
    finally:
        database.conn.close()


def _write_report(db_path: Path) -> None:
    """The people's report beside the database; a failure here must not fail the night's data."""
    from plantrack.pipeline.outputs.digest import write_default_report

    try:
        err.print(f"report: {write_default_report(db_path)}")
    except Exception as e:  # the data is safe in the database; say why the page is missing
        err.print(f"[yellow]warning:[/yellow] report.html not written: {type(e).__name__}: {e}")


@app.command()
def extract(paths: PathsArg = None, out: Annotated[Path, typer.Option("--out", help="Folder for the JSON records.")] = DEFAULT_DB.parent / "extracted",
            workers: WorkersOpt = None, timeout: TimeoutOpt = None,
            reprocess: ReprocessOpt = False, json_out: JsonOpt = False, authority: AuthorityOpt = None,
            scheduler: SchedulerOpt = None) -> None:
    """Stage 1 alone: read PDFs into JSON records (`<sha256>.v<N>.json`), without touching a database.
    The authority (`--authority`, or the `[authorities]` folders) is kept in `authorities.json` beside
    the records for `plantrack load`.

    Example:

        plantrack extract data/raw --out data/out/extracted

        plantrack extract archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    from plantrack.pipeline.sources import authority as authorities

    cfg = _settings(dask_scheduler=scheduler)
    _cluster(cfg["dask.scheduler"])
    workers = workers or cfg["ingest.workers"] or os.cpu_count() or 1
    timeout = timeout or cfg["ingest.timeout"]
    files = _files(paths)
    pairs = [(f, stages.sha256_of(f)) for f in files]
    author = authorities.resolver(authorities.for_command(authority, cfg["authorities"]), given=files)
    authorities.remember(out, {sha: name for f, sha in pairs if (name := author(f)) is not None})
    outcomes = []
    with _progress(len(files)) as bar:
        task = bar.add_task("reading", total=len(files))
        for path, ex, seconds in stages.executor(cfg["dask.scheduler"])(pairs, out, workers=workers, timeout=timeout,
                                                                        memory_mb=cfg["ingest.memory_mb"], reprocess=reprocess):
            if ex.status == "failed":  # failures are records too, so `load` can report them
                stages.write_cache(out, path, ex)
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
    from plantrack.pipeline.sources.authority import for_command

    cfg = _settings()
    with _writing(db, wait):
        database = store.connect(db)
        outcomes = stages.load_cached(database, source or db.parent / "extracted",
                                      authority=for_command(None, cfg["authorities"]))
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
    from plantrack.pipeline.reconcile.rebuild import load_settings, reconcile as rebuild

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
    from plantrack.pipeline.reconcile.linking_store import preview_links

    database = store.connect(db_path)
    try:
        known = store.known(database, ex.sha256)  # a stored file links within its own council
        within = {"authority": known["authority"]} if known else {}
        return {id(m): list(zip(*preview_links(database, m, **within))) for m in ex.meetings}
    finally:
        database.conn.close()


def _span(paper) -> str:
    """'p3-7' for a PDF's paper; a Word or HTML paper has no pages."""
    return f"p{paper.first_page}-{paper.last_page}" if paper.first_page is not None else "(no pages)"


def _show(ex, links: dict | None = None) -> None:
    size = f"{ex.pages or '?'} page(s)" if ex.format in (None, "pdf") else f"{ex.format} (no pages)"
    err.print(f"[bold]{ex.filename}[/bold]: {ex.kind or '-'}, {ex.status}, {size}"
              + (f" — [red]{ex.error}[/red]" if ex.error else ""))
    for r in ex.reports:
        err.print(f"\n[bold]report[/bold] {_span(r)}: {r.plan!r}, period {r.period}, as at {r.as_at}, "
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
            t.add_row(str(a.page or ""), str(a.priority_number or ""), " ".join(filter(None, [a.ref, a.ofsted_ref])),
                      a.text[:70], (a.lead or "")[:30], a.timescale or "", a.due_date or "", a.rag or "?")
        err.print(t)
    for m in ex.meetings:
        err.print(f"\n[bold]minutes[/bold] {_span(m)}: {m.committee!r}, {m.meeting_date}")
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
    from plantrack.pipeline.review.corrections import stale, stale_sentence
    lapsed = stale(database.conn)  # a clerk's correction whose action or reason is gone: said, never dropped
    database.conn.close()
    if json_out:
        print(json.dumps({"runs": last, "failed_files": failed, "stale_corrections": lapsed}, indent=1))
    t = Table("run", "started", "finished", "status", "seen", "new", "failed", title="runs", title_justify="left")
    for r in last:
        t.add_row(str(r["id"]), r["started_at"] or "", r["finished_at"] or "", r["status"] or "",
                  str(r["files_seen"]), str(r["files_new"]), str(r["files_failed"]))
    err.print(t)
    t = Table("file", "error", "path", title="files that could not be read", title_justify="left")
    for f in failed:
        t.add_row(f["filename"] or "", f["error"] or "", f["path"] or "")
    err.print(t if failed else "no file has failed.")
    if lapsed:
        err.print(f"[yellow]{stale_sentence(lapsed)}[/yellow]", soft_wrap=True)


@app.command("settings")
def show_settings(config: Annotated[Path | None, typer.Option("--config", help="A plantrack.toml to read. Default: ./plantrack.toml if present.")] = None,
                  json_out: JsonOpt = False) -> None:
    """Every setting, its value here (defaults ← plantrack.toml ← PLANTRACK_* environment) and what it does.

    Example:

        plantrack settings --config /srv/plantrack/plantrack.toml
    """
    from plantrack.settings import SETTINGS, SettingsError, load

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
        print(f"{s.name}\t{json.dumps(cfg[s.name], ensure_ascii=False, default=str)}\t{s.env}\t{s.help}")


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
           authority: Annotated[str | None, typer.Option("--authority", help="Only the plans of the councils this names (documents.authority; part of the name will do).")] = None,
           fmt: ReportFormatOpt = "html",
           out: Annotated[Path | None, typer.Option("--output", "-o", help="File to write. Default: stdout.")] = None) -> None:
    """A report people read: per plan, status and score charts, what changed, and the findings.

    Examples:

        plantrack report -o report.html                       # every plan, self-contained HTML

        plantrack report --plan "service development" --period 2019-11 --format md

        plantrack report --authority kent -o kent.html         # one council's plans
    """
    from rich.markup import escape

    from plantrack.pipeline.outputs.digest import build_report

    if fmt not in ("html", "md"):
        err.print(f"[red]error:[/red] --format must be html or md, not {fmt!r}", soft_wrap=True)
        raise typer.Exit(2)
    conn = _open_existing(db)
    try:
        text = build_report(conn, plan=plan, period=period, fmt=fmt, authority=authority)
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

    from plantrack.pipeline.outputs.export import FORMATS, ExportError, export_tables

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
    from plantrack.pipeline.outputs.analyst import DatasetteMissing, serve as serve_datasette

    _open_existing(db).close()  # the message and exit status 2 when there is no database yet
    try:
        serve_datasette(db, host=host, port=port)
    except DatasetteMissing:
        typer.echo("serve needs Datasette: pip install 'plantrack[serve]'", err=True)
        raise typer.Exit(2) from None


# ---- clerk corrections and the review queue (logic in corrections.py and review.py) -------------

def _read_only(db: Path):
    """A connection that cannot write: bad input is refused before anything touches the file."""
    import sqlite3

    if not db.exists():
        err.print(f"[red]error:[/red] no database at {db} yet: run `plantrack run` first", soft_wrap=True)
        raise typer.Exit(2)
    return sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True, timeout=store.BUSY_TIMEOUT_S)


def _refuse(e: Exception) -> None:
    from rich.markup import escape

    err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
    raise typer.Exit(2)


def _rebuild(db: Path) -> None:
    """A correction takes effect at once: findings, action history, views and report.html."""
    _reconcile(db)
    _prepare_for_analysts(db)
    _write_report(db)
    database = store.connect(db)
    store.mark_reconciled(database, store.data_version(database))
    database.conn.close()


@app.command()
def correct(plan: Annotated[str | None, typer.Option("--plan", help="The plan, named as in `report --plan` (case and punctuation ignored; part of the name or its initials, e.g. 'SDP 2019-20', if it names one plan).")] = None,
            period: Annotated[str | None, typer.Option("--period", help="YYYY-MM: the report's period.")] = None,
            ref: Annotated[str | None, typer.Option("--ref", help="The action's ref as the report prints it, e.g. 2.2.")] = None,
            meeting: Annotated[str | None, typer.Option("--meeting", help="YYYY-MM-DD: the date of the minutes holding the Amber reason.")] = None,
            position: Annotated[int | None, typer.Option("--position", min=1, help="The Amber reason's place in the minutes' list (1, 2, …).")] = None,
            sets: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE, repeatable. Action fields: rag, text, lead, timescale, due_date, progress, ref. Amber reason fields: action_ref (the ref of the action it justifies, or none), new_rag. 'none' clears a value.")] = None,
            note: Annotated[str | None, typer.Option("--note", help="Why: kept with the correction.")] = None,
            by: Annotated[str | None, typer.Option("--by", help="Who makes the correction. Default: the login name.")] = None,
            undo: Annotated[int | None, typer.Option("--undo", help="Withdraw correction ID (see `plantrack corrections`): the extracted value comes back.")] = None,
            db: DbOpt = DEFAULT_DB, wait: WaitOpt = 600) -> None:
    """Put right a value extraction got wrong; it is applied again after every load, so `ingest
    --reprocess` keeps it. Findings, action history and report.html are rebuilt at once.

    Examples:

        plantrack correct --plan "SDP 2019-20" --period 2019-11 --ref 2.2 --set rag=amber --note "cell misread" --by "J Mayer"

        plantrack correct --meeting 2019-12-12 --position 4 --set action_ref=2.3

        plantrack correct --undo 3
    """
    import getpass

    from plantrack.pipeline.review import corrections

    try:
        who = by or getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        who = "unknown"
    conn = _read_only(db)
    try:
        if undo is not None:
            if any(v is not None for v in (plan, period, ref, meeting, position, note)) or sets:
                raise corrections.CorrectionError("--undo ID withdraws a correction; give it alone (with --db, --by)")
            corrections.check_undo(conn, undo)
        else:
            request = corrections.Request(sets=list(sets or []), plan=plan, period=period, ref=ref, meeting=meeting,
                                          position=position, note=note, by=who)
            corrections.plan_request(conn, request)
    except corrections.CorrectionError as e:
        _refuse(e)
    finally:
        conn.close()
    with _writing(db, wait):
        database = store.connect(db)
        try:
            if undo is not None:
                row = corrections.undo(database, undo, who)
                err.print(f"withdrew correction {undo}: {corrections.what(row)} {row['field']} is "
                          f"{row['old_value'] or 'none'} again, as extracted", soft_wrap=True)
            else:
                ids = corrections.create(database, request)
                for c in corrections.listing(database.conn):
                    if c["id"] in ids:
                        err.print(f"correction {c['id']}: {c['what']} {c['field']} {c['old_value'] or 'none'} → "
                                  f"{c['new_value'] or 'none'} (by {c['by']})", soft_wrap=True)
        except corrections.CorrectionError as e:  # the database changed since the check
            _refuse(e)
        finally:
            database.conn.close()
        _rebuild(db)


@app.command("corrections")
def corrections_list(db: ReadDbOpt = DEFAULT_DB, json_out: Annotated[bool, typer.Option("--json", help="Print the corrections as JSON on stdout.")] = False) -> None:
    """Every clerk correction: what, field, the extracted value, the new value, note, who, when, and
    whether it still applies (withdrawn ones are listed too).

    Example:

        plantrack corrections --json
    """
    from plantrack.pipeline.review import corrections

    conn = _read_only(db)
    try:
        rows = corrections.listing(conn)
    finally:
        conn.close()
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    t = Table("id", "what", "field", "extracted", "new", "note", "by", "when", "state", title="corrections",
              title_justify="left")
    for c in rows:
        t.add_row(str(c["id"]), c["what"], c["field"], str(c["old_value"] or ""), str(c["new_value"] or "none"),
                  c["note"] or "", c["by"] or "", c["when"] or "", c["state"] + (f": {c['problem']}" if c["problem"] and c["state"] != "applies" else ""))
    err.print(t if rows else "no corrections yet.")


@app.command()
def review(db: ReadDbOpt = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", min=1, help="How many items to show in the table (--json gives all).")] = 50,
           json_out: Annotated[bool, typer.Option("--json", help="Print every item as JSON on stdout.")] = False) -> None:
    """What most deserves a human look, most doubtful first: statuses read from a colour far from
    every key colour, status words nobody knows, Amber reasons linked weakly or not at all, minutes
    without committee or date, priority scores that do not add up — each with file, page and value read.

    Example:

        plantrack review --limit 20
    """
    from plantrack.pipeline.review.queue import queue

    conn = _read_only(db)
    try:
        items = queue(conn)
    finally:
        conn.close()
    if json_out:
        print(json.dumps(items, ensure_ascii=False, indent=1))
    t = Table("doubt", "what", "file", "page", "value read", "why", title="review queue", title_justify="left")
    for i in items[:limit]:
        t.add_row(f"{i['doubt']:.2f}", i["what"], i["file"] or "", str(i["page"] or ""), str(i["value"] or ""), i["why"])
    err.print(t if items else "nothing to review.")
    if len(items) > limit:
        err.print(f"… and {len(items) - limit} more (--limit, or --json for all)")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
