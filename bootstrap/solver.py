"""The z3 searches of SPEC §3: branching matrices M, then fusion rings per M.

Branchings stay in linear integer arithmetic: the admissible row vectors v are
enumerated in Python (v_μ² ≤ R_μμ, v_μ v_ν ≤ R_μν, d_v ≤ √|G|, ...) and the solver finds
their multiplicities c_v ≥ 0 — a multiset of rows, so relabelling G's irreducibles is
broken by construction (CP-SAT by default, every solution in one solve; z3 model by model,
and z3's core where there is none). Fusion coefficients are linear once M is fixed (restriction,
duality, rigidity); only associativity is quadratic, hence ``SolverFor('QF_NIA')``,
which the SPEC measured to finish where the default solver hangs.

Each constraint family is guarded by one tracking literal so that an unsat core names
families (bootstrap.constraints). The fusion-ring enumeration runs on OR-Tools CP-SAT by
default (bootstrap.cpsat: the same unknowns, bounds, families and symmetry blocking, built from
this module's helpers; faster, and complete on branchings where z3 times out — bench/RESULTS.md);
z3 certifies where it finds no ring (the unsat core) and stays available as ``engine="z3"``.
Every check has the remaining time as its limit; an expired limit is reported as incomplete,
never as "no solution".

>>> from bootstrap.data import parse_data
>>> d = parse_data({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
>>> [M.tolist() for M in enumerate_branchings(d, 2).solutions]
[[[1, 0, 0], [1, 0, 0], [0, 1, 1]]]
"""
from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import z3

from bootstrap.constraints import (
    DATA, DIVISIBILITY, FUSION_AXIOMS, FUSION_RESTRICTION, RECIPROCITY, TRIVIAL,
    Violation, check_divisibility, restricted_products,
)
from bootstrap.data import SpectralData

#: cap on row vectors and on solutions per search (beyond it: incomplete)
MAX_VECTORS = 20000
MAX_BRANCHINGS = 500
MAX_RINGS = 200


@dataclass
class SearchResult:
    """Solutions of one search, whether it finished, and what killed the rest."""

    solutions: list = field(default_factory=list)
    complete: bool = True
    reason: str = ""  # why incomplete
    violations: list[Violation] = field(default_factory=list)  # unsat core / filters, by family
    repeats: bool = False  # the relabellings were too many to block: a ring may occur more than once
    # no ring by CP-SAT's verdict, z3's core not sought (certify=False): the number of
    # ring_family_stages CP-SAT needed to refute (1: restriction and one dual; 3: all); 0: none
    uncertified: int = 0


def _ms(deadline: float) -> int:
    return max(1, int((deadline - time.monotonic()) * 1000))


def _core_names(solver: z3.Solver, flags: dict[str, z3.BoolRef]) -> list[str]:
    core = {str(b) for b in solver.unsat_core()}
    return [name for name, b in flags.items() if str(b) in core]


def _models(s: z3.Solver, flags: dict[str, z3.BoolRef], deadline: float, res: SearchResult, what: str,
            fallback: str, refuted: Callable[[str], str]) -> Iterator[z3.ModelRef]:
    """Each model of ``s`` under the tracking literals, until unsat or a limit; the caller blocks
    each model before asking for the next. An expired limit or z3's 'unknown' marks ``res``
    incomplete; unsat before any model adds one Violation naming the core's families
    (``fallback`` if the core names none), with ``refuted(names)`` as its message."""
    assumptions = list(flags.values())
    first = True
    while True:
        if time.monotonic() >= deadline:
            res.complete, res.reason = False, f"time limit while enumerating {what}"
            return
        s.set("timeout", _ms(deadline))
        ans = s.check(*assumptions)
        if ans == z3.unknown:
            res.complete, res.reason = False, f"z3: {s.reason_unknown()} while enumerating {what}"
            return
        if ans == z3.unsat:
            if first:
                names = _core_names(s, flags) or [fallback]
                res.violations.append(Violation(" + ".join(names), refuted(", ".join(names))))
            return
        first = False
        yield s.model()


# ---------------------------------------------------------------------------
# row vectors
# ---------------------------------------------------------------------------
def admissible_rows(data: SpectralData, index: int) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]], bool]:
    """(rows whose dimension divides |G|, rows excluded only by divisibility, complete?)."""
    K = data.known
    n = [int(x) for x in K.dims]
    r = K.rank
    order = index * K.order
    dmax = math.isqrt(order)
    if data.census_rows is not None:
        cands = sorted({tuple(int(x) for x in row) for row in data.census_rows})
    else:
        ub = [math.isqrt(index) for _ in range(r)]  # v_μ² n_μ ≤ v_μ d_v ≤ [G:N] n_μ
        pair = None
        if data.ramp is not None:
            pair = [[max(data.ramp[a][b]) for b in range(r)] for a in range(r)]
            ub = [min(ub[a], math.isqrt(pair[a][a])) for a in range(r)]
        pl = None
        if data.plateau is not None:
            pl = [[max(data.plateau[a][b]) for b in range(r)] for a in range(r)]
            ub = [min(ub[a], math.isqrt(pl[a][a])) for a in range(r)]
        cands = []
        v = [0] * r
        complete = True

        def rec(mu: int, dim: int) -> None:
            nonlocal complete
            if len(cands) > MAX_VECTORS:
                complete = False
                return
            if mu == r:
                if dim > 0:
                    cands.append(tuple(v))
                return
            for x in range(ub[mu] + 1):
                if dim + x * n[mu] > dmax:
                    break
                if x and pair is not None and any(v[a] and v[a] * x > pair[a][mu] for a in range(mu)):
                    break
                v[mu] = x
                rec(mu + 1, dim + x * n[mu])
            v[mu] = 0

        rec(0, 0)
        if not complete:
            return [], [], False
        if pl is not None:
            # plateau: d_v v_μ v_ν ≤ P_μν
            def ok(w):
                d = sum(a * b for a, b in zip(w, n))
                nz = [a for a in range(r) if w[a]]
                return all(d * w[a] * w[b] <= pl[a][b] for a in nz for b in nz)
            cands = [w for w in cands if ok(w)]
    good, bad = [], []
    for w in cands:
        d = sum(a * b for a, b in zip(w, n))
        (good if order % d == 0 and d * d <= order else bad).append(w)
    return good, bad, True


# ---------------------------------------------------------------------------
# branchings
# ---------------------------------------------------------------------------
def enumerate_branchings(data: SpectralData, index: int, deadline: float | None = None,
                         max_solutions: int = MAX_BRANCHINGS, engine: str | None = None) -> SearchResult:
    """Every branching matrix M (up to row order) allowed by the data at this index.

    The unknowns are the multiplicities c_v ≥ 0 of the admissible rows v
    (:func:`admissible_rows`), the constraints linear (:func:`_branching_constraints`).
    ``engine``: "cpsat" (default :data:`BRANCHING_ENGINE`: OR-Tools CP-SAT enumerates every
    solution in one solve, bootstrap.cpsat) or "z3" (a model, blocked, the next); where
    CP-SAT finds none, z3's unsat core names the refuted families (the certificate)."""
    deadline = deadline if deadline is not None else time.monotonic() + 60
    res = SearchResult()
    good, bad, complete = admissible_rows(data, index)
    if not complete:
        res.complete, res.reason = False, f"more than {MAX_VECTORS} admissible row vectors"
        return res
    rows = good + bad
    cons = _branching_constraints(data, index, rows, len(good))
    r, order = data.known.rank, index * data.known.order
    n = np.array([int(x) for x in data.known.dims])

    def accept(counts) -> bool:
        """Record one solution; False once max_solutions are found."""
        M = _assemble(rows, counts, r)
        kills = check_divisibility(M @ n, order)
        if kills:
            res.violations.extend(kills)
            return True
        res.solutions.append(M)
        if len(res.solutions) >= max_solutions:
            res.complete, res.reason = False, f"more than {max_solutions} branching matrices"
            return False
        return True

    if (engine or BRANCHING_ENGINE) == "cpsat":
        from bootstrap.cpsat import CORE_LIMIT, core_deadline, enumerate_branchings_cpsat

        dims = [sum(a * b for a, b in zip(w, n)) for w in rows]
        found = enumerate_branchings_cpsat(cons, [order // (d * d) for d in dims], deadline, accept)
        if found is None:  # CP-SAT's time ran out
            if res.complete:
                res.complete, res.reason = False, "time limit while enumerating branchings (CP-SAT)"
            return res
        if found:
            return res
        # no branching: z3's core names what refutes the data (core_deadline: at most CORE_LIMIT seconds)
        part = _branchings_z3(rows, cons, core_deadline(deadline), accept, index)
        if res.solutions:  # z3 found one CP-SAT missed: never "no branching"
            res.complete, res.reason = False, "CP-SAT found no branching where z3 found one"
        elif part.violations:
            res.violations.extend(part.violations)
        else:
            res.violations.append(Violation(DATA, f"no branching matrix M at [G:N] = {index} satisfies the data "
                                            f"(CP-SAT; z3's core not found in the time given to certificates, "
                                            f"at most {CORE_LIMIT:g} s)"))
        return res
    part = _branchings_z3(rows, cons, deadline, accept, index)
    res.violations.extend(part.violations)
    if not part.complete and res.complete:
        res.complete, res.reason = False, part.reason
    return res


def _branching_constraints(data: SpectralData, index: int, rows: list[tuple[int, ...]], n_good: int
                           ) -> list[tuple[str, list[int], str, object]]:
    """The linear constraints on the multiplicities c_v of ``rows`` (the first ``n_good``
    admissible, the rest excluded only by divisibility), as (family, coefficients over rows,
    op, value) with op "==", ">=" or "in" (value a set): both engines state these."""
    K = data.known
    n = [int(x) for x in K.dims]
    r = K.rank
    order = index * K.order
    dim = [sum(a * b for a, b in zip(w, n)) for w in rows]
    unit = lambda i: [int(t == i) for t in range(len(rows))]  # noqa: E731
    out = [(DIVISIBILITY, unit(i), "==", 0) for i in range(n_good, len(rows))]
    trivial = tuple(1 if mu == 0 else 0 for mu in range(r))
    out.append((TRIVIAL, unit(rows.index(trivial)) if trivial in rows else [0] * len(rows), ">=", 1))
    for mu in range(r):
        out.append((RECIPROCITY, [w[mu] * d for w, d in zip(rows, dim)], "==", index * n[mu]))
    out.append((RECIPROCITY, [d * d for d in dim], "==", order))

    def data_entry(coef, allowed):
        if any(coef) or 0 not in allowed:  # no admissible row touches most of a sparse R: nothing to say there
            out.append((DATA, coef, "in", frozenset(int(v) for v in allowed)))

    for a in range(r):
        for b in range(a, r):
            if data.ramp is not None:
                data_entry([w[a] * w[b] for w in rows], data.ramp[a][b])
            if data.plateau is not None:
                data_entry([d * w[a] * w[b] for w, d in zip(rows, dim)], data.plateau[a][b])
    if data.census_rows is not None:
        from collections import Counter
        want = Counter(tuple(int(x) for x in row) for row in data.census_rows)
        for i, w in enumerate(rows):
            out.append((DATA, unit(i), ">=", 1) if data.census_distinct else (DATA, unit(i), "==", want.get(w, 0)))
    return out


def _branchings_z3(rows, cons, deadline: float, accept: Callable, index: int | None = None) -> SearchResult:
    """The branchings by z3: each model handed to ``accept`` (False: stop), blocked, the next;
    unsat before any model: the core's families as the violation."""
    res = SearchResult()
    s = z3.SolverFor("QF_LIA")
    flags = {f: z3.Bool(f"track:{f}") for f in (DATA, TRIVIAL, RECIPROCITY, DIVISIBILITY)}
    c = [z3.Int(f"c{i}") for i in range(len(rows))]
    for x in c:
        s.add(x >= 0)
    for family, coef, op, value in cons:
        terms = [co * x for co, x in zip(coef, c) if co]
        e = z3.Sum(terms) if terms else z3.IntVal(0)
        expr = z3.Or([e == v for v in sorted(value)]) if op == "in" else (e == value if op == "==" else e >= value)
        s.add(z3.Implies(flags[family], expr))
    where = f" at [G:N] = {index}" if index is not None else ""
    for model in _models(s, flags, deadline, res, "branchings", DATA,
                         lambda names: f"no branching matrix M{where} satisfies {names} together"):
        counts = [model.eval(x, model_completion=True).as_long() for x in c]
        s.add(z3.Or([x != v for x, v in zip(c, counts)]))
        if not accept(counts):
            break
    return res


def _assemble(rows, counts, r) -> np.ndarray:
    trivial = tuple(1 if mu == 0 else 0 for mu in range(r))
    out = [trivial]
    seen_trivial = False
    for w, cnt in sorted(zip(rows, counts), key=lambda t: (sum(t[0]), [-x for x in t[0]])):
        for _ in range(cnt):
            if w == trivial and not seen_trivial:
                seen_trivial = True
                continue
            out.append(w)
    return np.array(out, dtype=np.int64)


# ---------------------------------------------------------------------------
# fusion rings for one M
# ---------------------------------------------------------------------------
def enumerate_fusion_rings(known, M: np.ndarray, deadline: float | None = None,
                           max_solutions: int = MAX_RINGS, linear_first: bool = True,
                           engine: str | None = None, action_first: bool = True) -> SearchResult:
    """Every commutative fusion ring on G's irreducibles compatible with M (up to relabelling
    irreducibles with equal rows of M). Row 0 of M is G's trivial irreducible.

    The steps: bounds on the unknowns N_ij^l from restriction and duality; the fusion
    restriction (linear); exactly one dual; rigidity; associativity (the only quadratic
    family); then enumeration, blocking each ring and its relabellings. A branching whose rows
    are all 1-dimensional (G abelian) is decided without z3 by bootstrap.linear, at any rank.
    Otherwise the structure of the 1-dimensional rows is fixed first (``linear_first``): each
    group law they can carry, and for each (``action_first``) each action by ⊗ on the other
    rows (bootstrap.linear.linear_actions); the unknowns are then one per orbit of that action
    on the coefficients. Above rank :data:`MAX_RANK` the search runs only where at most
    :data:`MAX_UNKNOWNS` unknowns are left (else: incomplete, with the count).

    ``engine`` picks the enumerator of the remaining search: "z3" (this module) or "cpsat"
    (bootstrap.cpsat, OR-Tools CP-SAT on the same unknowns, bounds and symmetry blocking);
    default :data:`RING_ENGINE`. z3 stays the certificate engine: where CP-SAT finds no ring
    for the branching, z3's unsat core names the refuted families (certified once the
    branching has no ring under any action: a branching with rings shows no core)."""
    deadline = deadline if deadline is not None else time.monotonic() + 60
    from bootstrap.linear import enumerate_linear_rings, is_linear_branching, linear_structures

    if is_linear_branching(known, M):  # every d = 1: group rings, constructed (bootstrap.linear)
        return enumerate_linear_rings(known, M, deadline, max_solutions)
    search = _ring_engine(engine)
    res = SearchResult()
    if not linear_first:
        search(known, M, deadline, max_solutions, res, None)
        return res
    # structure before search: the 1-dimensional rows form a group under ⊗; each of its
    # group laws (up to isomorphism over N, bootstrap.linear) is fixed before the solver runs
    found, complete, reason = linear_structures(known, M, deadline)
    if not complete:
        res.complete, res.reason = False, reason
    if not found or not found[1]:
        if complete:
            res.violations.append(Violation(FUSION_RESTRICTION, "the 1-dimensional rows of M carry no group "
                                            "law compatible with restriction to N"))
        return res
    rows, tables = found  # where the deadline stopped the laws early, the ones built are searched
    killed: list[Violation] = []
    # z3's unsat cores only name what killed a branching that has no ring at all; where some
    # action has rings they are dropped, so CP-SAT's refutations are certified at the end, and
    # only then (a third to a half of a rank-14..20 search's time went to cores never shown)
    uncertified: list[tuple] = []
    if (engine or RING_ENGINE) == "cpsat":
        search = functools.partial(search, certify=False)
    for table in tables:
        linear = (rows, table)
        if not action_first:
            part = SearchResult()
            fixed = {(int(a), int(b)): int(table[x, y]) for x, a in enumerate(rows) for y, b in enumerate(rows)}
            search(known, M, deadline, max_solutions - len(res.solutions), part, fixed, linear)
            res.solutions.extend(part.solutions)
            killed.extend(part.violations)
            if part.uncertified:
                uncertified.append((fixed, linear, None, part.uncertified))
            if not part.complete:
                res.complete, res.reason = False, part.reason
                return res
            continue
        # ... and each action of the 1-dimensional rows on the others by ⊗ (bootstrap.linear)
        from bootstrap.linear import linear_actions, linear_automorphisms

        auts = linear_automorphisms(M, rows, table, limit=720)  # None: too many to reduce the actions by
        actions, done, why = linear_actions(known, M, rows, table, auts, deadline)
        if not done:
            res.complete, res.reason = False, why
            return res
        if not actions:
            killed.append(Violation(FUSION_RESTRICTION, "the 1-dimensional rows of M act in no way on the "
                                    "others by ⊗ that restriction to N allows"))
        for action in actions:
            part = SearchResult()
            if len(M) > MAX_RANK:
                left = action.unknowns(_ring_bounds(known, M)[1])
                if left > MAX_UNKNOWNS:
                    res.complete, res.reason = False, (f"fusion-ring search skipped for rank {len(M)} > {MAX_RANK} "
                                                       f"with {left} > {MAX_UNKNOWNS} unknowns left by the linear action")
                    return res
            search(known, M, deadline, max_solutions - len(res.solutions), part, action.fixed, linear, action)
            res.solutions.extend(part.solutions)
            res.repeats = res.repeats or part.repeats or auts is None
            killed.extend(part.violations)
            if part.uncertified:
                uncertified.append((action.fixed, linear, action, part.uncertified))
            if not part.complete:
                res.complete, res.reason = False, part.reason
                return res
    if not res.solutions:
        from bootstrap.cpsat import certify_none, core_deadline

        # every refuted action's core, one certificate's time for all of them together (an
        # index-20 branching can have tens, ~0.35 s of z3 each): past it CP-SAT's verdict names
        # both families
        budget = core_deadline(deadline)
        for fixed, linear, action, stages in uncertified:
            part = SearchResult()
            certify_none(known, M, budget, fixed, linear, part, action, stages)
            killed.extend(part.violations)
            if part.solutions:  # z3 found a ring CP-SAT refuted: never "no ring"
                res.solutions.extend(part.solutions)
                res.complete, res.reason = False, part.reason
    if not res.solutions:  # what killed the branching, shown only where nothing survived
        res.violations.extend(dict.fromkeys(killed))
    if res.repeats:
        res.solutions, res.repeats, merged = _distinct_rings(M, res.solutions, deadline)
        if not merged:
            res.complete, res.reason = False, "time limit while merging the rings found more than once"
    return res


def _distinct_rings(M: np.ndarray, rings: list[np.ndarray], deadline: float,
                    max_nodes: int = 20000) -> tuple[list, bool, bool]:
    """(one ring per isomorphism class, whether some pair stayed undecided, whether every pair
    was compared before ``deadline``): where the relabellings were too many to block, rings
    found twice are merged afterwards (bootstrap.naming.ring_isomorphism, only between rings
    of equal colours, naming.ring_colours; an undecided pair keeps both, and so does every
    pair left at the deadline)."""
    from bootstrap.naming import IsomorphismUndecided, ring_colours, ring_isomorphism

    out: list[np.ndarray] = []
    by_colours: dict[tuple, list[np.ndarray]] = {}
    undecided = False
    for t, F in enumerate(rings):
        if time.monotonic() >= deadline:
            return out + rings[t:], True, False
        same = False
        kin = by_colours.setdefault(tuple(sorted(ring_colours(F, M))), [])
        for R in kin:
            try:
                if ring_isomorphism(M, R, M, F, max_nodes, deadline) is not None:
                    same = True
                    break
            except IsomorphismUndecided:
                if time.monotonic() >= deadline:
                    return out + rings[t:], True, False
                undecided = True
        if not same:
            out.append(F)
            kin.append(F)
    return out, undecided, True


#: the fusion-ring search runs on branchings of rank ≤ MAX_RANK as they are; above it only where
#: the action of the 1-dimensional rows leaves at most MAX_UNKNOWNS unknowns (else: incomplete)
MAX_RANK = 12
MAX_UNKNOWNS = 600


#: the branching enumerator enumerate_branchings uses by default: "cpsat" or "z3"
BRANCHING_ENGINE = "cpsat"
#: the fusion-ring enumerator enumerate_fusion_rings uses by default: "cpsat" (OR-Tools CP-SAT,
#: bootstrap.cpsat; measured against z3 in bench/bench_cpsat.py, RESULTS.md) or "z3"
RING_ENGINE = "cpsat"


def _ring_engine(engine: str | None):
    engine = engine or RING_ENGINE
    if engine == "z3":
        return _enumerate_rings_z3
    if engine == "cpsat":  # ortools is a declared dependency: no silent fallback to z3
        from bootstrap.cpsat import enumerate_rings_cpsat

        return enumerate_rings_cpsat
    raise ValueError(f"unknown fusion-ring engine {engine!r} (z3 or cpsat)")


def _enumerate_rings_z3(known, M: np.ndarray, deadline: float, max_solutions: int, res: SearchResult,
                        fixed: dict | None, linear=None, action=None, stages: int = 3) -> None:
    """The z3 search of :func:`enumerate_fusion_rings`, with ``fixed[(a, b)] = c`` the product
    a ⊗ b = c where it is given (the group law of the 1-dimensional rows, and with ``action``
    (bootstrap.linear.LinearAction) their action on the others, whose orbits then carry one
    unknown each). ``stages`` < 3: only the first of :func:`ring_family_stages` (a certificate
    for CP-SAT's refutation by those alone; its models are then not rings)."""
    T, ub, dual_ok = _ring_bounds(known, M)
    if action is not None:
        ub = action.bound(ub)
    flags = {f: z3.Bool(f"track:{f}") for f in (FUSION_RESTRICTION, FUSION_AXIOMS)}
    rep = action.rep if action is not None else None
    N, var = _ring_unknowns(ub, fixed, rep=rep)
    s = z3.SolverFor("QF_NIA")
    # bounds and families as SMT-LIB text, parsed by z3 in C in one call: z3's Python API spent
    # seconds on the terms of a rank-15 certificate (the parsed constants are N's: same names,
    # same sort). 0 ≤ N_ij^l ≤ ub_ij^l once per unknown (ub is constant on the cells it stands for)
    text, _ = _ring_unknowns(ub, fixed, lambda key: _Smt("N_{}_{}_{}".format(*key)), rep)
    out = ["(declare-const N_{}_{}_{} Int)".format(*cell) for cell in var]
    out += ["(declare-const |track:%s| Bool)" % f for f in flags]
    out += ["(assert (<= 0 N_{}_{}_{} {}))".format(*cell, int(ub[cell])) for cell in var]

    def guarded(family):
        def add(e):
            if e is not True:
                out.append(f"(assert (=> |track:{family}| {_smt(e)}))")
        return add

    axiom = guarded(FUSION_AXIOMS)
    built = _add_ring_families(guarded(FUSION_RESTRICTION), axiom,
                               lambda c, eqs: axiom(_Smt(f"(=> (= {c} 1) (and {' '.join(eqs)}))")), text, M, T,
                               dual_ok, deadline, action=action, weighted=_weighted_smt, stages=stages)
    if not built:
        res.complete, res.reason = False, "time limit while building the fusion-ring constraints"
        return
    s.from_string("".join(out))
    _enumerate_rings(s, flags, N, var, M, deadline, max_solutions, res, linear, action)


class _Smt(str):
    """An SMT-LIB term (text) with the operators the families use (=, ·, +), for z3's parser."""

    __hash__ = str.__hash__

    def __eq__(self, other):
        return _Smt(f"(= {self} {_smt(other)})")

    def __mul__(self, other):
        return _Smt(f"(* {self} {_smt(other)})")

    __rmul__ = __mul__

    def __add__(self, other):
        return _Smt(f"(+ {self} {_smt(other)})")

    __radd__ = __add__


def _smt(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return str(int(x)) if x >= 0 else f"(- {-int(x)})"
    return str(x)


def _weighted_smt(objs: list, coefs: list[int]) -> _Smt:
    terms = [str(o) if c == 1 else f"(* {_smt(c)} {o})" for o, c in zip(objs, coefs)]
    return _Smt(terms[0] if len(terms) == 1 else "(+ " + " ".join(terms) + ")")


_BOUNDS: dict = {}  # (id(known), M) -> (known, bounds): the searches of one M's actions share them


def _ring_bounds(known, M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T, ub, dual_ok): T_ijρ the restricted products; ub_ij^l the upper bounds on N_ij^l from
    restriction (N_ij^l m_lρ ≤ T_ijρ) and duality (N_ij^0 ≤ 1, and 0 unless M_j = M_i*);
    dual_ok[i, j] whether row j of M is the conjugate of row i. Read-only arrays, computed
    once per (N, M)."""
    key = (id(known), M.shape, M.tobytes())
    hit = _BOUNDS.get(key)
    if hit is not None and hit[0] is known:
        return hit[1]
    out = _compute_ring_bounds(known, M)
    for x in out:
        x.setflags(write=False)
    if len(_BOUNDS) >= 64:
        _BOUNDS.clear()
    _BOUNDS[key] = (known, out)
    return out


def _compute_ring_bounds(known, M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k, r = M.shape
    T = restricted_products(known, M)
    conj_rows = M[:, known.dual]
    ub = np.full((k, k, k), np.iinfo(np.int64).max // 4, dtype=np.int64)
    for l in range(k):
        for rho in range(r):
            if M[l, rho]:
                ub[:, :, l] = np.minimum(ub[:, :, l], T[:, :, rho] // M[l, rho])
    dual_ok = (M[None, :, :] == conj_rows[:, None, :]).all(axis=2)
    ub[:, :, 0] = np.minimum(ub[:, :, 0], dual_ok.astype(np.int64))
    return T, ub, dual_ok


class _Unknowns:
    """N(i, j, l) is N_ij^l — an int where the unit axiom, a zero bound or a given product
    (``fixed[(i, j)] = l``: the group law of the 1-dimensional rows, their action on the
    others) fixes it, else the variable of the unordered pair {i, j} (commutativity) — with
    ``rep`` (LinearAction.rep: flat index of each cell's orbit representative), the variable
    of that representative (equivariance under the fixed action). Every variable is made at
    once, in cell order, by ``new_var((i, j, l))`` (default: the z3 integer ``N_i_j_l``), and
    kept in ``var`` by its cell; ``idx[i, j, l]`` is its position in ``xs`` (-1 where N_ij^l
    is the integer ``val[i, j, l]``): the tables the vectorised families read."""

    def __init__(self, ub: np.ndarray, fixed: dict | None = None, new_var: Callable | None = None,
                 rep: np.ndarray | None = None):
        k = len(ub)
        new_var = new_var or (lambda key: z3.Int("N_{}_{}_{}".format(*key)))
        I, J, L = np.indices((k, k, k))
        val = np.where(I == 0, J == L, I == L).astype(np.int64)  # the unit axiom (i = 0, else j = 0)
        done = (I == 0) | (J == 0)
        if fixed:
            prod = np.full((k, k), -1, dtype=np.int64)
            for (i, j), l in fixed.items():
                prod[i, j] = l
            given = ~done & (prod[I, J] >= 0)
            val[given] = (prod[I, J] == L)[given]
            done |= given
        cell = rep.reshape(k, k, k) if rep is not None else (np.minimum(I, J) * k + np.maximum(I, J)) * k + L
        free = ~done
        if np.any(cell[free] < 0):
            raise ValueError("an unknown cell outside the fixed action's orbits")
        free &= ub.ravel()[np.where(free, cell, 0)] > 0  # a zero bound: the integer 0
        val[~done & ~free] = 0
        cells, pos = np.unique(cell[free], return_inverse=True)
        self.idx = np.full((k, k, k), -1, dtype=np.int64)
        self.idx[free] = pos.ravel()
        self.val = val
        self.var: dict[tuple[int, int, int], object] = {}
        self.xs: list = []
        for f in cells.tolist():
            key = (f // (k * k), f // k % k, f % k)
            self.xs.append(self.var.setdefault(key, new_var(key)))
        self._idx, self._val = self.idx.tolist(), val.tolist()

    def __call__(self, i: int, j: int, l: int):
        t = self._idx[i][j][l]
        return self.xs[t] if t >= 0 else self._val[i][j][l]


def _ring_unknowns(ub: np.ndarray, fixed: dict | None = None, new_var: Callable | None = None,
                   rep: np.ndarray | None = None) -> tuple[_Unknowns, dict]:
    """(N, var): the unknowns (:class:`_Unknowns`) and their variables by cell."""
    N = _Unknowns(ub, fixed, new_var, rep)
    return N, N.var


def _total(terms):
    """Σ terms, folding the integer ones (no solver term for a known value)."""
    consts = sum(t for t in terms if isinstance(t, int))
    sym = [t for t in terms if not isinstance(t, int)]
    if not sym:
        return consts
    total = sym[0]
    for t in sym[1:]:  # not sum(): its start may be text (_Smt)
        total = total + t
    return total + consts if consts else total


def _mul(a, b):
    """a·b, without a solver term where a factor is the integer 0 or 1."""
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(a, int):
        return 0 if a == 0 else (b if a == 1 else a * b)
    if isinstance(b, int):
        return 0 if b == 0 else (a if b == 1 else b * a)
    return a * b


def _add_fusion_restriction(add, N, M: np.ndarray, T: np.ndarray, pairs=None, weighted=_weighted_smt) -> None:
    """Σ_l N_ij^l m_lρ = T_ijρ: fusing then restricting to N is restricting then fusing (linear).
    ``add`` states one constraint, ``weighted(objs, coefs)`` forms Σ coef·obj: the engine's (z3
    here, CP-SAT in bootstrap.cpsat), so both state the same families. ``pairs``: the (i, j)
    to state it for (default every 1 ≤ i ≤ j; under a fixed linear action one per orbit).
    Formed in integers first (:func:`_state_equations`)."""
    k, r = M.shape
    if pairs is None:
        pairs = [(i, j) for i in range(1, k) for j in range(i, k)]
    if not pairs:
        return
    P = np.asarray(pairs, dtype=np.int64)
    I, J = P[:, 0, None, None], P[:, 1, None, None]
    l = np.arange(k)[None, None, :]
    m = np.broadcast_to(M.T[None, :, :], (len(P), r, k))  # m[p, ρ, l] = m_lρ
    u, cu = np.broadcast_to(N.idx[I, J, l], m.shape), np.broadcast_to(N.val[I, J, l], m.shape)
    eq = np.broadcast_to(np.arange(len(P) * r).reshape(len(P), r, 1), m.shape)
    const = np.zeros(len(P) * r, dtype=np.int64)
    np.add.at(const, eq[u < 0], (cu * m)[u < 0])
    const -= T[P[:, 0], P[:, 1]].ravel()
    live = (u >= 0) & (m != 0)
    _state_equations(add, eq[live], u[live] + 1, m[live], const, lambda t: N.xs[t - 1], weighted)


def _state_equations(add, eq: np.ndarray, key: np.ndarray, coef: np.ndarray, const: np.ndarray, term,
                     weighted, seen: set | None = None) -> bool:
    """State Σ_t coef_t · term(key_t) + const_e = 0 for every equation e, its terms given flat
    (eq_t, key_t ≥ 1, coef_t): terms of one key summed (equal terms on both sides cancel),
    equations left with no term checked in integers (0 = c ≠ 0 is ``add(False)``, and False is
    returned), each distinct equation stated once (up to sign; ``seen`` shared across calls)."""
    seen = set() if seen is None else seen
    keys = int(key.max()) + 1 if len(key) else 1
    code, inv = np.unique(eq * keys + key, return_inverse=True)
    total = np.zeros(len(code), dtype=np.int64)
    np.add.at(total, inv.ravel(), coef)
    code, total = code[total != 0], total[total != 0]
    e_of, k_of = code // keys, code % keys
    has = np.zeros(len(const), dtype=bool)
    has[e_of] = True
    if np.any(const[~has] != 0):  # a known value on one side only: no ring
        add(False)
        return False
    cut = np.flatnonzero(np.diff(e_of)) + 1
    starts = np.r_[0, cut] if len(e_of) else np.zeros(0, dtype=np.int64)
    for e, ks, cs in zip(e_of[starts].tolist(), np.split(k_of, cut), np.split(total, cut)):
        c0 = int(const[e])
        if cs[0] < 0:
            cs, c0 = -cs, -c0
        tag = ks.tobytes() + cs.tobytes() + c0.to_bytes(8, "little", signed=True)
        if tag in seen:
            continue
        seen.add(tag)
        add(weighted([term(t) for t in ks.tolist()], cs.tolist()) == -c0)
    return True


def _add_one_dual(add, N, k: int, singles=None) -> None:
    """Σ_j N_ij^0 = 1: each irreducible has exactly one dual (for i in ``singles``, default all)."""
    for i in (range(1, k) if singles is None else singles):
        add(_total([N(i, j, 0) for j in range(1, k)]) == 1)


def _add_rigidity(add, implies, N, dual_ok: np.ndarray, deadline: float, duals=None, inner=None) -> bool:
    """N_ij^l = N_{j* l}^i whenever a = j* (N_ja^0 = 1). ``implies(c, eqs)`` states "c = 1
    forces every one of eqs" in the engine's terms. ``duals``: the (j, a) to state it for
    (default every pair with dual_ok), ``inner`` the (i, l) (default all non-trivial). False
    if the deadline passed first."""
    k = len(dual_ok)
    if duals is None:
        duals = [(j, a) for j in range(1, k) for a in range(1, k) if dual_ok[j, a]]
    if inner is None:
        inner = [(i, l) for i in range(1, k) for l in range(1, k)]
    if not duals or not inner:
        return True
    D, Q = np.asarray(duals, dtype=np.int64), np.asarray(inner, dtype=np.int64)
    i, l = Q[None, :, 0], Q[None, :, 1]
    j, a = D[:, 0, None], D[:, 1, None]
    # N_ij^l against N_al^i for every dual pair and entry at once: only what is not already
    # decided on integers (equal known values, the same unknown) reaches the engine
    li, lv, ri, rv = N.idx[i, j, l], N.val[i, j, l], N.idx[a, l, i], N.val[a, l, i]
    known = (li < 0) & (ri < 0)
    clash = (known & (lv != rv)).any(axis=1)
    open_ = ~known & (li != ri) & ~clash[:, None]
    # each side as one code (an unknown's position, or V + its known value), each equation
    # once per dual pair, as an unordered pair of sides: one np.unique for all of them
    V = len(N.xs)
    sl, sr = np.where(li >= 0, li, V + lv)[open_], np.where(ri >= 0, ri, V + rv)[open_]
    S = int(max(sl.max(initial=0), sr.max(initial=0))) + 1
    t_of = np.broadcast_to(np.arange(len(D))[:, None], open_.shape)[open_]
    code = np.unique((t_of * S + np.minimum(sl, sr)) * S + np.maximum(sl, sr))
    t_eq, lo, hi = code // (S * S), code // S % S, code % S
    side = lambda c: N.xs[c] if c < V else c - V  # noqa: E731
    eqs_of: dict[int, list] = {}
    for t, x, y in zip(t_eq.tolist(), lo.tolist(), hi.tolist()):
        eqs_of.setdefault(t, []).append(side(x) == side(y))
    for t, (jj, aa) in enumerate(D.tolist()):
        if time.monotonic() >= deadline:
            return False
        cond = N(jj, aa, 0)
        if clash[t]:
            add(cond == 0)
            continue
        eqs = eqs_of.get(t)
        if not eqs:
            continue
        if isinstance(cond, int):
            if cond == 1:
                for e in eqs:
                    add(e)
        else:
            implies(cond, eqs)
    return True


#: associativity's terms are formed for this many (pair, entry, m) index triples at a time
ASSOCIATIVITY_CHUNK = 400_000


def _add_associativity(add, N, k: int, deadline: float, mul=_mul, pairs=None, inner=None,
                       weighted=_weighted_smt) -> bool:
    """L_i L_j = L_j L_i for the fusion matrices (L_i)_a^m = N_ia^m: with commutativity, the
    ring is associative. The only quadratic family. ``pairs``: the (i < j) to state it for,
    ``inner`` the entries (a, b) (defaults: all); ``weighted(objs, coefs)`` the engine's
    Σ coef·obj. Each equation Σ_m N_ia^m N_jm^b = Σ_m N_ja^m N_im^b is formed in integers
    first (numpy, all of a chunk of pairs at once): terms equal on both sides cancel — at
    [40,5] ⊃ C2 three quarters of the equations are then 0 = 0 —, the known values are
    folded in, and an equation met twice is stated once; only what is left reaches the
    engine, each product of two unknowns once (``mul``). False if the deadline passed first."""
    if pairs is None:
        pairs = [(i, j) for i in range(1, k) for j in range(i + 1, k)]
    if inner is None:
        inner = [(a, b) for a in range(1, k) for b in range(1, k)]
    if not pairs or not inner:
        return True
    idx, val, xs = N.idx, N.val, N.xs
    V = len(xs)
    # a term's key: u + 1 for the linear term of unknown u, (u + 1)(V + 1) + w + 1 for u·w (u ≤ w)
    P, Q = np.asarray(pairs, dtype=np.int64), np.asarray(inner, dtype=np.int64)
    a, b, m = Q[None, :, 0, None], Q[None, :, 1, None], np.arange(k)[None, None, :]
    products: dict[int, object] = {}

    def term(t: int):
        if t <= V:
            return xs[t - 1]
        if t not in products:
            products[t] = mul(xs[t // (V + 1) - 1], xs[t % (V + 1) - 1])
        return products[t]

    seen: set[bytes] = set()
    step = max(1, ASSOCIATIVITY_CHUNK // (len(Q) * k))
    for s in range(0, len(P), step):
        if time.monotonic() >= deadline:
            return False
        I, J = P[s:s + step, 0, None, None], P[s:s + step, 1, None, None]
        n_eq = len(I) * len(Q)
        eq = np.broadcast_to(np.arange(n_eq).reshape(len(I), len(Q), 1), (len(I), len(Q), k))
        eqs, keys_, coefs, const = [], [], [], np.zeros(n_eq, dtype=np.int64)
        for (x, y), sign in ((((I, a, m), (J, m, b)), 1), (((J, a, m), (I, m, b)), -1)):
            u, cu, w, cw = idx[x], val[x], idx[y], val[y]
            both = (u < 0) & (w < 0)
            np.add.at(const, eq[both], sign * cu[both] * cw[both])
            lin_u = (u >= 0) & (w < 0) & (cw != 0)  # unknown times a known value
            lin_w = (u < 0) & (w >= 0) & (cu != 0)
            quad = (u >= 0) & (w >= 0)
            lo, hi = np.minimum(u[quad], w[quad]), np.maximum(u[quad], w[quad])
            eqs += [eq[lin_u], eq[lin_w], eq[quad]]
            keys_ += [u[lin_u] + 1, w[lin_w] + 1, (lo + 1) * (V + 1) + hi + 1]
            coefs += [sign * cw[lin_u], sign * cu[lin_w], np.full(int(quad.sum()), sign, dtype=np.int64)]
        if not _state_equations(add, np.concatenate(eqs), np.concatenate(keys_), np.concatenate(coefs), const, term,
                                weighted, seen):
            return True
    return True


def _add_ring_families(restrict, add, implies, N, M: np.ndarray, T: np.ndarray, dual_ok: np.ndarray,
                       deadline: float, mul=_mul, action=None, weighted=_weighted_smt, stages: int = 3) -> bool:
    """The families of the fusion-ring search: the first ``stages`` of :func:`ring_family_stages`
    (all three: every family). False if the deadline passed first."""
    return all(itertools.islice(ring_family_stages(restrict, add, implies, N, M, T, dual_ok, deadline, mul, action,
                                                   weighted), stages))


def ring_family_stages(restrict, add, implies, N, M: np.ndarray, T: np.ndarray, dual_ok: np.ndarray,
                       deadline: float, mul=_mul, action=None, weighted=_weighted_smt) -> Iterator[bool]:
    """The families of the fusion-ring search, in the engine's terms (``restrict`` states a
    restriction constraint, ``add`` an axiom, ``implies`` a reified block, ``mul`` a product,
    ``weighted`` a weighted sum), stated in three stages, cheapest first, each yielding False
    if the deadline passed (else True): the fusion restriction and one dual; rigidity;
    associativity (the only quadratic family). An engine may test feasibility between stages:
    at [48,28] ⊃ C4, 88 % of the linear actions fail the first stage and 6 % the second. With
    ``action`` (a fixed linear action, bootstrap.linear.LinearAction) each family is stated
    once per orbit of its index tuples — the other members are the same constraint once the
    unknowns are equivariant."""
    k = len(M)
    if action is None:
        pairs = singles = duals = inner = None
    else:
        pairs, singles, duals, inner = action.pairs(False), action.singles(), action.duals(dual_ok), action.diagonal()
    _add_fusion_restriction(restrict, N, M, T, pairs, weighted)
    _add_one_dual(add, N, k, singles)
    yield True
    yield _add_rigidity(add, implies, N, dual_ok, deadline, duals, inner)
    yield _add_associativity(add, N, k, deadline, mul, None if action is None else action.pairs(True), inner, weighted)


def _enumerate_rings(s: z3.Solver, flags: dict[str, z3.BoolRef], N, var: dict, M: np.ndarray,
                     deadline: float, max_solutions: int, res: SearchResult, linear=None, action=None) -> None:
    """Every model of s into res.solutions as a tensor F, blocking F and its images under
    permutations of irreducibles with equal rows of M (up to 720 of them). With ``linear`` =
    (rows, table), the group law of the 1-dimensional rows is fixed: the images are then
    those under its automorphisms over N times permutations of the other rows; with
    ``action`` also the action on the others: only the relabellings that keep it."""
    k = len(M)
    perms = None  # the relabellings, found once a ring is (a certificate finds none)
    keys = sorted(var)
    for model in _models(s, flags, deadline, res, "fusion rings", FUSION_AXIOMS,
                         lambda names: f"no fusion ring is compatible with this branching ({names})"):
        F = np.zeros((k, k, k), dtype=np.int64)
        for i in range(k):
            for j in range(k):
                for l in range(k):
                    x = N(i, j, l)
                    F[i, j, l] = x if isinstance(x, int) else model.eval(x, model_completion=True).as_long()
        res.solutions.append(F)
        if len(res.solutions) >= max_solutions:
            res.complete, res.reason = False, f"more than {max_solutions} fusion rings"
            return
        if perms is None:
            perms, exact = ring_relabellings(M, linear, action)
            res.repeats = res.repeats or not exact
        for G in ring_images(F, perms):
            s.add(z3.Or([var[key] != int(G[key]) for key in keys]) if keys else z3.BoolVal(False))


def ring_symmetries(M: np.ndarray, linear=None) -> tuple[list[list[int]], list | None, int]:
    """(groups, lin_perms, n_perm): the relabellings under which a ring of M is blocked — the
    permutations of irreducibles with equal rows of M (``groups``, the non-trivial classes of
    size > 1), with ``linear`` = (rows, table) only those outside the 1-dimensional rows, times
    the automorphisms of their group law over N (``lin_perms``); n_perm their number (10⁹ when
    the automorphisms exceed 720). Above 720 images only the ring itself is blocked."""
    k = len(M)
    classes: dict[tuple, list[int]] = {}
    skip = set(linear[0]) if linear is not None else set()
    for i in range(1, k):
        if i not in skip:
            classes.setdefault(tuple(M[i]), []).append(i)
    groups = [g for g in classes.values() if len(g) > 1]
    n_perm = math.prod(math.factorial(len(g)) for g in groups)
    lin_perms = None
    if linear is not None:
        from bootstrap.linear import linear_automorphisms

        lin_perms = linear_automorphisms(M, *linear, limit=720)
        if lin_perms is None:
            n_perm = 10**9
        else:
            n_perm *= len(lin_perms)
    return groups, lin_perms, n_perm


def ring_relabellings(M: np.ndarray, linear=None, action=None) -> tuple[np.ndarray, bool]:
    """(perms, exact): the relabellings blocked after a ring, ring_symmetries', as the rows p
    of a (P, k) array (F goes to G with G[p_i, p_j, p_l] = F[i, j, l]); with a fixed linear
    action, those of them that keep it (LinearAction.stabiliser, at most max(720, 5·10⁷ / k³)
    of them: CP-SAT's canonical key reads each on the unknowns alone). Beyond the limit the
    identity alone, and exact False."""
    k = len(M)
    alone = np.arange(k)[None, :]
    groups, lin_perms, n_perm = ring_symmetries(M, linear)
    if action is not None:
        perms = None
        if lin_perms is not None:
            perms = action.stabiliser(lin_perms, limit=max(720, 50_000_000 // k ** 3))
        if perms is None:
            return alone, False
        return (np.array(perms, dtype=np.int64).reshape(-1, k) if perms else alone), True
    if n_perm > 720:
        return alone, False
    perms = []
    for base, qs in itertools.product(lin_perms or [None],
                                      itertools.product(*(itertools.permutations(g) for g in groups))):
        p = list(range(k))
        for a, b in (base or {}).items():
            p[a] = b
        for g, q in zip(groups, qs):
            for a, b in zip(g, q):
                p[a] = b
        perms.append(p)
    return np.array(perms, dtype=np.int64), True


def ring_images(F: np.ndarray, perms: np.ndarray) -> list[np.ndarray]:
    """F relabelled by each row of ``perms`` (:func:`ring_relabellings`), each distinct image once."""
    k = len(F)
    out, seen = [], set()
    # G[p_i, p_j, p_l] = F[i, j, l], i.e. G = F read through p⁻¹ on each axis: a chunk of perms at once
    inv = np.argsort(perms, axis=1)
    step = max(1, IMAGES_CHUNK // k ** 3)
    for s in range(0, len(inv), step):
        q = inv[s:s + step]
        for G in F[q[:, :, None, None], q[:, None, :, None], q[:, None, None, :]]:
            key = G.tobytes()
            if key not in seen:
                seen.add(key)
                out.append(G)
    return out


#: ring_images relabels at most this many entries at a time
IMAGES_CHUNK = 4_000_000
