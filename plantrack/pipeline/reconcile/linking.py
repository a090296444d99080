"""Link the justifications recorded in minutes to the actions of the report the meeting discussed.

Pure functions over plain values (no database): the store feeds them rows and writes back the links.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence

from plantrack.models.keys import plan_key
from plantrack.pipeline.reconcile.assignment import assign

# Below this a justification links to no action. On the sample corpus the 36 right pairs all score 100
# (the minutes print exact or cut-off action texts), the 1,215 wrong pairs score at most 67.3 (99th
# percentile 40.6), and the row whose action is not in the plan peaks at 30.1. Simulated minutes texts
# (every sample action cut at 35–100% of its length, a word dropped, or 1 in 8 words replaced) score
# ≥ 85.2 against their action in 99% of cases, while their best wrong action scores ≤ 65.5 in 99.5% and
# 74.4 at worst; 75 sits above every wrong pair seen and below nearly every lightly edited right one.
MATCH_THRESHOLD = 75.0
SHORT_CHARS, SHORT_PENALTY = 40, 0.5  # a prefix match of fewer than 40 characters loses ½ point a character


ANY_AUTHORITY = object()  # the meeting's council is not known: any council's report will do (inspect)


def _same_authority(a: Any, b: Any) -> bool:
    """Councils compare as stored; NULL (not known) is a council of its own."""
    return (a or None) == (b or None)


def discussed_report(meeting_date: str | None, plan: str | None,
                     reports: Sequence[dict[str, Any]], authority: Any = None) -> dict[str, Any] | None:
    """The report of `plan` a meeting of `authority` discussed: the latest of that council whose as_at
    is not after the meeting date (a report dated after the meeting cannot have been before it).
    Reports without an "authority" key, like meetings with authority None, are of the NULL council."""
    if not meeting_date or not plan:
        return None
    key = plan_key(plan)
    cands = [r for r in reports
             if r.get("as_at") and r["as_at"] <= meeting_date and plan_key(r.get("plan")) == key
             and (authority is ANY_AUTHORITY or _same_authority(r.get("authority"), authority))]
    return max(cands, key=lambda r: (r["as_at"], r.get("id") or 0), default=None)


def _norm(text: str | None) -> str:
    s = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w%]+", " ", s).split())


def pair_score(a: str, b: str, **_: Any) -> float:
    """0–100: how well a justification's action text matches an action.

    The minutes often print only the start of an action, cut anywhere (even mid-word or inside a
    parenthesis), so the shorter text is also compared with the same-length start of the longer one.
    Each comparison is the mean of a character-level ratio (tolerates typos and cut words) and a
    word-level ratio (two different actions on one topic share letters far more than words); a short
    text earns less from a prefix match, since "Commission an …" starts several actions.
    """
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    from rapidfuzz import fuzz  # here, not above: a run with nothing to link (a no-op night) never loads it

    short, long_ = sorted((a, b), key=len)
    n = len(short)
    ws, wl = short.split(), long_.split()
    m = len(ws)
    char_whole = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    char_prefix = max(fuzz.ratio(short, long_[:k]) for k in range(max(1, n - 3), n + 4))
    word_whole = fuzz.ratio(ws, wl)
    word_prefix = max(fuzz.ratio(ws, wl[:k]) for k in range(max(1, m - 1), m + 2))
    whole = (char_whole + word_whole) / 2
    prefix = (char_prefix + word_prefix) / 2 - SHORT_PENALTY * max(0, SHORT_CHARS - n)
    return float(max(whole, prefix))


def score_matrix(queries: Sequence[str], choices: Sequence[str]):
    """rows = justifications, columns = actions."""
    from rapidfuzz import process

    return process.cdist(list(queries), list(choices), scorer=pair_score, dtype=None)


def match_reasons(action_texts: Sequence[str], actions: Sequence[dict[str, Any]],
                  threshold: float = MATCH_THRESHOLD) -> list[tuple[Any, float]]:
    """For each justification's action text, (id of the action it justifies, score) or (None, best score).

    One optimal assignment: each action is used at most once and the total score of the links is the
    largest possible, so two similar justifications cannot both claim the one action that fits best.
    Pairs scoring below `threshold` never link.
    """
    if not action_texts:
        return []
    if not actions:
        return [(None, 0.0) for _ in action_texts]
    scores = score_matrix(action_texts, [a.get("text") or "" for a in actions]).tolist()
    weight = [[s if s >= threshold else None for s in row] for row in scores]
    linked = dict(assign(weight))
    out: list[tuple[Any, float]] = []
    for i, row in enumerate(scores):
        j = linked.get(i)
        out.append((actions[j]["id"], round(row[j], 1)) if j is not None else (None, round(max(row), 1)))
    return out
