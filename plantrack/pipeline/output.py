"""What the commands print: rich tables on a terminal, plain unwrapped lines anywhere else.

Under cron, make or a pipe, rich would wrap every line at 80 columns (a file name split over several
lines, an error cut in two) and draw boxes nobody can grep: there, each row is one tab-separated line.
Whatever came from a file (a name, a PDF's words) is printed as text, never as rich markup, and
without control characters or terminal escapes (discovery.printable).
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from plantrack.pipeline.sources.discovery import printable


def console(stderr: bool = True) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # not on a terminal: never wrap (a log line stays one line), no colour codes in the log
    return Console(stderr=stderr, soft_wrap=not tty, highlight=False, **({} if tty else {"width": 10_000}))


def say(con: Console, text: object, style: str | None = None) -> None:
    """One line whose words came from outside: printed as it is, markup and escapes neutralised."""
    if not con.is_terminal:  # as it is: rich would still expand tabs and pad
        con.file.write(printable(text) + "\n")
        con.file.flush()
        return
    con.print(Text(printable(text), style=style or ""), soft_wrap=True)


def table(con: Console, title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]],
          styles: dict[int, str] | None = None) -> None:
    """A table on a terminal; on anything else a title line, a header line and one line per row,
    cells separated by tabs (tabs and newlines inside a cell become spaces)."""
    rows = [[printable("" if c is None else c) for c in r] for r in rows]
    if con.is_terminal:
        t = Table(*columns, title=title, title_justify="left")
        for r in rows:
            t.add_row(*(Text(c, style=(styles or {}).get(i, "")) for i, c in enumerate(r)))
        con.print(t)
        return
    flat = [[c.replace("\t", " ").replace("\n", " ") for c in r] for r in rows]
    lines = ([f"{title}:"] if title else []) + ["\t".join(columns)] + ["\t".join(r) for r in flat]
    con.file.write("".join(line + "\n" for line in lines))
    con.file.flush()


def listing(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]], *,
            as_json: bool = False, data: object = None, empty: str | None = None, more: str | None = None,
            styles: dict[int, str] | None = None) -> None:
    """The one rule for a listing command's data: on stdout, as JSON with --json (`data`, else the
    rows as objects named by `columns`), a table on a terminal, and tab-separated lines, never cut,
    when piped or redirected (`plantrack review > q.txt` fills q.txt). `empty` (nothing to list) and
    `more` (rows left out of the table) are remarks, not data: on stderr."""
    import json

    rows = list(rows)
    if as_json:
        value = data if data is not None else [dict(zip(columns, r)) for r in rows]
        sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")
        sys.stdout.flush()
        return
    err = console(stderr=True)
    if not rows and empty:
        say(err, empty)
        return
    table(console(stderr=False), title, columns, rows, styles)
    if more:
        say(err, more)


def cut(con: Console, text: object, width: int) -> str:
    """`text` shortened to `width` on a terminal (a table must fit the screen); whole anywhere else."""
    text = printable("" if text is None else text)
    return text[:width] if con.is_terminal else text
