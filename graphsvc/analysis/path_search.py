"""The k cheapest loopless paths from one person to any of several, on a graph of hop costs.

Yen's algorithm, made cheap on a large graph by first finding the region every answer
must lie in:

1. A bidirectional Dijkstra between the source and a joint target (joined to every
   target person at cost 0) finds the cheapest path. It is then resumed until the two
   frontiers together cost more than ``W``, a cost known not to be below the k-th
   cheapest path's (the k-th of the loopless paths its two trees already form, or the
   k-th found inside the region settled so far). Every path costing at most ``W`` then
   runs through settled nodes only: a node settled from neither side lies on no path
   cheaper than the two frontiers' sum.
2. Inside that region, the exact distance to the target of every node some path within
   ``W`` can use (one more backward pass, restricted to the region).
3. Yen's spur searches are A* searches on those exact distances: each follows the tree
   of distances as soon as the rest of its way there is clear of the left-out people
   and lines, so it visits a handful of nodes instead of searching the graph.

If the guess at ``W`` was too low (fewer than k paths within it), the search is resumed
with a larger one; answers never depend on the guess. Equal-cost paths keep the order
in which the search finds them, which depends only on the graph's adjacency, so the same
directory always gives the same answer. tests/test_path_search.py checks the costs
against networkx's ``shortest_simple_paths``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from heapq import heapify, heappop, heappush, nsmallest
from itertools import count
from typing import Final, cast

INFINITY = float("inf")
SLACK = 1e-9  # rounding margin: sums of the same costs in another order may differ in the last bits


class _Target(Enum):
    """The joint target node: one object, never equal to a contact id (an enum member, so
    that ``node is TARGET`` tells the type checker which nodes are people)."""

    TARGET = "target"

    def __repr__(self) -> str:
        return "<target>"


TARGET: Final = _Target.TARGET

#: a person, or the joint target
Node = str | _Target
#: person -> neighbour -> hop cost (the target has no entry: it is never expanded by cost)
Costs = dict[str, dict[str, float]]
#: the same costs looked up by any node, so that the searches index them without a check
#: per step (they never look up the target)
_Graph = dict[Node, dict[str, float]]
#: the heaps of the searches: (distance or estimate, tie-breaking counter, node)
Heap = list[tuple[float, int, Node]]
#: node -> the node before it on the search's way (None at the search's start)
Preds = dict[Node, Node | None]


def k_cheapest_paths(costs: Costs, source: str, people: list[str], k: int) -> list[list[str]]:
    """The k cheapest loopless paths from ``source`` to any of ``people`` over ``costs``
    (node -> neighbour -> hop cost, all costs positive), cheapest first; fewer if fewer
    exist. ``source`` must not be one of ``people``."""
    reachable = sorted({p for p in people if p in costs})  # in one order, however given
    if source not in costs or not reachable:
        return []
    graph = cast(_Graph, costs)
    search = _MeetingSearch(graph, set(reachable), reachable, source)
    search.run()
    if search.meeting is None:
        return []
    first = search.cheapest_path()
    if k == 1:
        return [_people(first)]
    bound = _tree_ceiling(search, k)
    if bound == INFINITY:
        # Too few paths in the trees: take the k-th cheapest inside the region settled so
        # far (exact if it costs less than anything outside, a bound if not).
        guide, toward = _distances_to_target(search, INFINITY)
        found = _yen(graph, guide, toward, first, k, INFINITY)
        assert found is not None  # nothing outside when ``trusted`` is infinite
        if len(found) == k and _cost(graph, found[-1]) < search.floor() - SLACK:
            return [_people(path) for path in found]
        bound = _cost(graph, found[-1]) if len(found) == k else search.best + 2
    while True:
        search.run(bound + SLACK)
        if search.floor() == INFINITY:
            bound = INFINITY  # every node reachable from one side is settled
        guide, toward = _distances_to_target(search, bound + SLACK)
        found = _yen(graph, guide, toward, first, k, bound + SLACK)
        if found is not None:
            return [_people(path) for path in found]
        bound = search.best + 2 * (bound - search.best) + 1  # fewer than k within it: widen


class _MeetingSearch:
    """Bidirectional Dijkstra from ``source`` and from the joint target; resumable, so that
    it can go on settling nodes after the two sides met."""

    def __init__(self, costs: _Graph, targets: set[str], reachable: list[str], source: str):
        self.costs, self.targets, self.reachable = costs, targets, reachable
        # forward: node -> distance from source; backward: to target
        self.settled: tuple[dict[Node, float], dict[Node, float]] = ({}, {})
        self.seen: tuple[dict[Node, float], dict[Node, float]] = ({source: 0.0}, {TARGET: 0.0})
        # backward preds point toward the target
        self.preds: tuple[Preds, Preds] = ({source: None}, {TARGET: None})
        self.heaps: tuple[Heap, Heap] = ([(0.0, 0, source)], [(0.0, 1, TARGET)])
        self.counter = 2
        self.direction = 1
        self.best = INFINITY  # cost of the cheapest path met so far
        self.meeting: Node | None = None  # the node where that path's two halves meet

    def floor(self) -> float:
        """What any path through a node settled from neither side costs at least."""
        forward, backward = self.heaps
        return forward[0][0] + backward[0][0] if forward and backward else INFINITY

    def run(self, until: float | None = None) -> None:
        """Settle nodes until the frontiers together cost more than ``until`` (by default:
        than the cheapest path met, which is then the cheapest path)."""
        costs, targets, reachable = self.costs, self.targets, self.reachable
        forward_heap, backward_heap = self.heaps
        sides = (
            (forward_heap, self.settled[0], self.seen[0], self.preds[0], self.seen[1]),
            (backward_heap, self.settled[1], self.seen[1], self.preds[1], self.seen[0]),
        )
        c, direction, best, meeting = self.counter, self.direction, self.best, self.meeting
        to_meeting = until is None
        limit = best + SLACK if until is None else until
        while forward_heap and backward_heap:
            if forward_heap[0][0] + backward_heap[0][0] > limit:
                break
            direction = 1 - direction
            heap, settled, seen, pred, seen_there = sides[direction]
            dist, _, v = heappop(heap)
            if v in settled:
                continue
            settled[v] = dist
            neighbours: Iterable[tuple[Node, float]]
            if v is TARGET:
                neighbours = [(person, 0.0) for person in reachable]
            else:
                neighbours = costs[v].items()
                if direction == 0 and v in targets:
                    neighbours = [*neighbours, (TARGET, 0.0)]
            for w, cost in neighbours:
                # A settled node is never relaxed again: its distance is at most ``dist``.
                length = dist + cost
                if length < seen.get(w, INFINITY):
                    seen[w] = length
                    pred[w] = v
                    heappush(heap, (length, c, w))
                    c += 1
                    there = seen_there.get(w)
                    if there is not None and length + there < best:
                        best, meeting = length + there, w
                        if to_meeting:
                            limit = best + SLACK
        self.counter, self.direction, self.best, self.meeting = c, direction, best, meeting

    def cheapest_path(self) -> list[Node]:
        """The cheapest path met, source first, ending at the joint target."""
        forward, backward = self.preds
        return _chain(forward, self.meeting)[::-1] + _chain(backward, self.meeting)[1:]

    def region(self) -> set[Node]:
        return self.settled[0].keys() | self.settled[1].keys()


def _tree_ceiling(search: _MeetingSearch, k: int) -> float:
    """The cost of the k-th cheapest distinct loopless path made of a line between the two
    search trees (the tree path from the source, the line, the tree path to the target):
    k real paths, so the k-th cheapest path costs no more. Only lines at nodes seen from
    both sides are tried (every line leaving a settled node; a few hundred nodes, not the
    thousands on the frontiers): any subset of lines gives real paths. Infinite if fewer
    than k."""
    costs = search.costs
    forward, backward = search.seen
    forward_preds, backward_preds = search.preds
    joins: set[tuple[float, Node, Node]] = set()  # (cost, x, y): forward tree to x, line x-y, backward tree from y
    for w in forward.keys() & backward.keys():  # set intersections run in C
        if w is TARGET:
            continue
        nbrs = costs[w]
        for y in nbrs.keys() & backward.keys():
            joins.add((forward[w] + nbrs[y] + backward[y], w, y))
        for x in nbrs.keys() & forward.keys():
            joins.add((forward[x] + nbrs[x] + backward[w], x, w))
    for person in search.targets:
        if person in forward:
            joins.add((forward[person], person, TARGET))
    paths: set[tuple[Node, ...]] = set()
    for cost, x_node, y_node in sorted(joins, key=lambda join: join[0]):
        path = tuple(_chain(forward_preds, x_node)[::-1] + _chain(backward_preds, y_node))
        if len(set(path)) == len(path) and path not in paths:
            paths.add(path)
            if len(paths) == k:
                return cost
    return INFINITY


def _distances_to_target(search: _MeetingSearch, bound: float) -> tuple[dict[Node, float], Preds]:
    """Exact distance to the target, inside the settled region, of each node that a path
    costing at most ``bound`` could use, and each one's next node on the way.

    The backward search is resumed on copies, kept inside the region. A node whose
    distance from the source (at least: the forward frontier's) plus its distance to the
    target exceeds ``bound`` is left out and not expanded: no path within the bound runs
    through it, nor through it to anyone else."""
    region = search.region()
    from_source = search.settled[0]
    forward_heap = search.heaps[0]
    beyond = forward_heap[0][0] if forward_heap else INFINITY  # unsettled: at least this far
    distance = dict(search.settled[1])
    toward = {v: search.preds[1][v] for v in distance}
    seen = dict(distance)
    heap: Heap = []
    for v, dist in search.seen[1].items():
        if v not in distance and v in region:
            seen[v] = dist
            toward[v] = search.preds[1][v]
            heap.append((dist, len(heap), v))
    heapify(heap)
    costs = search.costs
    c = len(heap)
    while heap:
        dist, _, v = heappop(heap)
        if dist > bound:
            break
        if v in distance or from_source.get(v, beyond) + dist > bound:
            continue
        distance[v] = dist
        for w, cost in costs[v].items():
            length = dist + cost
            if length < seen.get(w, INFINITY) and w in region:
                seen[w] = length
                toward[w] = v
                heappush(heap, (length, c, w))
                c += 1
    return distance, toward


def _spur_search(
    costs: _Graph,
    distance: dict[Node, float],
    toward: Preds,
    start: Node,
    left_out: set[Node],
    blocked: frozenset[Node],
    limit: float,
) -> tuple[float, list[Node]] | None:
    """The cheapest path from ``start`` to the target, avoiding ``left_out`` and the lines
    from ``start`` to ``blocked``, if it costs at most ``limit``: (cost, path) or None.

    A* on the exact distances (consistent on any part of the graph, since leaving nodes
    out only makes ways longer). Once the node taken next has a clear way along the tree
    of distances (no left-out node, no blocked first line), that way is the answer:
    nothing left can cost less. That way cannot run back through a node the search took
    earlier: that node's own way, the rest of this one, was not clear."""
    estimate = distance.get(start)
    if estimate is None or estimate > limit:
        return None
    reached = {start: 0.0}
    pred: Preds = {start: None}
    closed: set[Node] = set()
    heap: Heap = [(estimate, 0, start)]
    c = 1
    while heap:
        f, _, v = heappop(heap)
        if f > limit:
            return None
        if v in closed:
            continue
        closed.add(v)
        rest = _clear_way(toward, v, start, left_out, blocked)
        if rest is not None:
            return reached[v] + distance[v], _chain(pred, v)[::-1] + rest
        here = reached[v]
        for w, cost in costs[v].items():
            if w in closed or w in left_out or (v == start and w in blocked):
                continue
            estimate = distance.get(w)
            if estimate is None:
                continue  # outside the region, or on no path within the bound
            length = here + cost
            if length < reached.get(w, INFINITY):
                reached[w] = length
                pred[w] = v
                heappush(heap, (length + estimate, c, w))
                c += 1
    return None


def _clear_way(toward: Preds, v: Node, start: Node, left_out: set[Node], blocked: frozenset[Node]) -> list[Node] | None:
    """The tree way from ``v`` to the target (without ``v``), or None if it is not clear."""
    rest: list[Node] = []
    node = v
    while node is not TARGET:
        after = cast(Node, toward[node])  # only the target has no next node
        if after in left_out or (node == start and after in blocked):
            return None
        rest.append(after)
        node = after
    return rest


def _yen(
    costs: _Graph, distance: dict[Node, float], toward: Preds, first: list[Node], k: int, trusted: float
) -> list[list[Node]] | None:
    """Yen's algorithm from the cheapest path ``first``, over the nodes ``distance`` knows,
    which hold every path costing at most ``trusted``. Spur searches look no further, so
    every path offered is an answer; if fewer than k are found, the k-th may run outside
    (None), unless ``trusted`` is infinite (then no more exist)."""
    accepted: list[list[Node]] = []
    waiting: list[tuple[float, int, list[Node]]] = []  # heap of (cost, counter, path); ties in the order found
    waiting_paths: set[tuple[Node, ...]] = set()
    counter = count()

    def offer(path: list[Node]) -> None:
        key = tuple(path)
        if key not in waiting_paths:
            waiting_paths.add(key)
            heappush(waiting, (_cost(costs, path), next(counter), path))

    offer(first)
    searched: set[tuple[tuple[Node, ...], frozenset[Node]]] = set()
    while True:
        if not waiting:
            return accepted if trusted == INFINITY else None
        _, _, path = heappop(waiting)
        accepted.append(path)
        if len(accepted) == k:
            return accepted
        needed = k - len(accepted)
        root_cost = 0.0
        for i in range(1, len(path)):
            if i > 1:
                root_cost += costs[path[i - 2]][path[i - 1]]  # type: ignore[index]  # a person: only a path's last node is the target
            root = path[:i]
            blocked = frozenset(other[i] for other in accepted if other[:i] == root)
            identity = (tuple(root), blocked)
            if identity in searched:
                continue  # the same search ran in an earlier round; its answer is waiting
            searched.add(identity)
            limit = trusted
            if len(waiting) >= needed:
                limit = min(limit, nsmallest(needed, (entry[0] for entry in waiting))[-1])
            spur = _spur_search(costs, distance, toward, root[-1], set(root[:-1]), blocked, limit - root_cost + SLACK)
            if spur is not None:
                offer(root[:-1] + spur[1])


def _cost(costs: _Graph, path: list[Node]) -> float:
    """A path's cost, summed from its first hop on (the hop to the joint target is free)."""
    total = 0.0
    for a, b in zip(path, path[1:]):
        if b is not TARGET:
            total += costs[a][b]
    return total


def _people(path: list[Node]) -> list[str]:
    """A path to the joint target without the target: its people."""
    return cast(list[str], path[:-1])


def _chain(pred: Preds, node: Node | None) -> list[Node]:
    """``node`` and its predecessors back to the search's start."""
    out: list[Node] = []
    while node is not None:
        out.append(node)
        node = pred[node]
    return out
