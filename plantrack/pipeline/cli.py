"""The `plantrack` command: a thin layer over extract / ingest / store / reconcile.

Progress, errors and summaries go to stderr; data goes to stdout only with --json.
Exit status: 0 every file read; 1 one or more files failed (the rest were still loaded); 2 usage;
3 another run holds the database (after waiting --wait seconds); 4 the run itself failed (nothing or
only part was done: see the last line); 5 `serve` cannot listen on its port.
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantrack.models.status import ORDER
from plantrack.pipeline import output
from plantrack.pipeline.cli_values import fast_coercion
from plantrack.pipeline.sources import discovery

if TYPE_CHECKING:
    from plantrack.pipeline.stages import ingest as stages

# The store (sqlite-utils, which brings numpy), the stages and the extractors (pdfplumber, pdfminer,
# numpy) are imported inside the commands that use them, not here: every `plantrack` call, `--help`
# included, pays this module's imports, and a nightly no-op run is mostly start-up (tests/test_startup.py).

try:  # typer 0.29 and later carry their own copy of click: its exceptions are the ones raised
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older typer on the real click
    from click import exceptions as click_errors

err = output.console(stderr=True)


class _OneLineErrors(typer.core.TyperGroup):
    """Command-line mistakes (`--position 0`, `--undo abc`, `--port 70000`, an unknown option) said in
    one line on stderr, exit status 2, instead of click's usage box: under cron the box is six lines
    of log for one fact, and a clerk reads the one line. `--help` is still the full help."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError:  # `plantrack` alone: the help, as before
            return super().main(args, prog_name, complete_var, standalone_mode=True, **extra)
        except click_errors.ClickException as e:
            where = e.ctx.command_path if getattr(e, "ctx", None) else "plantrack"
            message = " ".join(e.format_message().split())
            output.say(err, f"error: {message} (see `{where} --help`)", "red")
            sys.exit(e.exit_code)
        except typer.Abort:
            output.say(err, "aborted", "red")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    # the plain options (and --help) coerced without pydantic: a fifth of a second of every command
    # (cli_values.py says why, and how it stays true to typer's own)
    def parse_args(self, ctx, args):
        fast_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            fast_coercion(command.get_params(ctx))
        return name, command, rest


app = typer.Typer(cls=_OneLineErrors, add_completion=False, no_args_is_help=True, rich_markup_mode="markdown",
                  help="Turn council plan progress reports and committee minutes (PDF, Word or web page) into a "
                       "SQLite database, and reconcile each period against the previous one.\n\n"
                       "Typical use: `plantrack run` (reads `data/raw/`, writes `data/out/plantrack.db`).")


def _version(shown: bool) -> None:
    if shown:
        from plantrack import __version__
        from plantrack.extract import EXTRACTOR_VERSION

        print(f"plantrack {__version__} (extractor version {EXTRACTOR_VERSION})")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print plantrack's version and exit.")] = False) -> None:
    pass


RUN_FAILED = 4  # the run itself failed, as against 1: it ran, and some files could not be read
PORT_BUSY = 5

MAX_TABLE_ROWS = 40  # beyond this a nightly log lists only the failures
DEFAULT_RAW = Path("data/raw")
DEFAULT_DB = Path("data/out/plantrack.db")

PathsArg = Annotated[list[Path] | None, typer.Argument(help="Files or folders: every file below a folder is read, except hidden ones and notes (.md .txt .json .tsv .log). Default: data/raw.", show_default=False)]
DbOpt = Annotated[Path, typer.Option("--db", help="The SQLite database to write.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="Documents read in parallel. Default: `ingest.workers`, else the number of cores.", show_default=False)]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", min=1, help="Seconds one document may take before it is recorded as failed. Default: `ingest.timeout` (120).", show_default=False)]
ReprocessOpt = Annotated[bool, typer.Option("--reprocess", metavar="", help="Read stored documents again (after an extractor upgrade), even if unchanged.")]
WaitOpt = Annotated[float, typer.Option("--wait", min=0, help="Seconds to wait for another run writing the same database before giving up with exit status 3.")]
LogOpt = Annotated[Path | None, typer.Option("--log-file", help="Append one JSON line per file (and per run start/end) to this file.")]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print the outcome of every file as JSON on stdout.")]
AuthorityOpt = Annotated[str | None, typer.Option("--authority", help="The council that published these files (stored as documents.authority; papers of different councils never share a series). Default: the `[authorities]` folders in plantrack.toml, else as stored.", show_default=False)]
FetchOpt = Annotated[bool, typer.Option("--fetch", metavar="", help="First bring new papers from the council sites of plantrack.toml ([[fetch.sites]] or [[fetch]] entries) into the first folder given (default data/raw), e.g. `plantrack run --fetch`; what the fetch could not bring is recorded in the run (`plantrack status`) and gives exit status 1.")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Read the documents on a Dask cluster: its scheduler's address, e.g. tcp://HOST:8786 (needs plantrack[dask] here and on the workers). Default: `dask.scheduler`, else this machine.", show_default=False)]


def _files(paths: list[Path] | None, exclude: list[Path] | None = None) -> discovery.Found:
    given = paths or [DEFAULT_RAW]
    try:
        found = discovery.discover(given, exclude or [])
    except FileNotFoundError as e:
        output.say(err, f"error: {e}", "red")
        raise typer.Exit(2) from None
    if not found.files and not found.problems:  # a share that failed to mount looks just like this
        skipped = f" ({found.notes} note file(s) and {found.hidden} hidden one(s) skipped)" if found.notes or found.hidden else ""
        output.say(err, f"error: no papers found under {', '.join(map(discovery.safe_text, given))}{skipped}: "
                        "is the folder (or the share it is on) there? — exit status 1", "red")
        raise typer.Exit(1)
    return found


def _problem_outcomes(found: discovery.Found) -> list[stages.Outcome]:
    """What discovery could not read, as outcomes the ledger records: an unreadable folder or file
    fails (it may hold papers), a FIFO, device or loop is skipped with its line."""
    from plantrack.pipeline.stages import ingest as stages
    return [stages.Outcome(p.path, stages.failed_extraction(p.path, "", p.error), "failed" if p.failed else "skipped")
            for p in found.problems]


def _progress(total: int):
    """A rich progress bar on stderr, shown only for more than one file."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=True, disable=total <= 1)
    return bar


def _summarise(outcomes: list[stages.Outcome], as_json: bool, found: discovery.Found | None = None,
               fetch_failed: list[tuple[str, str]] = ()) -> int:
    """The files that changed or failed as a table, then the failures one line each, then one last
    line of counts (naming the first thing the fetch could not bring, if any); exit status 1 when any
    file failed (this run or, unchanged since, an earlier one) or the fetch failed."""
    counts = Counter(o.outcome for o in outcomes)
    shown = [o for o in outcomes if o.outcome in ("new", "updated", "failed") and o.extraction]
    if len(shown) > MAX_TABLE_ROWS:
        shown = [o for o in shown if o.outcome == "failed"][:MAX_TABLE_ROWS]
    if shown:
        rows = []
        for o in shown:
            ex = o.extraction
            note = ex.error or "; ".join(w for p in (*ex.reports, *ex.meetings) for w in p.warnings)
            rows.append([o.path.name, o.outcome, ex.kind or "",
                         f"{len(ex.reports)} report(s), {len(ex.meetings)} minutes" if ex.status == "ok" else "",
                         str(sum(len(r.actions) for r in ex.reports)) if ex.reports else "", note])
        output.table(err, "plantrack: files read", ("file", "outcome", "kind", "papers", "actions", "note"), rows,
                     styles={1: "bold"})
    for o in outcomes:
        if o.outcome == "failed":
            again = f" (attempt {o.attempts}; the next run tries again)" if o.attempts else ""
            output.say(err, f"could not read {o.path}: {o.error}{again}", "red")
        elif o.outcome == "skipped":
            output.say(err, f"skipped {o.path}: {o.error}", "yellow")
        elif o.outcome == "missing":
            output.say(err, f"not found: {o.path} (stored earlier; kept as it was)", "yellow")
    from plantrack.pipeline.stages.statuswords import advice, unknown_in

    for line in advice(unknown_in(o.extraction for o in outcomes)):
        output.say(err, f"status word: {line}", "yellow")  # printed as text: "[statuses]" is no markup
    if as_json:
        print(json.dumps([{"path": discovery.safe_text(o.path), "outcome": o.outcome, "document_id": o.document_id,
                           "kind": o.extraction.kind if o.extraction else None,
                           "error": o.error, "seconds": round(o.seconds, 3)} for o in outcomes],
                         indent=1, ensure_ascii=False))
    seen = len(outcomes) - counts["missing"] - counts["skipped"]
    aside = ""
    if found is not None and (found.notes or found.hidden or counts["skipped"]):
        aside = (f"; not read: {found.notes} note/data file(s) (.md .txt .json .tsv .log), "
                 f"{found.hidden} hidden, {counts['skipped']} special file(s) or link(s)")
    last = (f"{seen} file(s): {counts['new']} new, {counts['updated']} read again, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed{aside}")
    if fetch_failed:
        more = f" and {len(fetch_failed) - 1} more" if len(fetch_failed) > 1 else ""
        output.say(err, f"{last} — exit status 1: the fetch failed: {fetch_failed[0][1]}{more} "
                        "(`plantrack status` lists them)", "red")
        return 1
    if counts["failed"]:
        output.say(err, f"{last} — exit status 1: {counts['failed']} file(s) could not be read "
                        "(listed above; `plantrack status` lists them too)", "red")
        return 1
    output.say(err, last, "green")
    return 0


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
            authority: str | None = None, fetched: bool = False, scheduler: str | None = None,
            fetch_failed: list[tuple[str, str]] = ()):
    """Read and load; returns (outcomes, what discovery found). The ledger is closed whatever happens:
    a run that fails midway is recorded as `error` with its one line and exits 4, never left `running`."""
    from plantrack import store
    from plantrack.pipeline.stages import ingest as stages
    from plantrack.pipeline.stages import runs
    from plantrack.pipeline.sources.authority import fetched as by_site, for_command
    from plantrack.pipeline.stages.paths import own_files
    from plantrack.pipeline.stages.resources import workers_for_memory

    cfg = _settings(dask_scheduler=scheduler, ingest_timeout=timeout)  # --timeout checked as the setting is
    _cluster(cfg["dask.scheduler"])
    # the default (one per core) is also capped by memory: workers × ingest.memory_mb ≤ what is free
    workers = workers or cfg["ingest.workers"] or workers_for_memory(os.cpu_count() or 1, cfg["ingest.memory_mb"])
    timeout = cfg["ingest.timeout"]

    found = _files(paths, own_files(db_path))  # a folder given may hold the database itself
    files = found.files
    with _writing(db_path, wait):
        ledger = None
        try:
            db = store.connect(db_path)
            with _log(log_file) as log, _progress(len(files)) as bar:
                ledger = runs.Ledger(db, command, log).start()
                task = bar.add_task("reading", total=len(files))

                def advance(o: stages.Outcome) -> None:
                    ledger.record(o)
                    bar.advance(task)
                problems = _problem_outcomes(found)
                for o in problems:
                    ledger.record(o)
                for where, line in fetch_failed:  # `run --fetch`: what the fetch could not bring
                    ledger.fetch_failure(where, line)
                outcomes = stages.ingest(files, db, db_path.parent / "extracted", workers=workers, timeout=timeout,
                                         memory_mb=cfg["ingest.memory_mb"], reprocess=reprocess, progress=advance,
                                         authority=(by_site(db_path, for_command(None, cfg["authorities"]))
                                                    if fetched and authority is None
                                                    else for_command(authority, cfg["authorities"])),
                                         scheduler=cfg["dask.scheduler"], statuses=cfg["statuses"])
                ledger.finish()
            db.conn.close()
        except typer.Exit:  # already said in one line, with its own status
            raise
        except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 - the run itself failed: say so in one line
            _run_failed(ledger, e)
    return [*problems, *outcomes], found


def _run_failed(ledger, e: BaseException):
    line = f"{type(e).__name__}: {e}".splitlines()[0] if str(e) else type(e).__name__
    if ledger is not None:
        with contextlib.suppress(Exception):
            ledger.abort(line)
    output.say(err, f"error: the run itself failed, nothing more was read: {line} — exit status {RUN_FAILED}", "red")
    raise typer.Exit(RUN_FAILED) from None


@contextlib.contextmanager
def _writing(db_path: Path, wait: float):
    """The database's write lock, or exit 3 with one line when another run holds it."""
    from plantrack.pipeline.stages import runs
    try:
        with runs.exclusive(db_path, wait):
            yield
    except runs.Busy as e:
        output.say(err, f"busy: {e}", "red")
        raise typer.Exit(3) from None
    except (OSError, sqlite3.Error) as e:  # a read-only or full folder, a damaged database: one line
        output.say(err, f"error: cannot write {db_path}: {getattr(e, 'strerror', None) or e} "
                        f"— exit status {RUN_FAILED}", "red")
        raise typer.Exit(RUN_FAILED) from None


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
    """Extract and load: new or changed papers (PDF, Word or web page) into the database (extract + load).

    Examples:

        plantrack ingest                      # data/raw → data/out/plantrack.db

        plantrack ingest papers/ --db council.db --workers 2

        plantrack ingest --reprocess          # re-read everything after an upgrade

        plantrack ingest papers/kent --authority "Kent County Council"

        plantrack ingest archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    outcomes, found = _ingest(paths, db, workers, timeout, reprocess, wait, log_file, "ingest", authority,
                              scheduler=scheduler)
    raise typer.Exit(_summarise(outcomes, json_out, found))


@app.command()
def run(paths: PathsArg = None, db: DbOpt = DEFAULT_DB, workers: WorkersOpt = None,
        timeout: TimeoutOpt = None, reprocess: ReprocessOpt = False,
        wait: WaitOpt = 600, log_file: LogOpt = None, json_out: JsonOpt = False,
        authority: AuthorityOpt = None, fetch_first: FetchOpt = False, scheduler: SchedulerOpt = None) -> None:
    """The nightly job: ingest every new paper, reconcile each period against the previous one,
    refresh the analysts' views and search, and write `report.html` beside the database
    (`<name>-report.html` for a database not named plantrack.db).

    Examples:

        plantrack run                         # data/raw → data/out/plantrack.db

        plantrack run ../shared/corpus/sample --db sample.db

        plantrack run papers/kent --authority "Kent County Council"

        plantrack run --fetch                 # new papers from the plantrack.toml sites first

        plantrack run archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    fetch_failed: list[tuple[str, str]] = []
    if fetch_first:  # the papers land under the folder the run reads, so they are ingested below
        into = paths[0] if paths and not paths[0].is_file() else DEFAULT_RAW
        with contextlib.suppress(OSError):  # the first night, with the site down: still a folder to read
            into.mkdir(parents=True, exist_ok=True)
        fetch_failed = _fetch(_fetch_jobs(None, None, None, None), into, db, wait, False)
    outcomes, found = _ingest(paths, db, workers, timeout, reprocess, wait, log_file, "run", authority,
                              fetched=fetch_first, scheduler=scheduler, fetch_failed=fetch_failed)
    with _writing(db, wait):
        try:
            _after_ingest(db)
        except typer.Exit:
            raise
        except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 - the files are loaded; reconciling failed
            _run_failed(None, e)
    # last, so its last line is the run's last line; a fetch that failed keeps the status at least 1
    raise typer.Exit(_summarise(outcomes, json_out, found, fetch_failed))


@app.command()
def fetch(site: Annotated[str | None, typer.Argument(help="The council's ModernGov site, e.g. https://democracy.example.gov.uk. Default: every site of plantrack.toml ([[fetch.sites]] or [[fetch]] entries).", show_default=False)] = None,
          committee: Annotated[list[str] | None, typer.Option("--committee", "-c", help="A committee's title (any case) or id; repeat for several, e.g. `--committee Cabinet --committee 144`. `--list` shows them.", show_default=False)] = None,
          since: Annotated[str | None, typer.Option("--since", help="The first meeting date, e.g. `--since 2024-04-01`. Default: a year ago.", show_default=False)] = None,
          until: Annotated[str | None, typer.Option("--until", help="The last meeting date, e.g. `--until 2025-03-31`. Default: a month from today. The minutes the next meeting's agenda carries are fetched too.", show_default=False)] = None,
          into: Annotated[Path, typer.Option("--into", help="The folder papers are saved under, as `<site host>/<committee>/<YYYY-MM-DD>/<title>.pdf`, e.g. `--into data/raw`.")] = DEFAULT_RAW,
          list_committees: Annotated[bool, typer.Option("--list", metavar="", help="Only list the site's committees (id, title, current), to pick --committee from: a table on a terminal, tab-separated when piped, JSON with --json.")] = False,
          db: DbOpt = DEFAULT_DB, wait: WaitOpt = 600, json_out: JsonOpt = False) -> None:
    """Bring new public papers (and minutes published as text) from a council's ModernGov site.

    Politely: one request at a time, `fetch.delay` seconds apart, conditional requests, nothing held
    asked for twice, nothing larger than `fetch.max_paper_mb` kept; restricted papers and cancelled
    meetings are left alone. What could not be fetched is recorded in the run ledger (`plantrack
    status`) and gives exit status 1. Run `plantrack ingest` (or use `plantrack run --fetch`) to read
    what was fetched.

    Examples:

        plantrack fetch https://democracy.example.gov.uk --list

        plantrack fetch https://democracy.example.gov.uk --committee "Children's Services Committee" --since 2024-01-01

        plantrack fetch                       # every site of plantrack.toml
    """
    if list_committees:
        raise typer.Exit(_list_committees(site, json_out))
    jobs = _fetch_jobs(site, committee, since, until)
    failed = _fetch(jobs, into, db, wait, json_out, ledger="fetch")
    raise typer.Exit(1 if failed else 0)


def _list_committees(site: str | None, json_out: bool) -> int:
    """`fetch SITE --list`: the site's committees, by the one output rule."""
    from plantrack.pipeline.sources.http import FetchError
    from plantrack.pipeline.sources.moderngov import ModernGovSite, check_site

    if site is None:
        output.say(err, "error: --list needs the site, e.g. plantrack fetch https://democracy.example.gov.uk --list",
                   "red")
        return 2
    try:
        check_site(site)
    except ValueError as e:
        output.say(err, f"error: {e}", "red")
        return 2
    cfg = _settings()
    with _client(cfg) as client:
        mg = ModernGovSite(site, client)
        try:
            committees = sorted(mg.committees(), key=lambda c: (c.gone, c.title.casefold()))
        except FetchError as e:
            output.say(err, f"error: {mg.base}: {e}", "red")
            return 1
    if json_out:
        print(json.dumps([{"id": c.id, "title": c.title, "current": not c.gone} for c in committees],
                         ensure_ascii=False, indent=1))
    else:
        output.table(output.console(stderr=False), f"committees of {mg.base}", ("id", "title", "current"),
                     [[c.id, c.title, "no" if c.gone else "yes"] for c in committees])
    output.say(err, f"{len(committees)} committee(s) on {mg.base}, via the {mg.route}")
    return 0


def _client(cfg):
    """The polite client with the fetch settings: contact, delay, deadline and size caps."""
    from plantrack.pipeline.sources.http import PoliteClient

    return PoliteClient(contact=cfg["fetch.contact"], delay=cfg["fetch.delay"], **_limits(cfg))


def _limits(cfg) -> dict:
    return {"deadline": cfg["fetch.deadline"], "max_paper": cfg["fetch.max_paper_mb"] * 2**20,
            "max_answer": cfg["fetch.max_answer_mb"] * 2**20}


def _fetch_jobs(site, committees, since, until) -> list:
    """The sites to fetch: the one named on the command line, or plantrack.toml's sites; exit 2 with
    one line for a site that is not a web site or dates the wrong way round."""
    from plantrack.pipeline.sources.fetch import Job, parse_day

    try:
        if site is None:
            cfg = _settings()
            entries = [*cfg["fetch.sites"], *cfg["fetch"]]
            if not entries:
                raise ValueError("no site given and plantrack.toml has no [[fetch.sites]] entries "
                                 "(see `plantrack fetch --help`)")
            return [Job.from_entry(e) for e in entries]
        if not committees:
            raise ValueError("--committee is needed: a committee's title or id, e.g. --committee Cabinet "
                             "(`--list` shows the site's committees)")
        return [Job(site, tuple(committees), parse_day(since, "--since"), parse_day(until, "--until"))]
    except ValueError as e:
        output.say(err, f"error: {e}", "red")
        raise typer.Exit(2) from None


def _fetch(jobs: list, into: Path, db_path: Path, wait: float, json_out: bool,
           ledger: str | None = None) -> list[tuple[str, str]]:
    """Fetch every job, print a line per meeting and a summary per site; returns what failed, as
    (address, line). With `ledger`, the fetch is a run of its own in the run ledger (`plantrack fetch`);
    `run --fetch` records the failures in its own run instead."""
    from plantrack import store
    from plantrack.pipeline.stages import runs
    from plantrack.pipeline.sources.fetch import as_json, describe, fetch_all

    cfg = _settings()
    if not cfg["fetch.contact"] and any(not j.contact for j in jobs):
        output.say(err, "note: set fetch.contact (an e-mail address) so councils can reach whoever is fetching")
    status = err.status("fetching…") if err.is_terminal else contextlib.nullcontext()
    with _writing(db_path, wait), status:
        database = store.connect(db_path)
        try:
            summaries = fetch_all(jobs, into, database.conn, contact=cfg["fetch.contact"], delay=cfg["fetch.delay"],
                                  say=lambda line: output.say(err, line), **_limits(cfg))
            failures = [f for s in summaries for f in s.failures()]
            if ledger:
                record = runs.Ledger(database, ledger).start()
                for where, line in failures:
                    record.fetch_failure(where, line)
                record.finish()
        finally:
            database.conn.close()
    for summary in summaries:
        for line in describe(summary):
            output.say(err, line, "red" if line.startswith("failed:") else None)
    if json_out:
        print(json.dumps(as_json(summaries), ensure_ascii=False, indent=1))
    return failures


def _after_ingest(db_path: Path) -> None:
    """Reconcile, refresh the analysts' views, write the report — unless nothing was loaded since
    they last ran (a no-op nightly rerun stays well under two seconds)."""
    from plantrack import store
    database = store.connect(db_path)
    version = store.data_version(database)
    from plantrack.pipeline.stages.paths import report_path

    fresh = store.reconciled_version(database) == version and report_path(db_path).exists()
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
    from plantrack import store
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
    """Stage 1 alone: read papers (PDF, Word or web page) into JSON records (`<sha256>.v<N>.json`), without touching a database.
    The authority (`--authority`, or the `[authorities]` folders) is kept in `authorities.json` beside
    the records for `plantrack load`.

    Example:

        plantrack extract data/raw --out data/out/extracted

        plantrack extract archive/ --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    from plantrack.pipeline.stages import ingest as stages
    from plantrack.pipeline.stages import reading
    from plantrack.pipeline.stages.executors import executor
    from plantrack.pipeline.sources import authority as authorities

    cfg = _settings(dask_scheduler=scheduler, ingest_timeout=timeout)
    _cluster(cfg["dask.scheduler"])
    workers = workers or cfg["ingest.workers"] or os.cpu_count() or 1
    timeout = cfg["ingest.timeout"]
    found = _files(paths, [out])
    files = found.files
    outcomes, pairs = _problem_outcomes(found), []
    for f in files:
        try:
            pairs.append((f, stages.sha256_of(f)))
        except OSError as e:  # unreadable: recorded, the others are read
            from plantrack.pipeline.failures import os_error_line
            outcomes.append(stages.Outcome(f, stages.failed_extraction(f, "", os_error_line(e)), "failed"))
    author = authorities.resolver(authorities.for_command(authority, cfg["authorities"]), given=files)
    authorities.remember(out, {sha: name for f, sha in pairs if (name := author(f)) is not None})
    with _progress(len(files)) as bar:
        task = bar.add_task("reading", total=len(files))
        for path, ex, seconds in executor(cfg["dask.scheduler"])(pairs, out, workers=workers, timeout=timeout,
                                                                 memory_mb=cfg["ingest.memory_mb"], reprocess=reprocess):
            from plantrack.pipeline.failures import kind_of, transient
            # failures are records too, so `load` can report them; a passing one is not kept, so the
            # next extract or ingest reads the file again
            if ex.status == "failed" and not transient(kind_of(ex.error)):
                reading.write_cache(out, path, ex)
            from plantrack.pipeline.stages.statuswords import settle_extraction
            settle_extraction(ex, cfg["statuses"])  # for the summary only: the record stays as extracted
            outcomes.append(stages.Outcome(path, ex, "failed" if ex.status == "failed" else "new", seconds))
            bar.advance(task)
    raise typer.Exit(_summarise(outcomes, json_out, found))


@app.command()
def load(db: DbOpt = DEFAULT_DB, source: Annotated[Path | None, typer.Option("--from", help="Folder of JSON records. Default: `extracted/` beside the database.")] = None,
         wait: WaitOpt = 600, json_out: JsonOpt = False) -> None:
    """Stage 2 alone: load the JSON records of `plantrack extract` into the database.

    Example:

        plantrack load --db data/out/plantrack.db
    """
    from plantrack import store
    from plantrack.pipeline.stages import ingest as stages
    from plantrack.pipeline.sources.authority import for_command

    cfg = _settings()
    with _writing(db, wait):
        database = store.connect(db)
        outcomes = stages.load_cached(database, source or db.parent / "extracted",
                                      authority=for_command(None, cfg["authorities"]), statuses=cfg["statuses"])
        database.conn.close()
    raise typer.Exit(_summarise(outcomes, json_out))


def _scale(text: str | None) -> dict[str, int] | None:
    """'red=1,amber=2,green=3,blue=4,grey=5' → a scale; a partial one changes only what it names."""
    if not text:
        return None
    scale = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        if name.strip().lower() not in ORDER or not value.strip().lstrip("-").isdigit():
            err.print(f"[red]error:[/red] --scale wants status=number pairs such as red=1,grey=5; got {part!r}")
            raise typer.Exit(2)
        scale[name.strip().lower()] = int(value)
    return scale


def _finish_links(database) -> None:
    """Links a killed run stored the papers for but never made: made now, the corrections applied
    again over them (both already done, and so skipped, after any run that ended well)."""
    from plantrack.pipeline.reconcile.linking_store import links_pending, relink
    from plantrack.pipeline.review.corrections import apply_all

    if links_pending(database):
        relink(database)
        apply_all(database)


def _reconcile(db_path: Path, config: Path | None = None, tolerance: float | None = None,
               scale: str | None = None) -> dict:
    from plantrack import store
    from plantrack.pipeline.reconcile.rebuild import load_settings, reconcile as rebuild

    try:
        settings = load_settings(config, tolerance=tolerance, scale=_scale(scale))
    except (OSError, ValueError) as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None
    database = store.connect(db_path)
    try:
        _finish_links(database)
        counts = rebuild(database.conn, settings)
    finally:
        database.conn.close()
    from plantrack.pipeline.outputs.digest import KIND_TITLES  # the report's words for each kind, for the clerk

    kinds = "; ".join(f"{KIND_TITLES.get(k, k.replace('_', ' ')).lower()}: {n}"
                      for k, n in sorted(counts["kinds"].items())) or "none"
    output.say(err, f"reconciled: {counts['action_history']} action(s) compared with the previous report; "
                    f"to look at — {kinds}")
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
    from plantrack import store
    with _writing(db, wait):
        _reconcile(db, config, tolerance, scale)
        # the findings changed: bring the views and report.html up to date with them, so that the
        # next `run` is right to call them current
        database = store.connect(db)
        version = store.data_version(database)
        database.conn.close()
        _prepare_for_analysts(db)
        _write_report(db)
        database = store.connect(db)
        store.mark_reconciled(database, version)
        database.conn.close()


@app.command()
def inspect(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="One paper: a PDF, Word or web page file.")],
            db: Annotated[Path, typer.Option("--db", help="For minutes: the database to read, whose reports the reasons are linked against (skipped when it does not exist).")] = DEFAULT_DB,
            json_out: JsonOpt = False) -> None:
    """Show what extraction yields for one file, with page numbers, without writing anything.

    It says why the file is or is not minutes (the marks of minutes found, their score and the
    threshold). For minutes it also shows which action of the discussed report each Amber reason links to.

    Examples:

        plantrack inspect data/raw/Example_SDP_2019-20_progress_update_November_2019.pdf

        plantrack inspect minutes.pdf --db data/out/plantrack.db --json
    """
    from plantrack.extract.document import extract_document
    import stat as stat_

    if not stat_.S_ISREG(file.stat().st_mode):  # a FIFO or device would block or never end
        output.say(err, f"error: {file} is not a regular file", "red")
        raise typer.Exit(2)
    ex = extract_document(file)
    ex.filename = discovery.safe_text(ex.filename)
    links = _preview_links(db, ex) if ex.meetings and db.exists() else {}
    if json_out:
        data = ex.to_dict()
        for m, meeting in zip(data["meetings"], ex.meetings):
            for reason, (report, (action, score)) in zip(m["amber_reasons"], links.get(id(meeting), [])):
                reason["link"] = {"report_period": report["period"] if report else None,
                                  "ref": action["ref"] if action else None, "match_score": score}
        print(_json_printable(json.dumps(data, ensure_ascii=False, indent=1)))
        raise typer.Exit(1 if ex.status == "failed" else 0)
    _show(ex, links)
    raise typer.Exit(1 if ex.status == "failed" else 0)


def _json_printable(text: str) -> str:
    """JSON whose strings hold no raw control characters (json escapes them) nor C1 ones: safe on a
    terminal, still the same data."""
    return "".join(f"\\u{ord(ch):04x}" if 0x7f <= ord(ch) <= 0x9f else ch for ch in text)


def _preview_links(db_path: Path, ex) -> dict:
    from types import SimpleNamespace

    from plantrack.pipeline.reconcile.linking_store import preview_links

    conn = _open_existing(db_path)  # read only: inspect never writes, and works on a read-only copy
    try:
        row = conn.execute("SELECT authority FROM documents WHERE sha256 = ?", (ex.sha256,)).fetchone()
        within = {"authority": row[0]} if row else {}  # a stored file links within its own council
        return {id(m): list(zip(*preview_links(SimpleNamespace(conn=conn), m, **within))) for m in ex.meetings}
    finally:
        conn.close()


def _span(paper) -> str:
    """'p3-7' for a PDF's paper; a Word or HTML paper has no pages."""
    return f"p{paper.first_page}-{paper.last_page}" if paper.first_page is not None else "(no pages)"


def _show(ex, links: dict | None = None) -> None:
    """What extraction yields, to stdout (plain lines when piped); every text from the file is printed
    as text, without control characters or terminal escapes."""
    out = output.console(stderr=False)
    size = f"{ex.pages or '?'} page(s)" if ex.format in (None, "pdf") else f"{ex.format} (no pages)"
    output.say(out, f"{ex.filename}: {ex.kind or '-'}, {ex.status}, {size}"
                    + (f" — {ex.error}" if ex.error else ""), "bold")
    for why in ex.evidence:  # why it is (or is not) minutes: the marks found, their score, the threshold
        output.say(out, f"minutes evidence: {why}")
    for r in ex.reports:
        output.say(out, "")
        output.say(out, f"report {_span(r)}: {r.plan!r}, period {r.period}, as at {r.as_at}, "
                        f"overall {r.overall_previous_score} → {r.overall_current_score}", "bold")
        output.say(out, f"key: {r.legend or 'none found (built-in colours used)'}")
        for w in r.warnings:
            output.say(out, f"warning: {w}", "yellow")
        output.table(out, None, ("no.", "priority", "previous", "current"),
                     [[p.number, p.title, p.previous_score, p.current_score] for p in r.priorities])
        output.table(out, None, ("page", "P", "ref", "action", "lead", "timescale", "due", "rag"),
                     [[a.page, a.priority_number or "", " ".join(filter(None, [a.ref, a.ofsted_ref])),
                       output.cut(out, a.text, 70), output.cut(out, a.lead or "", 30), a.timescale or "", a.due_date or "", a.rag or "?"]
                      for a in r.actions])
    for m in ex.meetings:
        output.say(out, "")
        output.say(out, f"minutes {_span(m)}: {m.committee!r}, {m.meeting_date}", "bold")
        for item in m.agenda_items:
            output.say(out, f"  item {item.number}: {item.title}"
                            + (f"  RESOLVED: {output.cut(out, item.resolution, 80)}" if item.resolution else ""))
        found = (links or {}).get(id(m), [])
        rows = []
        for i, a in enumerate(m.amber_reasons):
            report, (action, score) = found[i] if i < len(found) else (None, (None, None))
            link = (f"{report['period']} {action['ref'] or '(no ref)'} ({score:.0f})" if action else
                    ("no match" if report else "no report in the database")) if found else ""
            rows.append([a.position, a.page or "", output.cut(out, a.action_text, 60), output.cut(out, a.effective_reason, 60),
                         a.new_rag or "", a.target_date or "", link])
        output.table(out, None, ("#", "page", "action (as minuted)", "reason", "new rag", "target", "links to"), rows)


@app.command()
def status(db: Annotated[Path, typer.Option("--db", help="The SQLite database to read.")] = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs to list.")] = 10,
           json_out: JsonOpt = False) -> None:
    """The last runs, what the last run's fetch could not bring, and every file that could not be read
    with the reason (to stdout: plain tab-separated lines when piped, or --json).

    Example:

        plantrack status --db data/out/plantrack.db

        plantrack status --json | jq '.failed_files[].path'
    """
    from plantrack.pipeline.stages import runs
    conn = _open_existing(db)
    try:
        last, failed = runs.last_runs(conn, limit)
        fetches = runs.failed_fetches(conn)
        from plantrack.pipeline.review.corrections import stale, stale_sentence
        lapsed = stale(conn)  # a clerk's correction whose action or reason is gone: said, never dropped
    finally:
        conn.close()
    if lapsed:  # a warning, not data: on stderr, with or without --json
        output.say(err, stale_sentence(lapsed), "yellow")
    if json_out:
        print(json.dumps({"runs": last, "failed_files": failed, "failed_fetches": fetches,
                          "stale_corrections": lapsed}, indent=1, ensure_ascii=False))
        return
    out = output.console(stderr=False)  # data: to stdout, plain lines when piped
    output.table(out, "runs", ("run", "started", "finished", "status", "seen", "new", "failed", "fetch failed"),
                 [[r["id"], r["started_at"], r["finished_at"], r["status"], r["files_seen"], r["files_new"],
                   r["files_failed"], r["fetch_failed"] or 0] for r in last])
    if fetches:
        output.table(out, "what the last run's fetch could not bring", ("address", "error"),
                     [[f["url"], f["error"]] for f in fetches])
    if failed:
        output.table(out, "files that could not be read", ("file", "kind", "attempts", "error", "path"),
                     [[f["filename"], f["failure_kind"], f["attempts"], f["error"], f["path"]] for f in failed])
    elif not fetches:
        output.say(out, "no file has failed.")


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
    if not json_out:
        output.say(err, f"settings from {cfg.source or 'the defaults'}")
    output.listing(None, ("setting", "value", "environment", "what it does"),
                   [[s.name, json.dumps(cfg[s.name], ensure_ascii=False, default=str), s.env, s.help]
                    for s in SETTINGS], as_json=json_out, data={s.name: cfg[s.name] for s in SETTINGS})


ReadDbOpt = Annotated[Path, typer.Option("--db", help="The SQLite database to read.")]
ReportFormatOpt = Annotated[str, typer.Option("--format", "-f", help="`html` (one self-contained file) or `md` (Markdown, for email).")]


def _open_existing(db: Path):
    """A plain connection for reading: the report and the export never create or change a database."""
    import sqlite3

    from plantrack.store.readonly import open_read

    if not db.exists():
        output.say(err, f"error: no database at {db} yet: run `plantrack run` first", "red")
        raise typer.Exit(2)
    try:  # read-only (immutable on a read-only mount): reading never needs to write
        return open_read(db)
    except sqlite3.DatabaseError as e:
        output.say(err, f"error: cannot read {db} as a plantrack database: {e}", "red")
        raise typer.Exit(2) from None


@app.command()
def report(db: ReadDbOpt = DEFAULT_DB,
           plan: Annotated[str | None, typer.Option("--plan", help="Only the plans this names: each word typed a whole word of the name or the initials of a run of its words; case, accents and punctuation ignored (e.g. 'SDP', 'service development').")] = None,
           period: Annotated[str | None, typer.Option("--period", help="YYYY-MM: the changes and findings of that month; charts stop there.")] = None,
           authority: Annotated[str | None, typer.Option("--authority", help="Only the plans of the councils this names (documents.authority; part of the name will do).")] = None,
           fmt: ReportFormatOpt = "html",
           out: Annotated[Path | None, typer.Option("--output", "-o", help="File to write. Default: stdout when it is piped or redirected (HTML is not printed on a terminal).")] = None) -> None:
    """A report people read: per plan, the findings first (each action in words, with its page, the paper
    linked, and what to do first), then corrections, what changed, and status and score charts.

    Examples:

        plantrack report -o report.html                       # every plan, self-contained HTML

        plantrack report --plan "service development" --period 2019-11 --format md

        plantrack report --authority kent -o kent.html         # one council's plans

        plantrack report > report.html
    """
    from rich.markup import escape

    from plantrack.pipeline.outputs.digest import build_report

    if fmt not in ("html", "md"):
        err.print(f"[red]error:[/red] --format must be html or md, not {fmt!r}", soft_wrap=True)
        raise typer.Exit(2)
    if out is None and fmt == "html" and _stdout_is_terminal():  # 76 KB of markup helps nobody on a screen
        output.say(err, "error: the HTML report is a file: give -o report.html, or redirect it "
                        "(plantrack report > report.html); --format md prints text", "red")
        raise typer.Exit(2)
    conn = _open_existing(db)
    try:
        text = build_report(conn, plan=plan, period=period, fmt=fmt, authority=authority,
                            links_from=out.parent if out is not None else None)
    except ValueError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        conn.close()
    if out is None:
        sys.stdout.write(text)
        return
    try:  # its own folder is made, not a tree: a mistyped -o must not leave new folders behind
        if not out.parent.parent.is_dir():
            raise FileNotFoundError(2, f"there is no folder {out.parent.parent}")
        out.parent.mkdir(exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        output.say(err, f"error: cannot write {out}: {e.strerror or e} — choose another -o", "red")
        raise typer.Exit(2) from None
    output.say(err, f"report written to {out}")


@app.command()
def export(db: ReadDbOpt = DEFAULT_DB,
           fmt: Annotated[str, typer.Option("--format", "-f", help="`csv` (a file per table), `xlsx` (one workbook, a sheet per table) or `parquet` (a file per table).")] = ...,
           out: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the files into (created if need be).")] = ...,
           bom: Annotated[bool, typer.Option("--bom", metavar="", help="Start each CSV file with a UTF-8 byte order mark, so Excel reads its accents and symbols right.")] = False) -> None:
    """Every table and view of the database as files for analysts, with `data_dictionary.md` beside
    them saying what each column means.

    Examples:

        plantrack export --format csv -o exports/

        plantrack export --db council.db --format xlsx -o exports/   # needs plantrack[xlsx]

        plantrack export --format csv --bom -o exports/   # CSV for Excel

    CSV cells that start with = + - or @ get a leading ' so a spreadsheet shows them as text and
    never runs them as formulas; control characters are left out of every format.
    """
    from rich.markup import escape

    from plantrack.pipeline.outputs.export import FORMATS, ExportError, export_tables

    if fmt not in FORMATS:
        err.print(f"[red]error:[/red] --format must be one of {', '.join(FORMATS)}, not {fmt!r}", soft_wrap=True)
        raise typer.Exit(2)
    conn = _open_existing(db)
    try:
        files = export_tables(conn, fmt, out, bom=bom)
    except ExportError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as e:  # a read-only or full folder: one line, not a traceback
        output.say(err, f"error: cannot write into {out}: {e.strerror or e} — choose another -o", "red")
        raise typer.Exit(2) from None
    finally:
        conn.close()
    output.say(err, f"{len(files)} file(s) written to {out}")


@app.command()
def serve(db: ReadDbOpt = DEFAULT_DB,
          port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on; 0 picks a free one (the sign-in link names it).")] = 8001,
          host: Annotated[str, typer.Option("--host", help="Address to listen on; 127.0.0.1 keeps it to this machine.")] = "127.0.0.1",
          papers: Annotated[Path, typer.Option("--papers", help="The folder the clerk's Add papers page saves uploads under (one folder per council).")] = DEFAULT_RAW) -> None:
    """Open the database in Datasette: search, canned questions and a data dictionary for everyone,
    and the clerk's pages (/-/clerk: add papers, the review queue, corrections with undo) whose
    changes need a signed-in clerk.

    It prints a one-time sign-in link for this machine on stderr; clerks of plantrack.toml's
    [clerks] table (a hash from `python -m plantrack.pipeline.clerk.accounts NAME`) sign in with name and password.

    Example:

        plantrack serve                       # then open http://127.0.0.1:8001

        plantrack serve --papers data/raw --port 8002
    """
    from plantrack.pipeline.outputs.analyst import DatasetteMissing, serve as serve_datasette

    _open_existing(db).close()  # the message and exit status 2 when there is no database yet
    from plantrack.pipeline.clerk.desk import Desk
    from plantrack.store.readonly import writable

    cfg = _settings()
    read_only = not writable(db)
    desk = Desk(db.resolve(), papers.resolve(), clerks=dict(cfg["clerks"]), upload_mb=cfg["serve.upload_mb"],
                read_only=read_only)
    where = f"[{host}]" if ":" in host else host

    def ready(_ds) -> None:
        err.print(f"clerk sign-in link (works once, for this machine): "
                  f"http://{where}:{port}/-/clerk/sign-in?token={desk.link.token}", markup=False, soft_wrap=True)

    try:
        port = _port_free(host, port)
        serve_datasette(db, host=host, port=port, read_only=read_only, desk=desk, ready=ready)
    except OSError as e:
        output.say(err, f"error: cannot listen on {host}:{port}: {e.strerror or e} — is another "
                        f"`plantrack serve` running? Choose another --port. (exit status {PORT_BUSY})", "red")
        raise typer.Exit(PORT_BUSY) from None
    except DatasetteMissing:
        typer.echo("serve needs Datasette: pip install 'plantrack[serve]'", err=True)
        raise typer.Exit(2) from None
    finally:
        desk.close()


# ---- clerk corrections and the review queue (logic in corrections.py and review.py) -------------

CouncilOpt = Annotated[str | None, typer.Option("--authority", help="The council whose paper is corrected (documents.authority; part of the name will do). Needed when the plan or meeting date is in the papers of several councils.", show_default=False)]
CouncilFilterOpt = Annotated[str | None, typer.Option("--authority", help="Only the councils this names (documents.authority; part of the name will do).", show_default=False)]

def _read_only(db: Path):
    """A connection that cannot write (bad input is refused before anything touches the file), on a
    read-only mount too."""
    return _open_existing(db)


def _refuse(e: Exception) -> None:
    from rich.markup import escape

    err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
    raise typer.Exit(2)


def _rebuild(db: Path) -> None:
    """A correction takes effect at once: findings, action history, views and report.html."""
    from plantrack import store
    _reconcile(db)
    _prepare_for_analysts(db)
    _write_report(db)
    database = store.connect(db)
    store.mark_reconciled(database, store.data_version(database))
    database.conn.close()


@app.command()
def correct(plan: Annotated[str | None, typer.Option("--plan", help="The plan, named as in `report --plan` (whole words of its name or the initials of a run of them, e.g. 'SDP 2019-20'); it must name one plan.")] = None,
            period: Annotated[str | None, typer.Option("--period", help="YYYY-MM: the report's period.")] = None,
            ref: Annotated[str | None, typer.Option("--ref", help="The action's ref as the report prints it, e.g. 2.2.")] = None,
            meeting: Annotated[str | None, typer.Option("--meeting", help="YYYY-MM-DD: the date of the minutes holding the Amber reason.")] = None,
            position: Annotated[int | None, typer.Option("--position", min=1, help="The Amber reason's place in the minutes' list (1, 2, …).")] = None,
            minutes: Annotated[str | None, typer.Option("--minutes", help="A set of minutes whose date or committee was not read (or misread), by its file's name as `review` shows it (or the start of its sha256).")] = None,
            page: Annotated[int | None, typer.Option("--page", min=1, help="With --minutes: the page the minutes start on, when the file (a pack) holds several sets.")] = None,
            sets: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE, repeatable. Action fields: rag, text, lead, timescale, due_date, progress, ref. Amber reason fields: action_ref (the ref of the action it justifies, or none), new_rag. Minutes fields (--minutes): meeting_date, committee. 'none' clears a value.")] = None,
            note: Annotated[str | None, typer.Option("--note", help="Why: kept with the correction.")] = None,
            by: Annotated[str | None, typer.Option("--by", help="Who makes the correction. Default: the login name.")] = None,
            undo: Annotated[int | None, typer.Option("--undo", help="Withdraw correction ID (see `plantrack corrections`): the extracted value comes back.")] = None,
            authority: CouncilOpt = None,
            db: DbOpt = DEFAULT_DB, wait: WaitOpt = 600) -> None:
    """Put right a value extraction got wrong; it is applied again after every load, so `ingest
    --reprocess` keeps it. Findings, action history and report.html are rebuilt at once.

    Examples:

        plantrack correct --plan "SDP 2019-20" --period 2019-11 --ref 2.2 --set rag=amber --note "cell misread" --by "J Mayer"

        plantrack correct --meeting 2019-12-12 --position 4 --set action_ref=2.3

        plantrack correct --minutes "Minutes 12 Dec.pdf" --set meeting_date=2019-12-12

        plantrack correct --authority kent --plan "SDP 2019-20" --period 2019-11 --ref 2.2 --set rag=amber

        plantrack correct --undo 3

    A plan or meeting date found in the papers of several councils is refused until --authority says which.
    """
    from plantrack import store
    import getpass

    from plantrack.pipeline.review import corrections

    try:
        who = by or getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        who = "unknown"
    from plantrack.store.readonly import writable

    conn = _read_only(db)
    if not writable(db):  # refused before any check: nothing here may be written
        conn.close()
        output.say(err, f"error: cannot correct {db}: it is read-only here (a read-only mount or folder); "
                        "corrections are made on the database `plantrack run` writes", "red")
        raise typer.Exit(2)
    try:
        if undo is not None:
            if any(v is not None for v in (plan, period, ref, meeting, position, minutes, page, note, authority)) or sets:
                raise corrections.CorrectionError("--undo ID withdraws a correction; give it alone (with --db, --by)")
            corrections.check_undo(conn, undo)
        else:
            if page is not None and minutes is None:
                raise corrections.CorrectionError("--page goes with --minutes FILE: the page a set of minutes starts on")
            request = corrections.Request(sets=list(sets or []), plan=plan, period=period, ref=ref, meeting=meeting,
                                          position=position, note=note, by=who, authority=authority, minutes=minutes,
                                          page=page)
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
                                  f"{c['new_value'] or 'none'} (by {c['by']}"
                                  f"{'; ' + c['authority'] if c['authority'] else ''})", soft_wrap=True)
        except corrections.CorrectionError as e:  # the database changed since the check
            _refuse(e)
        finally:
            database.conn.close()
        _rebuild(db)


@app.command("corrections")
def corrections_list(db: ReadDbOpt = DEFAULT_DB, json_out: Annotated[bool, typer.Option("--json", help="Print the corrections as JSON on stdout.")] = False,
                     authority: CouncilFilterOpt = None) -> None:
    """Every clerk correction: what, field, the extracted value, the new value, note, who, when, and
    whether it still applies (withdrawn ones are listed too).

    Example:

        plantrack corrections --json
    """
    from plantrack.pipeline.review import corrections

    conn = _read_only(db)
    try:
        rows = corrections.listing(conn, authority=authority)
    finally:
        conn.close()
    output.listing("corrections", ("id", "council", "what", "field", "extracted", "new", "note", "by", "when", "state"),
                   [[c["id"], c["authority"] or "", c["what"], c["field"], c["old_value"] or "", c["new_value"] or "none",
                     c["note"] or "", c["by"] or "", c["when"] or "",
                     c["state"] + (f": {c['problem']}" if c["problem"] and c["state"] != "applies" else "")]
                    for c in rows], as_json=json_out, data=rows, empty="no corrections yet.")


@app.command()
def review(db: ReadDbOpt = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", min=1, help="How many items to show in the table (--json gives all).")] = 50,
           json_out: Annotated[bool, typer.Option("--json", help="Print every item as JSON on stdout.")] = False,
           authority: CouncilFilterOpt = None) -> None:
    """What most deserves a human look, most doubtful first: statuses read from a colour far from
    every key colour, status words nobody knows, Amber reasons linked weakly or not at all, minutes
    without committee or date, priority scores that do not add up — each with file, page and value read.

    Example:

        plantrack review --limit 20
    """
    from plantrack.pipeline.review.queue import queue

    conn = _read_only(db)
    try:
        items = queue(conn, authority=authority)
    finally:
        conn.close()
    output.listing("review queue", ("doubt", "council", "what", "file", "page", "value read", "why"),
                   [[f"{i['doubt']:.2f}", i["authority"] or "", i["what"], i["file"] or "", i["page"] or "",
                     i["value"] or "", i["why"]]
                    for i in items[:limit]], as_json=json_out, data=items, empty="nothing to review.",
                   more=f"… and {len(items) - limit} more (--limit, or --json for all)" if len(items) > limit else None)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _port_free(host: str, port: int) -> int:
    """The port to serve on: raise OSError now when it is taken, rather than after Datasette has
    started; for port 0, a free port chosen now, so that the printed sign-in link names it."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        return sock.getsockname()[1]


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
