"""Where papers come from before plantrack reads them, and whose they are: councils' committee sites
(`plantrack fetch`), and the council each file belongs to (`authority.py`).

`http.py` is the polite HTTP client (one request at a time per host, a delay, retries, conditional
GETs, atomic writes); `moderngov.py` reads a ModernGov site through its web service or, when that is
blocked, its plain pages; `fetch.py` downloads what is new into a readable tree and records every
paper in the `sources` table so the next night asks only for what changed.
"""
