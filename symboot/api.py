"""symboot's Python API: the command line's three questions, on arrays and models.

* :func:`identify` — the whole pipeline from Hamiltonians (numpy/scipy arrays, a zoo model,
  a model file), saved sector spectra or ready-made xSFF curves to the named groups;
* :func:`solve` — every representation theory of G ⊃ N consistent with integer data;
* :func:`verify` — is the data consistent with a named group, and if not, why.

Each returns a typed result with a readable ``repr`` (and an HTML one in a notebook);
bad input raises :class:`common.errors.SymbootInputError` with the message the command
line prints.

Examples
--------
>>> import numpy as np
>>> from ed.models import s3_chain
>>> m = s3_chain(L=4, rng=np.random.default_rng(0))
>>> r = identify([m.H], generators=m.generators)
>>> r.verdict, r.groups
('G = S3, unique', [(6, 1)])
>>> solve({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]})
Result(status='complete', |G|=6, groups=[S3 [6,1]], candidates=1)
>>> verify({"subgroup": {"cyclic": 3}, "ramp": [[2, 0, 0], [0, 1, 1], [0, 1, 1]]}, "A4").status
'inconsistent'
"""
from __future__ import annotations

from pathlib import Path

from common import jsonio
from common.errors import SymbootInputError

__all__ = ["identify", "solve", "verify", "model_spec"]


def _data(data):
    """SpectralData from itself, an input object (dict) or an input file's path."""
    from bootstrap.data import SpectralData, load_data, parse_data

    if isinstance(data, SpectralData):
        return data
    if isinstance(data, dict):
        return parse_data(data)
    if isinstance(data, (str, Path)):
        return load_data(data)
    raise SymbootInputError(f"data must be SpectralData, an input object or a file path, got {type(data).__name__}")


def solve(data, *, time_limit: float = 10.0, abstract: bool = True, max_rank: int | None = None):
    """Every representation theory of G ⊃ N consistent with ``data`` (SPEC §3), exact, named.

    Parameters
    ----------
    data : SpectralData, dict or path
        The integer data: ``{"subgroup": {...}, "ramp": [[...]], "plateau": ..., "census": ...}``
        (bootstrap.data), or a file holding it.
    time_limit : float
        Seconds for the abstract (SMT) search; the named search is not limited.
    abstract : bool
        Run the abstract search at all.
    max_rank : int, optional
        Largest rank for the abstract fusion-ring search (default: the search's own limits,
        bootstrap.engine.solve).

    Returns
    -------
    bootstrap.engine.Result
        ``status`` ('complete', 'incomplete', 'inconsistent'), ``groups``, ``candidates``.
    """
    from bootstrap.engine import solve as run

    return run(_data(data), time_limit=time_limit, abstract=abstract, max_rank=max_rank)


def verify(data, group, subgroup_class: int | None = None):
    """Is ``data`` consistent with ``group`` (a name like "S3" or an id [6, 1])?

    Returns
    -------
    bootstrap.verify.Verdict
        ``status`` 'consistent', 'inconsistent' (``reasons``: the violated constraints in
        words) or 'undecided' (the database does not store every subgroup class it needs).
    """
    from bootstrap.verify import verify as run

    return run(_data(data), group, subgroup_class)


def _read_model_file(path) -> dict:
    obj = jsonio.read(path, "model file")
    if not isinstance(obj, dict):
        raise SymbootInputError(f"model file {path} must hold a JSON object")
    return obj


def model_spec(model, params: dict | None = None, realisations: int | None = None, seed: int | None = None) -> dict:
    """A checked model spec from a zoo name, a model file or a spec, with overrides.

    ``params`` update the model's parameters; ``realisations`` and ``seed`` replace the
    file's. Everything is checked (:func:`ed.modelspec.check_spec`, and the spec's
    ``"subgroup"``) before anything is built.
    """
    from bootstrap.known import known_subgroup
    from ed.modelspec import check_spec
    from ed.models import ZOO

    if isinstance(model, dict):
        spec = dict(model)
    elif isinstance(model, str) and model in ZOO:
        spec = {"model": model, "params": {}}
    elif isinstance(model, (str, Path)) and (Path(model).suffix == ".json" or Path(model).exists()):
        spec = _read_model_file(model)
    else:
        raise SymbootInputError(f"{model!r} is neither a model file nor a zoo model ({', '.join(sorted(ZOO))})")
    if params:
        base = {} if spec.get("params") is None else spec["params"]
        # a malformed "params" stays as it is, for check_spec to name
        spec["params"] = {**base, **params} if isinstance(base, dict) else base
    if realisations is not None:
        spec["realisations"] = realisations
    if seed is not None:
        spec["seed"] = seed
    spec = check_spec(spec)
    if spec.get("subgroup") is not None:
        known_subgroup(spec["subgroup"])  # now, not after the diagonalisation
    return spec


def _is_model(H) -> bool:
    from ed.models import Model

    if isinstance(H, (str, Path, dict, Model)):
        return True
    return isinstance(H, (list, tuple)) and len(H) > 0 and all(isinstance(m, Model) for m in H)


def _matrices(H) -> list:
    """One Hamiltonian, or a sequence of them (disorder realisations), as a list."""
    if isinstance(H, (list, tuple)):
        if not H:
            raise SymbootInputError("no Hamiltonian given")
        return list(H)
    return [H]


def identify(H=None, generators=None, *, orders=None, group=None, spectra=None, xsff=None, subgroup=None,
             sectors: dict | str | None = None,
             realisations: int | None = None, seed: int | None = None, max_order: int | None = None,
             time_limit: float = 10.0, workers: int | None = None, min_levels: int = 10, progress: bool = False,
             source: dict | None = None, time_reversal: bool | None = None, antiunitary=None, **params):
    """The whole pipeline (SPEC §5): sectors → spectra → level statistics → xSFF → integers →
    bootstrap → named groups, verdict and advice.

    Give exactly one input:

    * ``H`` with ``generators``: a Hamiltonian (dense or scipy.sparse) or a list of them
      (disorder realisations of one symmetric ensemble), and the commuting unitary
      generators of an abelian N (``orders``: their declared orders, checked); with
      ``group`` (a groupdb name or id) the generators generate a non-abelian N and its
      isotypic sectors are used;
    * ``H`` a model: a zoo name (``"s3_chain"``, its parameters as keywords, e.g. ``L=6``),
      a model file's path, a model spec (dict), or ed.models.Model realisations;
    * ``spectra``: sector spectra (ed.spectra.SectorSpectra or a file of ``symboot spectra``);
    * ``xsff``: xSFF curves (ed.xsff.XSFF or a file in symboot's or the authors' layout).

    Parameters
    ----------
    subgroup : dict, optional
        N's input form ({"cyclic": 3}, {"abelian": [2, 2]}, {"name": "S3"}) where the input
        does not say (spectra or curves of a non-abelian N) or to override it.
    sectors : dict or str, optional
        For curves labelled by a named N: which sector label is which irreducible of N
        (``{"(0,+)": 1, ...}`` or ``"(0,+)=1,(0,-)=2,..."``, 1-based as ``symboot groups show``
        numbers them χ1, χ2, ...). Without it every map that preserves the dimensions is
        tried, one per class under Aut(N), and the verdict is the union of what they give.
    realisations, seed : int, optional
        For a model: how many disorder realisations, and the seed.
    max_order : int, optional
        Largest |G| considered (default: the database's coverage).
    time_limit : float
        Seconds for the abstract SMT search.
    workers : int, optional
        Processes for the diagonalisation (default: all cores).
    min_levels : int
        Smallest sector size accepted.
    progress : bool
        Show progress on stderr.
    source : dict, optional
        How the report describes the input (default: from the arguments).
    time_reversal : bool, optional
        Declare an anti-unitary T commuting with G (real couplings where G acts by real
        matrices): the sector classes then fix Frobenius–Schur indicators, which tell D8 from
        Q8 (SPEC §6). Default: True for a ``random_g_chain`` with ``real`` couplings (its G acts
        by permutations), else False. Kramers sectors are read as such either way.
    antiunitary : matrix or ``"model"``, optional
        ``"model"`` with a model: the model's own anti-unitary symmetry (``Model.antiunitary``:
        complex conjugation where its Hamiltonian is real by construction), used as a given one.
        With ``H`` and ``generators``: the unitary part A of an anti-unitary symmetry
        T = A K (K complex conjugation in the given basis). Checked (unitary, T H = H T for
        every H, T maps sectors onto sectors, T² = ±1 on each); the sectors it pairs are then
        known, not inferred, and the readings of the named groups as magnetic groups must
        respect them (:func:`symboot.antiunitary.magnetic_fits`).

    Returns
    -------
    symboot.pipeline.IdentifyResult
        ``verdict``, ``groups`` ([(order, i), ...]), ``solution`` (the bootstrap's result),
        ``advice``, ``notes``; :func:`symboot.report.write_report` writes its report.
    """
    from symboot import pipeline

    given = [name for name, x in (("H", H), ("spectra", spectra), ("xsff", xsff)) if x is not None]
    if len(given) != 1:
        raise SymbootInputError("give exactly one input: Hamiltonian(s) or a model, spectra, or xSFF curves")
    if params and not (H is not None and _is_model(H)):
        raise SymbootInputError(f"unknown keyword(s) {', '.join(sorted(params))}: model parameters need a model")
    say = pipeline.stderr_progress if progress else None
    own = isinstance(antiunitary, str) and antiunitary == "model"
    if own and not (H is not None and _is_model(H)):
        raise SymbootInputError("the model's own anti-unitary goes with a model input")
    if antiunitary is not None and not own and (H is None or _is_model(H) or generators is None):
        raise SymbootInputError("an anti-unitary operator goes with Hamiltonian matrices and the generators of N "
                                "(with a model: its own, antiunitary='model')")
    if antiunitary is not None and time_reversal:
        raise SymbootInputError("give either time reversal commuting with G or an anti-unitary operator, not both")
    if H is not None and _is_model(H):
        return _identify_model(H, params, realisations, seed, subgroup, max_order, time_limit, workers,
                               min_levels, progress, source, time_reversal, own)
    if H is not None:
        if generators is None:
            raise SymbootInputError("give the generators of N with the Hamiltonian(s)")
        from ed.sectors import decompose

        Hs, Us = _matrices(H), list(generators)
        dec = decompose(Us, orders, group)
        src = source or {"kind": "matrix", "description": f"{len(Hs)} matrix(es)", "params": {}}
        if say:
            say("sectors, spectra, level statistics, xSFF, census")
        return pipeline.identify_matrices(Hs, Us, orders, source=src,
                                          subgroup=subgroup or ({"name": group} if group else None),
                                          max_order=max_order, time_limit=time_limit, workers=workers,
                                          min_levels=min_levels, progress=progress, dec=dec,
                                          time_reversal=bool(time_reversal), antiunitary=antiunitary)
    if spectra is not None:
        return _identify_spectra(spectra, subgroup, max_order, time_limit, min_levels, say, source, bool(time_reversal))
    return _identify_curves(xsff, subgroup, max_order, time_limit, say, source, sectors)


def _identify_model(H, params, realisations, seed, subgroup, max_order, time_limit, workers, min_levels,
                    progress, source, time_reversal, own_antiunitary=False):
    from ed import modelspec
    from ed.models import Model
    from symboot import pipeline

    if isinstance(H, Model) or isinstance(H, (list, tuple)):
        ms = [H] if isinstance(H, Model) else list(H)
        spec = {"model": ms[0].name, "params": {}}
    else:
        spec = model_spec(H, params, realisations, seed)
        if progress:
            pipeline.stderr_progress(f"drawing {spec['realisations']} realisation(s) of {spec['model']}")
        ms = modelspec.ensemble_from_spec(spec)
    src = source or {"kind": "model", "description": spec.get("description", spec["model"]),
                     "params": {k: v for k, v in spec.items() if k != "description"}}
    A = ms[0].antiunitary if own_antiunitary else None
    if own_antiunitary:
        if A is None:
            raise SymbootInputError(f"model {ms[0].name} has no anti-unitary symmetry of its own with these "
                                    "parameters (none is built in: a real Hamiltonian's complex conjugation)")
        src = {**src, "params": {**src.get("params", {}), "antiunitary": "the model's own"}}
    if progress:
        pipeline.stderr_progress("sectors, spectra, level statistics, xSFF, census")
    return pipeline.identify_matrices([m.H for m in ms], ms[0].generators, ms[0].orders, source=src,
                                      subgroup=subgroup or spec.get("subgroup"), fixed=ms[0].fixed,
                                      max_order=max_order or spec.get("max_order"), time_limit=time_limit,
                                      workers=workers, min_levels=min_levels, progress=progress,
                                      time_reversal=bool(time_reversal) if own_antiunitary
                                      else _time_reversal(time_reversal, ms[0]), antiunitary=A)


def _time_reversal(declared: bool | None, model) -> bool:
    """Declared, or implied by the model: a random G-chain with real couplings has T = K
    commuting with its G, which acts by real permutation matrices."""
    if declared is not None:
        return declared
    return model.name == "random_g_chain" and bool(model.params.get("real"))


def _identify_spectra(spectra, subgroup, max_order, time_limit, min_levels, say, source, time_reversal):
    from bootstrap.known import known_subgroup
    from ed.analysis import analyse_spectra
    from ed.spectra import load_spectra
    from symboot import pipeline

    name = str(spectra) if isinstance(spectra, (str, Path)) else "sector spectra"
    s = load_spectra(spectra) if isinstance(spectra, (str, Path)) else spectra
    if say:
        say("level statistics, xSFF, census")
    a = analyse_spectra(s, min_levels=min_levels)
    known_spec = subgroup or (pipeline.subgroup_of_orders(s.orders) if s.orders else None)
    if known_spec is None:
        raise SymbootInputError(f"{name} does not say what N is: give --cyclic, --abelian or --subgroup")
    src = source or {"kind": "spectra", "description": name, "params": {}}
    return pipeline.identify_analysis(a, known_subgroup(known_spec), src, max_order=max_order,
                                      time_limit=time_limit, say=say, time_reversal=time_reversal)


def _identify_curves(xsff, subgroup, max_order, time_limit, say, source, sectors=None):
    from bootstrap.known import known_subgroup
    from ed.xsff_io import abelian_charge_order, load_xsff
    from symboot import pipeline

    name = str(xsff) if isinstance(xsff, (str, Path)) else "xSFF curves"
    xs = load_xsff(xsff) if isinstance(xsff, (str, Path)) else xsff
    found = abelian_charge_order(xs)
    charge_spec = pipeline.subgroup_of_orders(found[0]) if found else None
    notes = []
    if found and sectors is None and (subgroup is None or subgroup == charge_spec):
        # charge vectors in any stored order: N's irreducibles are the lexicographic order
        if found[1] != sorted(found[1]):
            xs = xs.reordered(found[1])
            notes.append("the file's sectors were put into lexicographic order of their charge vectors")
        subgroup = charge_spec
    if subgroup is None:
        raise SymbootInputError(f"{name}: the sectors are not charge vectors of an abelian N; "
                                "name N with --subgroup (and map the sectors with --sectors)")
    if say:
        say(f"xSFF curves read ({xs.layout} layout); extracting integers")
    src = source or {"kind": "xsff", "description": name, "params": {"layout": xs.layout}}
    known = known_subgroup(subgroup)
    if sectors is not None:
        xs = xs.reordered(pipeline.sector_map(xs, known, sectors))
    elif subgroup != charge_spec and xs.layout != "symboot":
        # a file's labels of a named N: which label is which irreducible is not known
        return pipeline.identify_unlabelled_curves(xs, known, src, max_order=max_order, time_limit=time_limit,
                                                   say=say, notes=notes)
    r = pipeline.identify_curves(xs, known, src, max_order=max_order, time_limit=time_limit, say=say)
    r.notes[:0] = notes
    return r
