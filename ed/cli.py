"""``symboot spectra`` and ``symboot xsff``: the spectral half on the command line.

Bad input raises :class:`common.errors.SymbootInputError`; the ``symboot``
group (symboot/cli.py) prints it as one line and exits with code 2. Output
files are written atomically (temporary name, then rename), so a failure
never leaves a half-written file.

Examples
--------
>>> from click.testing import CliRunner
>>> from ed.cli import xsff
>>> CliRunner().invoke(xsff, ["--help"]).exit_code
0
"""
from __future__ import annotations

from pathlib import Path

import click

from common import jsonio
from common.options import POSITIVE, Finite
from common.errors import SymbootInputError

from .atomic import atomic_target, check_writable
from .sectors import decompose
from .xsff import MAX_FILTER_WIDTH

__all__ = ["commands", "spectra", "xsff", "load_matrix"]


def load_matrix(path: str):
    """Read a matrix: ``scipy.sparse.save_npz`` file, ``.npy`` array, or an
    ``.npz`` holding one dense array (any key; ``H``/``U``/``arr_0`` preferred).

    Examples
    --------
    >>> import tempfile, os, scipy.sparse as sp
    >>> p = os.path.join(tempfile.mkdtemp(), "h.npz")
    >>> sp.save_npz(p, sp.identity(3, format="csr"))
    >>> load_matrix(p).shape
    (3, 3)
    """
    import scipy.sparse as sp

    from .validate import check_matrix, read_arrays

    arrays = read_arrays(path, "a matrix")
    keys = set(arrays)
    if {"data", "indices", "indptr", "shape", "format"} <= keys or {"row", "col", "data", "shape", "format"} <= keys:
        try:
            return check_matrix(sp.load_npz(path), str(path))
        except SymbootInputError:
            raise
        except Exception as exc:  # inconsistent index arrays: scipy's own message names them
            raise SymbootInputError(f"cannot read a matrix from {path}: {exc}") from None
    key = next((k for k in ("H", "U", "matrix", "arr_0") if k in keys), None)
    if key is None and len(keys) == 1:
        key, = keys
    if key is None:
        raise SymbootInputError(f"{path}: an .npz with several arrays and none named H, U, matrix or arr_0")
    return check_matrix(arrays[key], str(path) if len(keys) == 1 else f"{path}: {key}")


def _load_inputs(matrix, generator, order):
    if not matrix:
        raise SymbootInputError("give at least one --matrix")
    if not generator:
        raise SymbootInputError("give at least one --generator")
    if order and len(order) != len(generator):
        raise SymbootInputError(f"{len(order)} --order values for {len(generator)} generators")
    Hs = [load_matrix(m) for m in matrix]
    Us = [load_matrix(u) for u in generator]
    return Hs, Us, (list(order) if order else None)


_common = [
    click.option("--matrix", "matrix", multiple=True, type=click.Path(dir_okay=False),
                 help="Hamiltonian (save_npz / .npy / .npz); repeat for an ensemble of realisations."),
    click.option("--generator", "generator", multiple=True, type=click.Path(dir_okay=False),
                 help="commuting unitary generator U_i of N (finite order); repeat for several."),
    click.option("--order", "order", multiple=True, type=POSITIVE,
                 help="declared order n_i of each generator (checked; found when omitted)."),
    click.option("--workers", type=POSITIVE, default=None, help="worker processes (default: all cores)."),
    click.option("--min-levels", type=POSITIVE, default=10, show_default=True,
                 help="smallest sector size accepted for statistics."),
    click.option("--group", "group", default=None,
                 help="non-abelian N: its groupdb name/id; the generators then generate N and sectors "
                      "are N's irreps (multiplicity spaces), in the table's irrep order."),
]


def _with_common(f):
    for opt in reversed(_common):
        f = opt(f)
    return f


@click.command("spectra")
@_with_common
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="output file (.h5/.hdf5 → HDF5, otherwise NPZ).")
@click.option("--quiet", is_flag=True, help="no progress display.")
def spectra(matrix, generator, order, workers, min_levels, group, output, quiet):
    """Compute the full spectrum of every N-sector (every realisation) and save it."""
    from .spectra import compute_spectra, save_spectra
    from .validate import check_commuting, check_hamiltonian

    check_writable(output, "-o/--output")
    Hs, Us, ords = _load_inputs(matrix, generator, order)
    Hs = [check_hamiltonian(H, f"matrix {k} ({matrix[k]})") for k, H in enumerate(Hs)]
    dec = decompose(Us, ords, group)
    for k, H in enumerate(Hs):
        if H.shape[0] != dec.sectors[0].basis.shape[0]:
            raise SymbootInputError(f"matrix {k} has size {H.shape[0]}, generators {dec.sectors[0].basis.shape[0]}")
        for i, U in enumerate(Us):
            check_commuting(H, U, f"matrix {k} ({matrix[k]}) and generator {i} ({generator[i]})")
    small = [(c, d) for c, d in zip(dec.charges, dec.dims) if d < min_levels]
    if small:
        raise SymbootInputError("sector(s) too small for statistics: "
                                + ", ".join(f"charges {list(c)} has {d} levels" for c, d in small))
    s = compute_spectra(Hs, dec, workers=workers, progress=not quiet,
                        params={"matrices": list(matrix), "generators": list(generator)})
    save_spectra(s, output)
    click.echo(jsonio.dumps({"output": str(output), "sectors": [list(c) for c in s.charges], "dims": s.dims,
                           "orders": list(s.orders), "realisations": s.n_realisations}))


@click.command("xsff")
@_with_common
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON on stdout.")
@click.option("--beta", type=click.Choice(["auto", "1", "2"]), default="auto",
              help="RMT class for the ramp (auto: level statistics + integrality).")
@click.option("--times", type=click.IntRange(10, 100_000), default=300, show_default=True,
              help="log time bins (10 to 100000: the ramp window spans several bins).")
@click.option("--filter-width", type=Finite(maximum=MAX_FILTER_WIDTH), default=0.4, show_default=True,
              help="Gaussian filter width / spectrum standard deviation (> 0).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="also write the JSON to this file.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False), default=None,
              help="write PNG plots (sector SFFs, xSFF matrix, R heat map, gap ratios) here.")
@click.option("--spectra", "spectra_file", type=click.Path(dir_okay=False), default=None,
              help="analyse spectra saved by `symboot spectra` instead of --matrix/--generator.")
@click.option("--save-xsff", "xsff_out", type=click.Path(dir_okay=False), default=None,
              help="also save the curves in symboot's xSFF layout (NPZ; read back by `symboot identify --xsff`).")
@click.option("--quiet", is_flag=True, help="no progress display.")
def xsff(matrix, generator, order, workers, min_levels, group, as_json, beta, times, filter_width, output,
         plot_dir, spectra_file, xsff_out, quiet):
    """Sector spectra → level statistics → xSFF → ramp matrix R, plateau P and the multiplet census.

    Sectors, and the rows/columns of R and P, are in lexicographic order of the
    charge vectors (q_i: eigenvalue exp(2 pi i q_i/n_i) of generator i).
    """
    _check_outputs(output, xsff_out, plot_dir)
    if spectra_file:
        from .analysis import analyse_spectra
        from .spectra import load_spectra

        if matrix or generator:
            raise SymbootInputError("give either --spectra or --matrix/--generator, not both")
        a = analyse_spectra(load_spectra(spectra_file), min_levels=min_levels, beta=None if beta == "auto" else int(beta),
                            n_times=times, filter_width=filter_width)
    else:
        a = _analyse_matrices(matrix, generator, order, group, min_levels, beta, workers, times, filter_width, quiet)
    if xsff_out is not None:
        from .xsff_io import save_xsff

        save_xsff(a.xsff, xsff_out)
    _emit(a, as_json, output, plot_dir)


def _check_outputs(output, xsff_out, plot_dir):
    """Every output of ``xsff``, checked before the analysis runs and before any is written."""
    for target, what in ((output, "-o/--output"), (xsff_out, "--save-xsff")):
        if target is not None:
            check_writable(target, what)
    same = output is not None and xsff_out is not None and Path(output).resolve() == Path(xsff_out).resolve()
    if same and (Path(output).is_file() or not Path(output).exists()):  # a device or FIFO may well take both
        raise SymbootInputError(f"-o/--output and --save-xsff name the same file: {output}")
    if plot_dir is not None:
        check_writable(plot_dir, "--plot", directory=True)


def _analyse_matrices(matrix, generator, order, group, min_levels, beta, workers, times, filter_width, quiet):
    from .analysis import analyse

    Hs, Us, ords = _load_inputs(matrix, generator, order)
    dec = decompose(Us, ords, group)
    return analyse(Hs, Us, ords, min_levels=min_levels, beta=None if beta == "auto" else int(beta),
                   workers=workers, n_times=times, filter_width=filter_width, progress=not quiet,
                   params={"matrices": list(matrix), "generators": list(generator)}, dec=dec)


def _emit(a, as_json, output, plot_dir):
    out = a.to_json()
    text = jsonio.dumps(out)
    if output is not None:
        with atomic_target(Path(output)) as tmp:
            tmp.write_text(text + "\n")
    if plot_dir is not None:
        from .plots import write_all

        write_all(a, plot_dir)
    if as_json:
        click.echo(text)
    else:
        click.echo(f"sectors: {[s['charges'] for s in out['sectors']]}")
        click.echo(f"dims:    {[s['dim'] for s in out['sectors']]}")
        click.echo(f"<r>:     {[s['r_mean'] for s in out['sectors']]} ({[s['class'] for s in out['sectors']]})")
        click.echo(f"R ({'exact' if out['ramp_exact'] else 'NOT exact'}, beta={out['beta']}): {out['ramp']}")
        click.echo(f"census rows: {out['census']['rows']} counts: {out['census']['counts']}")
        for n in out["notes"]:
            click.echo(f"note: {n}")


commands = [spectra, xsff]
