"""Capacitated assignment by successive shortest paths, with its LP duals and warm starts.

The national path's solver (see docs/round-format.md, "National size"). Rows are students, each
placed at most once; columns are roles, each taking at most its free places; every row may also
stay unmatched (value 0). The algorithm is the Jonker-Volgenant shortest augmenting path method
on the sparse graph, with a binary heap and capacities instead of one column per place:

* each free row in turn runs Dijkstra over reduced costs ``c - u - v`` (``c = -value``) from the
  row until it reaches a role with a place left or some row's "stay unmatched" option;
* the column prices ``v`` of the roles settled before that distance move by their distance, so
  reduced costs stay non-negative and every assigned pair stays tight;
* from a cold start, roles with a place left keep ``v = 0`` throughout.

When every row is done, ``(-u, -v)`` is an optimal solution of the assignment LP's dual, which is
what :mod:`matching.certificate` needs to price the pruned pairs. After the certificate adds pairs,
:meth:`Transport.solve` assigns every row again but starts from the last solve's prices, which are
nearly right, so most searches end at once. A role then left with a place at a price above 0 is
brought to a full load or to price 0 by :func:`_refill`, the same search run backwards from it.

All values are whole numbers held in float64 below 2**53 (see ``matching.national``), so every
distance and price is exact.
"""

from __future__ import annotations

import numpy as np
from numba import njit

UNMATCHED = -2  # a row placed on its own "stay unmatched" column
FREE = -1  # a row not yet assigned


@njit(cache=True)
def _push(heap_d, heap_j, size, dist, item):
    k = size
    heap_d[k] = dist
    heap_j[k] = item
    while k > 0:
        parent = (k - 1) >> 1
        if heap_d[parent] <= dist:
            break
        heap_d[k] = heap_d[parent]
        heap_j[k] = heap_j[parent]
        k = parent
    heap_d[k] = dist
    heap_j[k] = item
    return size + 1


@njit(cache=True)
def _pop(heap_d, heap_j, size):
    dist, item = heap_d[0], heap_j[0]
    size -= 1
    last_d, last_j = heap_d[size], heap_j[size]
    k = 0
    while True:
        child = 2 * k + 1
        if child >= size:
            break
        if child + 1 < size and heap_d[child + 1] < heap_d[child]:
            child += 1
        if heap_d[child] >= last_d:
            break
        heap_d[k] = heap_d[child]
        heap_j[k] = heap_j[child]
        k = child
    heap_d[k] = last_d
    heap_j[k] = last_j
    return dist, item, size


@njit(cache=True)
def _leave(row, col, slot_rows, slot_start, load, pos):
    """Take ``row`` out of column ``col`` (the column's last row fills its slot)."""
    last = slot_start[col] + load[col] - 1
    moved = slot_rows[last]
    slot_rows[pos[row]] = moved
    pos[moved] = pos[row]
    load[col] -= 1


@njit(cache=True)
def _join(row, col, slot_rows, slot_start, load, pos):
    at = slot_start[col] + load[col]
    slot_rows[at] = row
    pos[row] = at
    load[col] += 1


@njit(cache=True)
def _augment(indptr, indices, cost, cap, x, xcost, v, slot_start, slot_rows, load, pos):
    """Assign every free row with edges by a shortest augmenting path; updates in place."""
    n_rows = indptr.size - 1
    m = cap.size
    dist = np.full(m, np.inf)
    settled = np.zeros(m, dtype=np.bool_)
    via_edge = np.empty(m, dtype=np.int64)  # the edge that reached each column
    via_row = np.empty(m, dtype=np.int64)
    touched = np.empty(m, dtype=np.int64)
    heap_size = indices.size + n_rows + 1
    heap_d = np.empty(heap_size)
    heap_j = np.empty(heap_size, dtype=np.int64)
    for i in range(n_rows):
        if x[i] != FREE or indptr[i] == indptr[i + 1]:
            continue
        n_touched = 0
        size = _push(heap_d, heap_j, 0, 0.0, m + i)
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            nd = cost[e] - v[j]
            if nd < dist[j]:
                if dist[j] == np.inf:
                    touched[n_touched] = j
                    n_touched += 1
                dist[j] = nd
                via_edge[j] = e
                via_row[j] = i
                size = _push(heap_d, heap_j, size, nd, j)
        sink = -1
        total = 0.0
        while size > 0:
            d, j, size = _pop(heap_d, heap_j, size)
            if j >= m:
                sink, total = j, d
                break
            if settled[j] or d > dist[j]:
                continue
            if load[j] < cap[j]:
                sink, total = j, d
                break
            settled[j] = True
            for s in range(slot_start[j], slot_start[j] + load[j]):
                k = slot_rows[s]
                u_k = xcost[k] - v[j]
                size = _push(heap_d, heap_j, size, d - u_k, m + k)
                for e in range(indptr[k], indptr[k + 1]):
                    j2 = indices[e]
                    if settled[j2]:
                        continue
                    nd = d + cost[e] - u_k - v[j2]
                    if nd < dist[j2]:
                        if dist[j2] == np.inf:
                            touched[n_touched] = j2
                            n_touched += 1
                        dist[j2] = nd
                        via_edge[j2] = e
                        via_row[j2] = k
                        size = _push(heap_d, heap_j, size, nd, j2)
        for t in range(n_touched):
            j = touched[t]
            if settled[j]:
                v[j] += dist[j] - total
        # Walk the path back from the sink to row i.
        if sink >= m:
            row, col, edge_cost = sink - m, UNMATCHED, 0.0
        else:
            row, col, edge_cost = via_row[sink], sink, cost[via_edge[sink]]
        while True:
            old = x[row]
            if old >= 0:
                _leave(row, old, slot_rows, slot_start, load, pos)
            x[row] = col
            xcost[row] = edge_cost
            if col >= 0:
                _join(row, col, slot_rows, slot_start, load, pos)
            if old == FREE:
                break
            row, col, edge_cost = via_row[old], old, cost[via_edge[old]]
        for t in range(n_touched):
            j = touched[t]
            dist[j] = np.inf
            settled[j] = False


@njit(cache=True)
def _refill(stale, col_ptr, col_rows, col_cost, x, xcost, v, slot_start, slot_rows, load, pos):
    """Bring each role of ``stale`` (places left, price above 0) to a full load or price 0.

    The mirror image of :func:`_augment`: Dijkstra backwards from the role, over the pairs of
    rows placed elsewhere or unmatched, ends either by pulling in an unmatched row or where a
    role on the way (perhaps the first) may fall to price 0 with a place left; rows move one
    step along the path, and the prices of the roles settled rise by what their distance falls
    short. Every row with a pair must be assigned.
    """
    m = v.size
    n_edges = col_rows.size
    col_of_edge = np.empty(n_edges, dtype=np.int64)
    for j in range(m):
        col_of_edge[col_ptr[j] : col_ptr[j + 1]] = j
    dist = np.full(m, np.inf)
    settled = np.zeros(m, dtype=np.bool_)
    pull_edge = np.empty(m, dtype=np.int64)  # the pair by which a row leaves this role
    touched = np.empty(m, dtype=np.int64)
    path = np.empty(m, dtype=np.int64)
    heap_d = np.empty(n_edges + 2 * m + 1)
    heap_j = np.empty(n_edges + 2 * m + 1, dtype=np.int64)
    for start in stale:
        while load[start] < slot_start[start + 1] - slot_start[start] and v[start] < 0:
            n_touched = 1
            touched[0] = start
            dist[start] = 0.0
            size = _push(heap_d, heap_j, 0, 0.0, start)
            end = -1
            total = 0.0
            while size > 0:
                d, j, size = _pop(heap_d, heap_j, size)
                if j >= m:
                    end, total = j, d
                    break
                if settled[j] or d > dist[j]:
                    continue
                settled[j] = True
                size = _push(heap_d, heap_j, size, d - v[j], m + n_edges + j)
                for e in range(col_ptr[j], col_ptr[j + 1]):
                    r = col_rows[e]
                    home = x[r]
                    if home == j or home == FREE:  # noqa: SIM109 (numba: plain comparisons)
                        continue
                    u_r = xcost[r] - (v[home] if home >= 0 else 0.0)
                    nd = d + col_cost[e] - u_r - v[j]
                    if home == UNMATCHED:
                        size = _push(heap_d, heap_j, size, nd, m + e)
                    elif not settled[home] and nd < dist[home]:
                        if dist[home] == np.inf:
                            touched[n_touched] = home
                            n_touched += 1
                        dist[home] = nd
                        pull_edge[home] = e
                        size = _push(heap_d, heap_j, size, nd, home)
            for t in range(n_touched):
                j = touched[t]
                if settled[j]:
                    v[j] += total - dist[j]
            if end >= m + n_edges:  # this role keeps a place, at price 0
                col = end - m - n_edges
                v[col] = 0.0
                entering = -1
            else:  # an unmatched row comes in
                entering = end - m
                col = col_of_edge[entering]
            # The path's roles from the end back to the start; rows move from the start outward
            # so that no role is ever over its places.
            n_path = 0
            while col != start:
                path[n_path] = col
                n_path += 1
                col = col_of_edge[pull_edge[col]]
            for t in range(n_path - 1, -1, -1):
                col = path[t]
                e = pull_edge[col]
                r, target = col_rows[e], col_of_edge[e]
                _leave(r, col, slot_rows, slot_start, load, pos)
                x[r] = target
                xcost[r] = col_cost[e]
                _join(r, target, slot_rows, slot_start, load, pos)
            if entering >= 0:
                r, col = col_rows[entering], col_of_edge[entering]
                x[r] = col
                xcost[r] = col_cost[entering]
                _join(r, col, slot_rows, slot_start, load, pos)
            for t in range(n_touched):
                j = touched[t]
                dist[j] = np.inf
                settled[j] = False


class Transport:
    """Maximum-value assignment of rows to capacitated columns, re-solvable after adding pairs.

    Parameters
    ----------
    n_rows, n_cols : int
    capacity : ndarray of int, shape (n_cols,)
        Places of each column. Rows are processed in index order, so the caller's row order
        (the round's lottery) decides between equal optima.

    Examples
    --------
    >>> solver = Transport(3, 2, np.array([1, 1]))
    >>> rows, cols = np.array([0, 0, 1, 2]), np.array([0, 1, 0, 1])
    >>> solver.solve(rows, cols, np.array([5.0, 4.0, 6.0, 1.0]))
    >>> solver.assignment.tolist()
    [1, 0, -2]
    >>> [d.tolist() for d in solver.duals()]  # u + v >= value on every pair, tight when placed
    [[3.0, 4.0, 0.0], [2.0, 1.0]]
    """

    def __init__(self, n_rows: int, n_cols: int, capacity: np.ndarray) -> None:
        self.n_rows, self.n_cols = n_rows, n_cols
        self.capacity = np.asarray(capacity, dtype=np.int64)
        self.x = np.full(n_rows, FREE, dtype=np.int64)
        self.xcost = np.zeros(n_rows)
        self.v = np.zeros(n_cols)
        self.slot_start = np.concatenate([[0], np.cumsum(self.capacity)]).astype(np.int64)
        self.slot_rows = np.empty(int(self.slot_start[-1]), dtype=np.int64)
        self.load = np.zeros(n_cols, dtype=np.int64)
        self.pos = np.zeros(n_rows, dtype=np.int64)
        self.refilled = 0  # roles the last solve had to refill (or bring to price 0)

    def solve(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        """Optimum over these pairs, starting from the prices of the last solve, if any."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        cost = -np.asarray(values, dtype=np.float64)
        order = np.argsort(rows * self.n_cols + cols, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=self.n_rows))])
        graph = (indptr.astype(np.int64), cols[order], cost[order])
        self.x[:] = FREE
        self.load[:] = 0
        self.xcost[:] = 0.0
        _augment(*graph, self.capacity, *self._state())
        stale = np.flatnonzero((self.load < self.capacity) & (self.v < 0))
        self.refilled = stale.size
        if stale.size:
            by_col = np.argsort(cols * self.n_rows + rows, kind="stable")
            col_ptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=self.n_cols))])
            transposed = (col_ptr.astype(np.int64), rows[by_col], cost[by_col])
            _refill(stale, *transposed, *self._state())
        if ((self.load < self.capacity) & (self.v < 0)).any():
            raise RuntimeError("a role kept places at a price above 0")

    def _state(self):
        return self.x, self.xcost, self.v, self.slot_start, self.slot_rows, self.load, self.pos

    @property
    def assignment(self) -> np.ndarray:
        """Column of each row; -2 when it stays unmatched (or has no pair at all)."""
        return np.where(self.x == FREE, UNMATCHED, self.x)

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        """Optimal LP duals ``(u, v)``: ``u, v >= 0``, ``u + v >= value`` on every pair, tight
        on assigned pairs, ``u = 0`` for unmatched rows and ``v = 0`` for columns with places
        left."""
        placed = self.x >= 0
        u = np.zeros(self.n_rows)
        u[placed] = -(self.xcost[placed] - self.v[self.x[placed]])
        return u, -self.v + 0.0
