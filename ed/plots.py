"""Matplotlib figures (Agg backend): sector SFFs, the xSFF matrix, R, gap ratios, and
for ready-made curves (no spectra) the raw ``K_{mu nu}(t)`` grid and the plateau.

Every plotting function returns a ``matplotlib.figure.Figure``; :func:`analysis_figures`
and :func:`curve_figures` name the sets the CLI and the report show, :func:`write_all`
saves the first as PNG files.

Examples
--------
>>> import numpy as np
>>> from ed.plots import ramp_heatmap
>>> fig = ramp_heatmap(np.array([[2, 0], [0, 1]]), ["0", "1"])
>>> len(fig.axes) >= 1
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .extract import _early_slope, _smooth  # noqa: E402
from .levelstats import ratio_histogram  # noqa: E402

__all__ = ["sector_sff", "xsff_matrix", "xsff_curves", "ramp_heatmap", "gap_ratio_histograms",
           "analysis_figures", "curve_figures", "write_all"]


def _labels(xs):
    return list(getattr(xs, "labels", None) or [",".join(map(str, c)) for c in xs.charges])


def _norm(xs, beta=2):
    return xs.t / (2 * np.pi) * xs.I2 * _early_slope(beta)


def _betas(xs, ramp):
    return ramp.sector_betas() if ramp is not None else [2] * len(xs.dims)


def sector_sff(xs, ramp=None):
    """Diagonal SFFs ``K_mu mu(t)`` (log-log) with the GUE/GOE ramp reference and windows."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    beta = ramp.beta if ramp is not None else 2
    kramers = [b == 4 for b in _betas(xs, ramp)]
    for m, lab in enumerate(_labels(xs)):
        line, = ax.loglog(xs.t, np.abs(xs.K[m, m]), lw=1, label=f"q=({lab})")
        if ramp is not None and ramp.windows[m]:
            ax.axvspan(*ramp.windows[m], color=line.get_color(), alpha=0.08)
    ax.loglog(xs.t, _norm(xs, beta), "k--", lw=1, label=f"one {'GOE' if beta == 1 else 'GUE'} block (linear)")
    if any(kramers) and beta != 1:
        ax.loglog(xs.t, _norm(xs, 4), "k:", lw=1, label="one Kramers GSE block (linear)")
    ax.set_xlabel("t")
    ax.set_ylabel(r"$K_{\mu\mu}(t)$")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _grid_layout(fig):
    """Fixed margins (in inches) for an S x S grid of small panels: ``tight_layout``
    measures every tick label and takes seconds at S = 6."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=0.45 / w, right=1 - 0.1 / w, bottom=0.35 / h, top=1 - 0.25 / h, wspace=0.3, hspace=0.35)


def xsff_matrix(xs, ramp=None):
    """Grid of normalised ``K_{mu nu}(t)/k_beta(t)`` vs t (per log bin, faint; smoothed over
    ±0.15 in ln t, solid) with the fitted window (shaded) and the fitted value (red)."""
    S = len(xs.dims)
    betas = _betas(xs, ramp)
    fig, axs = plt.subplots(S, S, figsize=(2.2 * S + 1, 2.0 * S + 1), sharex=True, squeeze=False)
    lab = _labels(xs)
    w = np.ones(len(xs.t)) if xs.counts is None else xs.counts.astype(float)
    for a in range(S):
        for b in range(S):
            ax = axs[a][b]
            y = xs.K[a, b] / np.sqrt(_norm(xs, betas[a]) * _norm(xs, betas[b]))
            ax.semilogx(xs.t, y, lw=0.5, color="C0", alpha=0.25)
            ax.semilogx(xs.t, _smooth(xs.t, y, w, 0.15), lw=1.0, color="C0")
            if ramp is not None:
                wa, wb = ramp.windows[a], ramp.windows[b]
                if wa and wb and max(wa[0], wb[0]) < min(wa[1], wb[1]):
                    ax.axvspan(max(wa[0], wb[0]), min(wa[1], wb[1]), color="C1", alpha=0.15)
                if np.isfinite(ramp.fit[a, b]):
                    ax.axhline(ramp.fit[a, b], color="C3", lw=0.8)
            finite = np.abs(ramp.fit[np.isfinite(ramp.fit)]) if ramp is not None else np.zeros(0)
            top = max(1.0, float(finite.max()) if finite.size else 1.0) + 1
            ax.set_ylim(-1, top)
            ax.set_title(f"({lab[a]})x({lab[b]})", fontsize=7)
            ax.tick_params(labelsize=6)
    _grid_layout(fig)
    return fig


def xsff_curves(xs):
    """Grid of the curves ``K_{mu nu}(t)`` as given (per time, faint; smoothed over ±0.15
    in ln t, solid) with their late-time plateau (dashed): for curves read from a file,
    whose normalisation and time grid (linear for the authors' layout) are the file's."""
    S = len(xs.dims)
    fig, axs = plt.subplots(S, S, figsize=(2.2 * S + 1, 2.0 * S + 1), sharex=True, squeeze=False)
    lab = _labels(xs)
    w = np.ones(len(xs.t)) if xs.counts is None else xs.counts.astype(float)
    log_t = getattr(xs, "layout", "symboot") != "authors"
    for a in range(S):
        for b in range(S):
            ax = axs[a][b]
            ax.plot(xs.t, xs.K[a, b], lw=0.5, color="C0", alpha=0.25)
            ax.plot(xs.t, _smooth(xs.t, xs.K[a, b], w, 0.15), lw=1.0, color="C0")
            ax.axhline(xs.plateau[a, b], color="C3", lw=0.8, ls="--")
            if log_t:
                ax.set_xscale("log")
            ax.set_title(f"({lab[a]})x({lab[b]})", fontsize=7)
            ax.tick_params(labelsize=6)
    _grid_layout(fig)
    return fig


def ramp_heatmap(R, labels, title: str = "ramp matrix R"):
    """Heat map of R (integers or fitted values) with the entries written in."""
    R = np.asarray(R, dtype=float)
    fig, ax = plt.subplots(figsize=(1 + 0.6 * len(labels), 1 + 0.5 * len(labels)))
    im = ax.imshow(R, cmap="viridis")
    ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=90)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    finite = R[np.isfinite(R)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    for (i, j), v in np.ndenumerate(R):
        if np.isfinite(v):
            # dark text on viridis' bright (yellow) end, white on its dark end
            bright = hi > lo and (v - lo) / (hi - lo) > 0.6
            # two decimals at most (a cell is narrow); + 0.0 turns a rounded -0.0 into 0
            ax.text(j, i, f"{np.round(v, 2) + 0.0:.3g}", ha="center", va="center", fontsize=7,
                    color="k" if bright else "w")
    fig.colorbar(im, ax=ax)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def gap_ratio_histograms(spectra, bins: int = 25):
    """One panel per sector: histogram of ``r~`` with the Poisson/GOE/GUE/GSE surmises."""
    S = spectra.n_sectors
    cols = min(S, 4)
    rows = (S + cols - 1) // cols
    fig, axs = plt.subplots(rows, cols, figsize=(3 * cols, 2.5 * rows), squeeze=False)
    for m in range(S):
        ax = axs[m // cols][m % cols]
        edges, dens, curves = ratio_histogram(list(spectra.eigenvalues[m]), bins=bins)
        ax.stairs(dens, edges, fill=True, alpha=0.4)
        for kind, (x, y) in curves.items():
            ax.plot(x, y, lw=1, label=kind)
        ax.set_title(f"q=({spectra.labels[m]})", fontsize=8)
    axs[0][0].legend(fontsize=6)
    for m in range(S, rows * cols):
        axs[m // cols][m % cols].axis("off")
    fig.tight_layout()
    return fig


def analysis_figures(analysis) -> Iterator[tuple[str, Figure]]:
    """``(file name, Figure)`` for a spectral analysis, one at a time (the caller closes
    each): sector SFFs, the xSFF matrix, the fitted R and the gap-ratio histograms."""
    xs, ramp = analysis.xsff, analysis.ramp
    yield "sector_sff.png", sector_sff(xs, ramp)
    yield "xsff_matrix.png", xsff_matrix(xs, ramp)
    yield "ramp.png", ramp_heatmap(ramp.fit, _labels(xs), "fitted ramp matrix")
    yield "gap_ratios.png", gap_ratio_histograms(analysis.spectra)


def curve_figures(xs, ramp=None, plateau=None) -> Iterator[tuple[str, Figure]]:
    """``(file name, Figure)`` for ready-made xSFF curves, one at a time: the curves with
    their plateau, the normalised plateau ``plateau.normalised`` and, where a ramp was
    extracted, the normalised xSFF matrix with its windows and the fitted R."""
    yield "xsff_curves.png", xsff_curves(xs)
    if plateau is not None:
        yield "plateau.png", ramp_heatmap(plateau.normalised, _labels(xs), "normalised plateau")
    if ramp is not None:
        yield "xsff_matrix.png", xsff_matrix(xs, ramp)
        yield "ramp.png", ramp_heatmap(ramp.fit, _labels(xs), "fitted ramp matrix")


def write_all(analysis, directory) -> list[Path]:
    """Write :func:`analysis_figures` as ``sector_sff.png``, ``xsff_matrix.png``, ``ramp.png``, ``gap_ratios.png``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for name, fig in analysis_figures(analysis):
        fig.savefig(d / name, dpi=110)
        plt.close(fig)
        out.append(d / name)
    return out
