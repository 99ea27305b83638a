"""The fusion-ring search of bootstrap.solver, with OR-Tools CP-SAT as the enumerator (issue 14).

Same problem, same unknowns: :func:`bootstrap.solver._ring_bounds` gives the restricted
products T and the bounds ub_ij^l, :func:`bootstrap.solver._ring_unknowns` the unknowns
N_ij^l (commutativity, the unit axiom, zero bounds and a fixed group law of the
1-dimensional rows folded in), :func:`bootstrap.solver.ring_symmetries` the relabellings
whose images are blocked. The constraint families are those of the z3 encoding — fusion
restriction (linear), one dual, rigidity (reified on the dual indicator N_ja^0), and
associativity as commuting fusion matrices, the only quadratic family, linearised: a
product of two 0/1 unknowns is an AND, a 0/1 unknown times a bounded integer a big-M
product, two integers an ``AddMultiplicationEquality`` (each product once). Added for CP-SAT
only: lex-leader constraints between neighbouring irreducibles with equal rows of M (sound:
the lex-least ring of each orbit satisfies them).

Enumeration is CP-SAT's own (``enumerate_all_solutions`` with a solution callback, one
solve); a ring is kept once per orbit of the blocked relabellings (its canonical image —
the z3 search blocks the same images, so both return one ring per orbit). Each ring is
re-checked in integers before it is returned. z3 stays the certificate engine: where
CP-SAT proves that no ring exists, z3 is asked for its unsat core (the refuted families),
with :data:`CORE_LIMIT` seconds at most — under bootstrap.solver's fixed linear actions only
for a branching no action gives a ring (elsewhere the cores are never shown).

>>> import numpy as np
>>> from bootstrap.known import known_subgroup
>>> from bootstrap.solver import enumerate_fusion_rings
>>> M = np.array([[1]] * 4 + [[2]])  # over N = 1: four 1-dimensional irreducibles and one of dimension 2
>>> res = enumerate_fusion_rings(known_subgroup({"cyclic": 1}), M, engine="cpsat")
>>> res.complete, len(res.solutions)  # the ring of D8 and Q8, and TY(C4) (no group's)
(True, 2)
"""
from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from bootstrap.constraints import FUSION_AXIOMS, FUSION_RESTRICTION, Violation
from bootstrap.solver import (
    IMAGES_CHUNK, SearchResult, _enumerate_rings_z3, _ring_bounds, _ring_unknowns, ring_family_stages,
    ring_relabellings, ring_symmetries,
)

#: CP-SAT workers (1: one core, deterministic). With more, CP-SAT's enumeration of all solutions
#: can stop short (bench/RESULTS.md: reported as incomplete, but a loss on two cores)
NUM_WORKERS = 1
#: at most this many seconds of z3 for the unsat cores where CP-SAT finds no ring: per action
#: searched alone, per branching for all its actions together (bootstrap.solver) — and at most
#: CORE_SHARE of the time left (:func:`core_deadline`)
CORE_LIMIT = 2.0
#: the share of the time left that one certificate may take: the search for what exists comes
#: first (at 10 s, a trivial-N order-54 query gave 43 % of its time to cores of refuted branchings)
CORE_SHARE = 0.1
#: lex-leader symmetry breaking on at most this many positions per transposition (0: none)
LEX_LENGTH = 10**6


def core_deadline(deadline: float) -> float:
    """When z3's search for an unsat core stops: CORE_LIMIT seconds from now, and at most
    CORE_SHARE of the time left before ``deadline``."""
    now = time.monotonic()
    return min(deadline, now + min(CORE_LIMIT, CORE_SHARE * max(0.0, deadline - now)))


class _Infeasible(Exception):
    """A constraint that is already false on integers: no ring."""


class _Encoder:
    """The CP-SAT model of one fusion-ring search."""

    def __init__(self, ub: np.ndarray, fixed: dict | None, rep=None):
        self.model = cp_model.CpModel()
        self.bound: dict[int, int] = {}  # variable index -> upper bound
        self.products: dict[tuple[int, int], object] = {}

        def new_var(key):
            b = int(ub[key])
            name = "N_{}_{}_{}".format(*key)
            x = self.model.NewBoolVar(name) if b == 1 else self.model.NewIntVar(0, b, name)
            self.bound[x.Index()] = b
            return x

        self.N, self.var = _ring_unknowns(ub, fixed, new_var, rep)

    def add(self, cons) -> None:
        if cons is True:
            return
        if cons is False:
            raise _Infeasible
        self.model.Add(cons)

    def mul(self, a, b):
        """a·b as a linear term: an int, a variable, or a (cached) product variable."""
        if isinstance(a, int) or isinstance(b, int):
            if isinstance(a, int) and isinstance(b, int):
                return a * b
            c, x = (a, b) if isinstance(a, int) else (b, a)
            return 0 if c == 0 else (x if c == 1 else c * x)
        ia, ib = a.Index(), b.Index()
        if ia > ib:
            a, b, ia, ib = b, a, ib, ia
        key = (ia, ib)
        if key in self.products:
            return self.products[key]
        ua, ub_ = self.bound[ia], self.bound[ib]
        m = self.model
        if ua == 1 and ub_ == 1:
            p = m.NewBoolVar("")
            if ia == ib:
                m.Add(p == a)
            else:
                m.AddBoolOr([a.Not(), b.Not(), p])
                m.AddImplication(p, a)
                m.AddImplication(p, b)
        elif ua == 1 or ub_ == 1:
            x, y, u = (a, b, ub_) if ua == 1 else (b, a, ua)  # x ∈ {0, 1}, y ∈ [0, u]
            p = m.NewIntVar(0, u, "")
            m.Add(p <= y)
            m.Add(p <= u * x)
            m.Add(p >= y - u * (1 - x))
        else:
            p = m.NewIntVar(0, ua * ub_, "")
            m.AddMultiplicationEquality(p, [a, b])
        self.bound[p.Index()] = self.bound.get(p.Index(), ua * ub_)
        self.products[key] = p
        return p


def _stages(enc: _Encoder, M: np.ndarray, T: np.ndarray, dual_ok: np.ndarray, deadline: float, action=None):
    """bootstrap.solver's family stages (restriction and one dual; rigidity; associativity,
    linearised by :meth:`_Encoder.mul`) stated into the CP-SAT model."""

    def implies(cond, eqs):
        for e in eqs:
            enc.model.Add(e).OnlyEnforceIf(cond)

    return ring_family_stages(enc.add, enc.add, implies, enc.N, M, T, dual_ok, deadline, enc.mul, action,
                              cp_model.LinearExpr.weighted_sum)


def _solver(deadline: float, enumerate_all: bool = False, num_workers: int | None = None) -> cp_model.CpSolver | None:
    """A CP-SAT solver limited to the time left before ``deadline`` (None: none is left)."""
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.enumerate_all_solutions = enumerate_all
    p.max_time_in_seconds = left
    p.num_workers = num_workers or NUM_WORKERS
    return solver


def _feasible(model: cp_model.CpModel, deadline: float) -> bool | None:
    """Whether the model has a solution (None: the deadline came first)."""
    solver = _solver(deadline)
    if solver is None:
        return None
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.FEASIBLE, cp_model.OPTIMAL) else None


def _involutions(groups: list[list[int]], k: int, action=None) -> list[np.ndarray]:
    """The relabellings of order 2 for lex-leader: transpositions of neighbours of one class of
    equal rows (ring_symmetries' ``groups``); with a fixed linear action, those that keep it
    (LinearAction.involutions)."""
    if action is not None:
        return action.involutions(groups)
    out = []
    for g in groups:
        for a, b in zip(g, g[1:]):
            p = np.arange(k)
            p[a], p[b] = b, a
            out.append(p)
    return out


def _lex_leader(enc: _Encoder, perms: list[np.ndarray], limit: int = LEX_LENGTH) -> None:
    """Symmetry breaking among irreducibles with equal rows of M (the relabellings blocked
    after each ring): for each relabelling σ of order 2 that maps the model onto itself
    (:func:`_involutions`), F ≤_lex σ(F) on the unknowns in sorted order (the first ``limit``
    positions where the two differ). Each holds for the lex-least ring of every orbit, so no
    orbit is lost; the canonical dedupe still keeps one ring per orbit."""
    keys = sorted(enc.var)
    m = enc.model

    for perm in perms:
        xs, ys, seen = [], [], set()
        for key in keys:
            x = enc.var[key]
            y = enc.N(int(perm[key[0]]), int(perm[key[1]]), int(perm[key[2]]))
            if isinstance(y, int):  # not a symmetry of the model here: compare the prefix only
                break
            if y.Index() == x.Index() or x.Index() in seen:
                continue
            seen.add(y.Index())  # the pair (y, x) compares the same two unknowns in reverse
            xs.append(x)
            ys.append(y)
            if len(xs) >= limit:
                break
        if not xs:
            continue
        eq_prev = None  # all earlier positions equal (None: true)
        for t, (x, y) in enumerate(zip(xs, ys)):
            c = m.Add(x <= y)
            if eq_prev is not None:
                c.OnlyEnforceIf(eq_prev)
            if t == len(xs) - 1:
                break
            e = m.NewBoolVar("")
            # e ⇔ eq_prev ∧ x = y
            m.Add(x == y).OnlyEnforceIf(e)
            if eq_prev is not None:
                m.AddImplication(e, eq_prev)
                m.Add(x != y).OnlyEnforceIf([eq_prev, e.Not()])
            else:
                m.Add(x != y).OnlyEnforceIf(e.Not())
            eq_prev = e


def _check_ring(F: np.ndarray, M: np.ndarray, T: np.ndarray) -> bool:
    """The ring axioms and the restriction, in integers (a CP-SAT answer is re-checked)."""
    k = len(F)
    if not (np.array_equal(F, F.transpose(1, 0, 2)) and np.array_equal(F[0], np.eye(k, dtype=F.dtype))):
        return False
    if not np.array_equal(np.einsum("ijl,lr->ijr", F, M)[1:, 1:], T[1:, 1:]):
        return False
    return bool(np.all(F[1:, 1:, 0].sum(axis=1) == 1)) and fusion_matrices_commute(F)


def fusion_matrices_commute(F: np.ndarray) -> bool:
    """Whether N_i N_j = N_j N_i for all i, j, (N_i)_a^b = N_ia^b, for a tensor symmetric in its
    first two slots (then associativity)."""
    k = len(F)
    # (N_i)_a^m = N_ia^m: the fusion matrices commute, N_i N_j = N_j N_i — for a block of i and
    # every j, two matrix products in floats (exact: each entry an integer far below 2⁵³)
    X = F.astype(np.float64)
    rows, cols = X.reshape(k * k, k), X.reshape(k, k * k)  # [(j, a), b] = (N_j)_a^b; [b, (j, c)] = (N_j)_b^c
    step = max(1, 4_000_000 // k ** 3)
    for s in range(1, k, step):
        b = min(step, k - s)
        ij = (X[s:s + b].reshape(b * k, k) @ cols).reshape(b, k, k, k)  # [i, a, j, c] = (N_i N_j)_a^c
        ji = (rows @ X[s:s + b].transpose(1, 0, 2).reshape(k, b * k)).reshape(k, k, b, k)  # [j, a, i, c] = (N_j N_i)_a^c
        if not np.array_equal(ij, ji.transpose(2, 1, 0, 3)):
            return False
    return True


class _Collector(cp_model.CpSolverSolutionCallback):
    """Each solution as a ring F, kept once per orbit of the relabellings ``perms``
    (:func:`bootstrap.solver.ring_relabellings`): every ring of one model shares the fixed
    entries, so a relabelling that maps the model onto itself permutes the unknowns, and the
    ring's canonical key is the least of its unknowns' vectors under those permutations."""

    def __init__(self, enc: _Encoder, perms: np.ndarray, max_solutions: int, deadline: float):
        super().__init__()
        self.idx, self.val = enc.N.idx, enc.N.val
        self.vars = enc.N.xs
        self.max_solutions, self.deadline = max_solutions, deadline
        self.perms, self.moves = perms, None  # made at the first ring: most models have none
        self.repeats = False
        self.seen: set[bytes] = set()
        self.rings: list[np.ndarray] = []
        self.capped = False

    def on_solution_callback(self):
        x = np.array([self.Value(v) for v in self.vars], dtype=np.int64)
        if self.moves is None:
            self.moves = _unknown_permutations(self.idx, self.val, self.perms)
            # a relabelling left out might still map one ring of the model onto another (a free
            # entry equal to the fixed one it takes): then the rings are merged afterwards
            self.repeats = len(self.moves) < len(self.perms) + 1
        key = min(row.tobytes() for row in x[self.moves])
        if key in self.seen:
            return
        self.seen.add(key)
        self.rings.append(np.where(self.idx >= 0, x[self.idx] if len(x) else 0, self.val))
        if len(self.rings) >= self.max_solutions:
            self.capped = True
            self.StopSearch()
        elif time.monotonic() >= self.deadline:
            self.StopSearch()


def _unknown_permutations(idx: np.ndarray, val: np.ndarray, perms: np.ndarray) -> np.ndarray:
    """(Q, n) rows q with x[q] the unknowns of the ring relabelled by one of ``perms`` (those
    that map the model onto itself: each unknown's cells onto one unknown's, the non-zero fixed
    entries onto equal ones), the identity first. A relabelling that moves the model gives a
    ring of another model, never one of this search, so it is left out."""
    k = len(idx)
    flat_idx, flat_val = idx.ravel(), val.ravel()
    cf = np.flatnonzero(flat_idx >= 0)
    cz = np.flatnonzero((flat_idx < 0) & (flat_val != 0))
    fi, fv = flat_idx[cf], flat_val[cz]
    n = int(fi.max()) + 1 if len(fi) else 0
    first = np.unique(fi, return_index=True)[1]  # one cell of each unknown
    i, j, l = np.unravel_index(np.concatenate([cf, cz]), idx.shape)
    out = [np.arange(n)[None, :]]
    step = max(1, IMAGES_CHUNK // max(1, len(i)))
    for s in range(0, len(perms), step):
        q = perms[s:s + step]
        cells = (q[:, i] * k + q[:, j]) * k + q[:, l]  # where each cell goes
        image, moved = flat_idx[cells[:, :len(cf)]], cells[:, len(cf):]
        to = image[:, first]  # unknown t goes to unknown to[t]
        # free cells onto free cells (so fixed onto fixed: the map is a bijection of cells),
        # one unknown's cells onto one unknown's, bijectively; non-zero fixed entries kept
        ok = ((image >= 0).all(axis=1) & (flat_idx[moved] < 0).all(axis=1) & (flat_val[moved] == fv).all(axis=1)
              & (to[:, fi] == image).all(axis=1) & (np.sort(to, axis=1) == np.arange(n)).all(axis=1))
        out.append(np.argsort(to[ok], axis=1))  # y[to[t]] = x[t]
    return np.concatenate(out).reshape(-1, n)


def enumerate_rings_cpsat(known, M: np.ndarray, deadline: float, max_solutions: int, res: SearchResult,
                          fixed: dict | None, linear=None, action=None, num_workers: int | None = None,
                          certify: bool = True) -> None:
    """The CP-SAT search of :func:`bootstrap.solver.enumerate_fusion_rings` (the signature of
    bootstrap.solver._enumerate_rings_z3): every ring into ``res.solutions``, one per orbit of
    the blocked relabellings; ``res.complete`` False with the reason past the deadline or
    past ``max_solutions``; no ring at all: z3's unsat core as the violation
    (:func:`certify_none`), or with ``certify`` False ``res.uncertified`` set for the caller
    to certify later."""
    k = len(M)
    T, ub, dual_ok = _ring_bounds(known, M)
    if action is not None:
        ub = action.bound(ub)
    enc = _Encoder(ub, fixed, action.rep if action is not None else None)
    building = "time limit while building the fusion-ring constraints (CP-SAT)"
    stages = 1  # how many of the family stages are stated: what a refutation needs certified
    try:
        for stage, built in enumerate(_stages(enc, M, T, dual_ok, deadline, action)):
            if not built:
                res.complete, res.reason = False, building
                return
            if stage == 2:
                break
            # the linear stages alone refute most actions of the 1-dimensional rows (94 % of
            # 1 500 at [48,28] ⊃ C4): a feasibility solve after each spares them the rest
            ok = _feasible(enc.model, deadline)
            if ok is None:
                res.complete, res.reason = False, "time limit while enumerating fusion rings (CP-SAT)"
                return
            if not ok:
                _refuted(known, M, deadline, fixed, linear, res, action, certify, stages)
                return
            stages = stage + 2  # the next stage is being stated (an _Infeasible there needs it too)
    except _Infeasible:
        _refuted(known, M, deadline, fixed, linear, res, action, certify, stages)
        return
    if LEX_LENGTH:
        _lex_leader(enc, _involutions(ring_symmetries(M, linear)[0], k, action))
    perms, exact = ring_relabellings(M, linear, action)
    res.repeats = res.repeats or not exact
    solver = _solver(deadline, True, num_workers)
    if solver is None:
        res.complete, res.reason = False, "time limit while enumerating fusion rings (CP-SAT)"
        return
    cb = _Collector(enc, perms, max_solutions, deadline)
    status = solver.Solve(enc.model, cb)
    rings = [F for F in cb.rings if _check_ring(F, M, T)]
    res.repeats = res.repeats or cb.repeats
    res.solutions.extend(rings)
    if len(rings) < len(cb.rings):  # an encoding bug, never a ring: say so rather than drop it quietly
        res.complete, res.reason = False, "CP-SAT returned a tensor that is not a fusion ring of this branching"
    elif cb.capped:
        res.complete, res.reason = False, f"more than {max_solutions} fusion rings"
    elif status == cp_model.INFEASIBLE or (status == cp_model.OPTIMAL and not cb.rings):
        _refuted(known, M, deadline, fixed, linear, res, action, certify, 3)
    elif status != cp_model.OPTIMAL:
        res.complete, res.reason = False, "time limit while enumerating fusion rings (CP-SAT)"


def _refuted(known, M, deadline, fixed, linear, res: SearchResult, action, certify: bool, stages: int) -> None:
    if certify:
        certify_none(known, M, deadline, fixed, linear, res, action, stages)
    else:
        res.uncertified = stages


def certify_none(known, M, deadline, fixed, linear, res: SearchResult, action=None, stages: int = 3) -> None:
    """CP-SAT found no ring: z3's unsat core names the refuted families (z3 given at most
    the time :func:`core_deadline` allows; past it, CP-SAT's verdict stands, naming
    both families: :func:`uncertified_violation`). ``stages`` < 3: CP-SAT refuted the first
    ``stages`` of bootstrap.solver.ring_family_stages alone, and z3 is given those alone (a
    core of a subset is a core)."""
    part = SearchResult()
    if time.monotonic() < deadline:
        _enumerate_rings_z3(known, M, core_deadline(deadline), 1, part, fixed, linear, action, stages=stages)
    if part.solutions:  # the two solvers disagree: never claim "no ring"
        res.complete = False
        if stages < 3:  # a model of the linear families alone is no ring
            res.reason = "CP-SAT refuted the linear fusion families where z3 satisfied them"
        else:
            res.solutions.extend(part.solutions)
            res.reason = "CP-SAT found no fusion ring where z3 found one"
        return
    res.violations.extend(part.violations or [uncertified_violation()])


def uncertified_violation() -> Violation:
    """CP-SAT's refutation where z3's core was not found in the time given to certificates."""
    names = f"{FUSION_RESTRICTION} + {FUSION_AXIOMS}"
    return Violation(names, f"no fusion ring is compatible with this branching ({names}; CP-SAT, z3's core "
                            f"not found in the time given to certificates, at most {CORE_LIMIT:g} s)")


class _Branchings(cp_model.CpSolverSolutionCallback):
    def __init__(self, c: list, accept, deadline: float):
        super().__init__()
        self.c, self.accept, self.deadline = c, accept, deadline
        self.found, self.stopped = 0, False

    def on_solution_callback(self):
        self.found += 1
        if not self.accept([self.Value(x) for x in self.c]):
            self.stopped = True
            self.StopSearch()
        elif time.monotonic() >= self.deadline:
            self.StopSearch()


def enumerate_branchings_cpsat(cons, upper: list[int], deadline: float, accept) -> int | None:
    """The branching search of :func:`bootstrap.solver.enumerate_branchings` on CP-SAT: the
    multiplicities 0 ≤ c_v ≤ ``upper[v]`` under the linear constraints ``cons``
    (bootstrap.solver._branching_constraints), every solution handed to ``accept`` (False:
    stop) in one solve. Returns the number of solutions, None where the deadline stopped it
    first (a stop asked for by ``accept`` counts as finished: the caller says why)."""
    if any(op == "in" and not value for _, _, op, value in cons):
        return 0  # an entry no value is allowed for: nothing to enumerate
    m = cp_model.CpModel()
    c = [m.NewIntVar(0, int(u), f"c{i}") for i, u in enumerate(upper)]
    for _, coef, op, value in cons:
        idx = [i for i, co in enumerate(coef) if co]
        e = cp_model.LinearExpr.weighted_sum([c[i] for i in idx], [int(coef[i]) for i in idx])
        if op == "in":
            t = m.NewIntVarFromDomain(cp_model.Domain.FromValues(sorted(value)), "")
            m.Add(e == t)
        elif op == "==":
            m.Add(e == int(value))
        else:
            m.Add(e >= int(value))
    solver = _solver(deadline, True)
    if solver is None:
        return None
    cb = _Branchings(c, accept, deadline)
    status = solver.Solve(m, cb)
    if cb.stopped or status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return cb.found
    return None
