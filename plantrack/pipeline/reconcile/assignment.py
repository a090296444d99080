"""One optimal assignment: which row goes with which column so the total weight is greatest.

Used twice: Amber reasons to the actions they justify, and actions to their counterparts in the
previous report. Greedy first-come matching would let an early, merely good pair take the column that
a later row fits exactly; the Hungarian method cannot. Written out because scipy is not a dependency,
and plans have tens of actions, so it takes milliseconds.
"""
from __future__ import annotations


def hungarian(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment of rows to distinct columns (rows <= columns); returns each row's
    column.  The O(n^3) shortest-augmenting-path method with potentials: scipy is not a
    dependency, and plans have tens of actions, so this takes milliseconds."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    if n > m:
        raise ValueError("hungarian() needs rows <= columns")
    INF = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)  # p[j]: row (1-based) assigned to column j
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [INF] * (m + 1), [False] * (m + 1)
        while p[j0]:
            used[j0] = True
            i0, delta, j1 = p[j0], INF, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [-1] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


def assign(weight: list[list[float | None]]) -> list[tuple[int, int]]:
    """Maximum-weight matching of eligible pairs.  Ineligible pairs cost 0, so a forced assignment
    through one is the same as leaving both sides unmatched; those are dropped afterwards."""
    if not weight or not weight[0]:
        return []
    flip = len(weight) > len(weight[0])
    w = [list(r) for r in zip(*weight)] if flip else weight
    cost = [[-(x or 0.0) for x in row] for row in w]
    pairs = [(i, j) for i, j in enumerate(hungarian(cost)) if j >= 0 and w[i][j] is not None]
    return [(j, i) for i, j in pairs] if flip else pairs
