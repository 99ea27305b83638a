"""Model files (SPEC §5's ``symboot identify MODEL``): a zoo model, its parameters and its
ensemble, checked against the builder before anything is built.

A model file is ``{"model": <ZOO name>, "params": {...}, "realisations": n, "seed": s,
"description": "...", "subgroup": {...}, "max_order": m}``; every parameter is checked
against its builder's signature (name, type, range) and the Hilbert-space dimension
against :data:`MAX_DIMENSION`, so a typo is a one-line error and not minutes of work.
"""
from __future__ import annotations

import inspect
import math
from numbers import Integral, Real

import numpy as np

from common.errors import SymbootInputError

from .models import NAMED_GROUPS, ZOO, Model, close_permutation_group, ensemble

__all__ = ["SPEC_KEYS", "MAX_DIMENSION", "check_spec", "ensemble_from_spec"]


#: the keys a model file may have
SPEC_KEYS = ("model", "params", "realisations", "seed", "description", "subgroup", "max_order")

#: the largest Hilbert space a model file may ask for: every sector block is diagonalised
#: densely, and at this size the blocks already reach tens of thousands of levels
MAX_DIMENSION = 2**16

#: largest group whose average random_g_chain takes (one Kronecker square per element)
MAX_GROUP_ORDER = 10_000

#: the fewest sites each chain's terms fit on (a periodic bond needs two distinct sites)
_MIN_SITES = {"s3_chain": 2, "quantum_torus_chain": 3, "ashkin_teller_potts": 2, "d4_spin1_chain": 2,
              "fermi_hubbard": 2, "kdbh_effective": 2, "random_g_chain": 1}
#: local dimension local_dim (Hilbert space local_dim^L) of the chains with a fixed one
_LOCAL_DIM = {"s3_chain": 3, "quantum_torus_chain": 3, "ashkin_teller_potts": 4, "d4_spin1_chain": 3,
              "fermi_hubbard": 4}
#: couplings beyond this are typos or overflow, not physics (float64 keeps ~16 digits)
_MAX_COUPLING = 1e6


def _integer(value, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Real) or not (isinstance(value, Integral) or
                                                                        float(value).is_integer()):
        raise SymbootInputError(f"{what} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise SymbootInputError(f"{what} must be an integer >= {minimum}, got {int(value)}")
    return int(value)


def _real(value, what: str, minimum: float | None = None) -> float:
    lo = -_MAX_COUPLING if minimum is None else minimum
    try:
        x = float(value) if isinstance(value, Real) and not isinstance(value, bool) else math.nan
    except OverflowError:  # an integer beyond float range
        x = math.inf
    if not lo <= x <= _MAX_COUPLING:
        raise SymbootInputError(f"{what} must be a real number in [{lo:g}, {_MAX_COUPLING:g}], got {value!r}")
    return x


def _boolean(value, what: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise SymbootInputError(f"{what} must be true or false, got {value!r}")
    return bool(value)


def _text(value, what: str) -> str:
    if not isinstance(value, str):
        raise SymbootInputError(f"{what} must be a string, got {value!r}")
    return value


def _permutations(value, what: str) -> list[list[int]]:
    if not isinstance(value, (list, tuple)) or not value:
        raise SymbootInputError(f"{what} must be a non-empty list of permutations (0-based image lists), got {value!r}")
    out = []
    local_dim = len(value[0]) if isinstance(value[0], (list, tuple)) else 0
    for g in value:
        if (not isinstance(g, (list, tuple)) or len(g) != local_dim or local_dim == 0
                or not all(isinstance(x, Integral) and not isinstance(x, bool) for x in g) or sorted(g) != list(range(local_dim))):
            raise SymbootInputError(f"{what}: {g!r} is not a permutation of 0..{max(local_dim, 1) - 1} "
                                    "(0-based image lists, all of the same length)")
        out.append([int(x) for x in g])
    return out


#: how each annotation of a builder's signature is checked
_KINDS = {"int": _integer, "float": _real, "bool": _boolean, "str": _text, "Sequence[Sequence[int]]": _permutations}
#: lower bounds of integers and non-negative couplings (relative disorder strength)
_MINIMUM = {"n_b": 1, "sigma": 0.0}


def _dimension(name: str, p: dict) -> tuple[float, str, str]:
    """log10 of the Hilbert-space dimension, how it is written (never the huge number itself)
    and what would fit instead."""
    L = p["L"]
    # sizes beyond float range would overflow the formulas; such a space is too large anyway
    huge = max(L, p.get("n_b", 0)) > 10**15
    if name == "kdbh_effective":
        n_b = p["n_b"]
        log10 = math.inf if huge else (math.lgamma(n_b + L) - math.lgamma(n_b + 1) - math.lgamma(L)) / math.log(10)
        return log10, f"C({n_b + L - 1}, {L - 1}) (n_b = {n_b} bosons in L = {L} modes)", "fewer bosons or modes"
    local_dim = len(p["group_gens"][0]) if name == "random_g_chain" else _LOCAL_DIM[name]
    log10 = math.inf if huge else L * math.log10(local_dim)
    return log10, f"{local_dim}^{L} (L = {L})", f"L <= {int(math.log(MAX_DIMENSION) / math.log(local_dim) + 1e-9)}"


def _check_params(name: str, params) -> dict:
    """``params`` checked against ``ZOO[name]``'s signature, the ranges above and :data:`MAX_DIMENSION`."""
    sig = {k: v for k, v in inspect.signature(ZOO[name]).parameters.items() if k != "rng"}
    accepted = list(sig) + (["group"] if name == "random_g_chain" else [])
    if not isinstance(params, dict):
        raise SymbootInputError(f"model {name}: params must be a JSON object of name: value pairs "
                                f"({', '.join(accepted)}), got {params!r}")
    unknown = sorted(map(str, set(params) - set(accepted)))
    if unknown:
        raise SymbootInputError(f"model {name}: unknown parameter(s) {', '.join(unknown)}; "
                                f"accepted: {', '.join(accepted)}")
    if "group" in params and "group_gens" in params:
        raise SymbootInputError(f"model {name}: give group or group_gens, not both")
    out = {}
    for key, value in params.items():
        what = f"model {name}: parameter {key}"
        if key == "group":
            if not isinstance(value, str) or value not in NAMED_GROUPS:
                raise SymbootInputError(f"{what} must be one of {', '.join(NAMED_GROUPS)} (or give group_gens), "
                                        f"got {value!r}")
            out[key] = value
            continue
        kind = _KINDS[sig[key].annotation]
        if key == "L":
            out[key] = kind(value, what, _MIN_SITES[name])
        elif key in _MINIMUM or kind is _integer:
            out[key] = kind(value, what, _MINIMUM.get(key, 1))
        else:
            out[key] = kind(value, what)
    p = {**{k: v.default for k, v in sig.items()}, **out}
    if "group" in out:
        p["group_gens"] = NAMED_GROUPS[out["group"]][0]
    missing = [k for k, v in p.items() if v is inspect.Parameter.empty]
    if missing:
        raise SymbootInputError(f"model {name}: missing parameter(s) {', '.join(missing)}"
                                + (" (or group instead of group_gens)" if "group_gens" in missing else ""))
    log10, text, fits = _dimension(name, p)
    if log10 > math.log10(MAX_DIMENSION) + 1e-9:
        size = f"≈ 10^{log10:.1f}" if math.isfinite(log10) else "(astronomically large)"
        raise SymbootInputError(f"model {name}: Hilbert-space dimension {text} {size} is more than the "
                                f"{MAX_DIMENSION} states whose sectors are diagonalised densely; use {fits}")
    if name == "random_g_chain":
        local_dim = len(p["group_gens"][0])
        if any(len(g) != local_dim for g in p["known"]):
            raise SymbootInputError(f"model {name}: the known permutations act on {len(p['known'][0])} states, "
                                    f"the group's on {local_dim}")
        group = set(close_permutation_group(p["group_gens"], max_order=MAX_GROUP_ORDER))
        outside = [g for g in p["known"] if tuple(g) not in group]
        if outside:
            raise SymbootInputError(f"model {name}: known permutation(s) {outside} are not in the group "
                                    "that group_gens generate, so they are no symmetry of the chain")
        for a in p["known"]:
            for b in p["known"]:
                if [a[b[s]] for s in range(local_dim)] != [b[a[s]] for s in range(local_dim)]:
                    raise SymbootInputError(f"model {name}: known permutations {a} and {b} do not commute "
                                            "(N must be abelian)")
    return out


def check_spec(spec: dict) -> dict:
    """Check a model file's content before anything is built.

    Parameters
    ----------
    spec : dict
        ``{"model": <ZOO name>, "params": {...}, "realisations": n, "seed": s, ...}``, the keys of
        :data:`SPEC_KEYS`. The parameters are checked against the builder's signature (names
        and types), their ranges (``L`` at least the sites the chain's terms need, couplings
        finite and at most 1e6 in size, ``sigma >= 0``, permutations that are permutations) and
        the Hilbert-space dimension (at most :data:`MAX_DIMENSION`).

    Returns
    -------
    dict
        A copy with the parameters normalised (integers as ``int``, couplings as ``float``).

    Raises
    ------
    SymbootInputError
        An unknown key, model or parameter, a value of the wrong type or out of range.

    Examples
    --------
    >>> check_spec({"model": "s3_chain", "params": {"L": 3.0, "theta": 1}})["params"]
    {'L': 3, 'theta': 1.0}
    >>> try:
    ...     check_spec({"model": "s3_chain", "params": {"L": 1}})
    ... except ValueError as e:
    ...     print(e)
    model s3_chain: parameter L must be an integer >= 2, got 1
    """
    if not isinstance(spec, dict):
        raise SymbootInputError(f"a model file must hold a JSON object, got {type(spec).__name__}")
    unknown = sorted(map(str, set(spec) - set(SPEC_KEYS)))
    if unknown:
        raise SymbootInputError(f"model file: unknown key(s) {', '.join(unknown)}; "
                                f"accepted: {', '.join(SPEC_KEYS)}")
    name = spec.get("model")
    if name is None:
        raise SymbootInputError(f'model file: no "model" key; name one of the zoo: {", ".join(sorted(ZOO))}')
    if not isinstance(name, str) or name not in ZOO:
        raise SymbootInputError(f"unknown model {name!r}; the zoo has {', '.join(sorted(ZOO))}")
    out = dict(spec)
    out["params"] = _check_params(name, {} if spec.get("params") is None else spec["params"])
    out["realisations"] = _integer(spec.get("realisations", 1), "model file: realisations", 1)
    out["seed"] = _integer(spec.get("seed", 0), "model file: seed", 0)
    if spec.get("max_order") is not None:
        out["max_order"] = _integer(spec["max_order"], "model file: max_order", 1)
    if "description" in spec:
        _text(spec["description"], "model file: description")
    return out


def ensemble_from_spec(spec: dict) -> list[Model]:
    """Draw the ensemble a model file describes (checked first by :func:`check_spec`).

    ``spec``: ``{"model": <ZOO name>, "params": {...}, "realisations": n, "seed": s}``;
    for ``random_g_chain`` the params may name ``"group"`` (a key of :data:`NAMED_GROUPS`)
    instead of ``"group_gens"``.

    Examples
    --------
    >>> ms = ensemble_from_spec({"model": "s3_chain", "params": {"L": 3}, "realisations": 2})
    >>> len(ms), ms[0].H.shape
    (2, (27, 27))
    """
    spec = check_spec(spec)
    params = dict(spec["params"])
    if "group" in params:
        g = params.pop("group")
        params["group_gens"] = NAMED_GROUPS[g][0]
        params.setdefault("name", g)
    return ensemble(ZOO[spec["model"]], spec["realisations"], seed=spec["seed"], **params)
