"""Matplotlib figures (Agg backend): sector SFFs, the xSFF matrix, R, gap ratios.

Every function returns a ``matplotlib.figure.Figure``; :func:`write_all`
saves the lot as PNG files.

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

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .extract import _smooth  # noqa: E402
from .levelstats import ratio_histogram  # noqa: E402

__all__ = ["sector_sff", "xsff_matrix", "ramp_heatmap", "gap_ratio_histograms", "write_all"]


def _labels(xs):
    return [",".join(map(str, c)) for c in xs.charges]


def _norm(xs, beta=2):
    return xs.t / (2 * np.pi) * xs.I2 * (2.0 if beta == 1 else 1.0)


def sector_sff(xs, ramp=None):
    """Diagonal SFFs ``K_mu mu(t)`` (log-log) with the GUE/GOE ramp reference and windows."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    beta = ramp.beta if ramp is not None else 2
    for m, lab in enumerate(_labels(xs)):
        line, = ax.loglog(xs.t, np.abs(xs.K[m, m]), lw=1, label=f"q=({lab})")
        if ramp is not None and ramp.windows[m]:
            ax.axvspan(*ramp.windows[m], color=line.get_color(), alpha=0.08)
    ax.loglog(xs.t, _norm(xs, beta), "k--", lw=1, label=f"one {'GOE' if beta == 1 else 'GUE'} block (linear)")
    ax.set_xlabel("t")
    ax.set_ylabel(r"$K_{\mu\mu}(t)$")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def xsff_matrix(xs, ramp=None):
    """Grid of normalised ``K_{mu nu}(t)/k_beta(t)`` vs t (per log bin, faint; smoothed over
    ±0.15 in ln t, solid) with the fitted window (shaded) and the fitted value (red)."""
    S = len(xs.dims)
    beta = ramp.beta if ramp is not None else 2
    fig, axs = plt.subplots(S, S, figsize=(2.2 * S + 1, 2.0 * S + 1), sharex=True, squeeze=False)
    lab = _labels(xs)
    k = _norm(xs, beta)
    w = np.ones(len(xs.t)) if xs.counts is None else xs.counts.astype(float)
    for a in range(S):
        for b in range(S):
            ax = axs[a][b]
            y = xs.K[a, b] / k
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
    fig.tight_layout()
    return fig


def ramp_heatmap(R, labels, title: str = "ramp matrix R"):
    """Heat map of R (integers or fitted values) with the entries written in."""
    R = np.asarray(R, dtype=float)
    fig, ax = plt.subplots(figsize=(1 + 0.6 * len(labels), 1 + 0.5 * len(labels)))
    im = ax.imshow(R, cmap="viridis")
    ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=90)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    for (i, j), v in np.ndenumerate(R):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7, color="w")
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


def write_all(analysis, directory) -> list[Path]:
    """Write ``sector_sff.png``, ``xsff_matrix.png``, ``ramp.png``, ``gap_ratios.png``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    xs, ramp = analysis.xsff, analysis.ramp
    figs = {
        "sector_sff.png": sector_sff(xs, ramp),
        "xsff_matrix.png": xsff_matrix(xs, ramp),
        "ramp.png": ramp_heatmap(ramp.fit, _labels(xs), "fitted ramp matrix"),
        "gap_ratios.png": gap_ratio_histograms(analysis.spectra),
    }
    out = []
    for name, fig in figs.items():
        fig.savefig(d / name, dpi=110)
        plt.close(fig)
        out.append(d / name)
    return out
