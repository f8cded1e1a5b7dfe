"""Draw the teaching diagrams (SVG) used by the ML interview Anki deck.

Usage::

    python scripts/make_figures.py [OUTPUT_DIR]

OUTPUT_DIR defaults to ``cards/media`` of this repository.  Every figure is
written twice from the same data: ``<name>.svg`` on an opaque white background
and ``<name>.night.svg`` on the card's night-mode background, so each one stays
legible whichever way Anki shows the card.

The output is reproducible: fixed data and random seeds, a fixed SVG hash salt,
no date metadata and text rendered as paths (no fonts needed to display the
files).  The script checks what the figures promise: the smallest text is at
least ``MIN_TEXT_PX`` pixels tall (font size) when a figure is scaled to a
``COLUMN_PX``-wide phone column; the kNN circle and the bias-variance optimum
show what the cards say; the attention example's rounded numbers add up; the
power curves agree with statsmodels and give the A/B card's sample sizes; and
the ROC curve is the same at both prevalences while precision follows from it.
It prints the numbers it checked.  Needs the ``figures`` extra (matplotlib,
scikit-learn, statsmodels).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch, Patch, Rectangle
from matplotlib.text import Text
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
)
from sklearn.metrics import roc_curve as sk_roc_curve
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import power_proportions_2indep, proportion_effectsize

DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "cards" / "media"
FIG_WIDTH = 4.5  # inches; cards show images at max-width: 100%
COLUMN_PX = 360  # a phone column
MIN_TEXT_PX = 11.0  # smallest font size, in CSS px, at COLUMN_PX wide
SMALL = 11  # pt: the smallest font used (12.2 px at 360 px wide for FIG_WIDTH)


@dataclass(frozen=True)
class Theme:
    """Colours of one rendering.  Every series colour has >= 3:1 contrast against
    ``background`` and every text colour >= 4.5:1 (tests/test_cards.py checks the
    files); hues follow the Okabe-Ito colour-blind-friendly palette, darkened
    where needed on white and lightened where needed on the dark background."""

    suffix: str  # file name: <stem><suffix>.svg
    background: str
    text: str
    muted: str  # reference lines: random classifier, kNN circle, optimum
    frame: str  # panel frames (decoration)
    guide: str  # faint guide lines (decoration)
    blue: str
    orange: str
    vermilion: str
    green: str
    purple: str
    on_blue: str  # text on a blue fill
    on_orange: str  # text on an orange fill
    marker_edge: str  # outline separating overlapping markers
    cell_correct: str  # confusion-matrix cells
    cell_wrong: str
    unused_fill: str  # time-series blocks left out of a fold
    unused_edge: str
    divider: str  # block boundaries inside the training window

    def tint(self, color: str, amount: float) -> str:
        """*color* mixed into the background, as an opaque colour."""
        fg, bg = (np.array(matplotlib.colors.to_rgb(c)) for c in (color, self.background))
        return matplotlib.colors.to_hex(amount * fg + (1 - amount) * bg)


DAY = Theme(
    suffix="",
    background="#ffffff",
    text="#1a1a1a",
    muted="#555555",
    frame="#999999",
    guide="#d9d9d9",
    blue="#0072b2",
    orange="#a86500",
    vermilion="#b84a00",
    green="#008060",
    purple="#b8558f",
    on_blue="#ffffff",
    on_orange="#ffffff",
    marker_edge="#1a1a1a",
    cell_correct="#cfe5f7",
    cell_wrong="#fbd9a8",
    unused_fill="#ebebeb",
    unused_edge="#8c8c8c",
    divider="#5b9bd0",
)

NIGHT = Theme(
    suffix=".night",
    background="#1f2328",  # .nightMode .card in ankigen/package/templates/style.css
    text="#e6edf3",
    muted="#9198a1",
    frame="#6e7781",
    guide="#3d444d",
    blue="#56b4e9",
    orange="#e69f00",
    vermilion="#f07830",
    green="#009e73",
    purple="#cc79a7",
    on_blue="#1f2328",
    on_orange="#1f2328",
    marker_edge="#1f2328",
    cell_correct="#1b3a57",
    cell_wrong="#4d3600",
    unused_fill="#2d333b",
    unused_edge="#6e7781",
    divider="#2f7fb5",
)

THEMES = (DAY, NIGHT)


def style(t: Theme) -> dict[str, object]:
    return {
        "svg.hashsalt": "ankigen",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 12,
        "axes.titlesize": 12,
        "axes.labelsize": 12,
        "xtick.labelsize": SMALL,
        "ytick.labelsize": SMALL,
        "legend.fontsize": SMALL,
        "text.color": t.text,
        "axes.labelcolor": t.text,
        "axes.edgecolor": t.text,
        "xtick.color": t.text,
        "ytick.color": t.text,
        "figure.facecolor": t.background,
        "axes.facecolor": t.background,
        "savefig.facecolor": t.background,
        "savefig.transparent": False,
        "legend.framealpha": 1.0,
        "legend.facecolor": t.background,
        "legend.edgecolor": t.frame,
        "path.simplify": True,
    }


def new_figure(t: Theme, height: float, width: float = FIG_WIDTH) -> Figure:
    """A figure with an opaque background (not attached to pyplot)."""
    fig = Figure(figsize=(width, height), facecolor=t.background)
    fig.patch.set_alpha(1.0)
    return fig


def on(color: str) -> dict[str, object]:
    """A text box in *color*: draws nothing new over a fill of that colour, but
    records in the SVG what the text sits on, so its contrast can be checked."""
    return {"boxstyle": "square,pad=0.15", "fc": color, "ec": "none"}


def smallest_text_px(fig: Figure) -> float:
    """Font size of the smallest visible text, in px, with *fig* COLUMN_PX wide."""
    sizes = [
        text.get_fontsize()
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * COLUMN_PX / (fig.get_figwidth() * 72)


def save(fig: Figure, t: Theme, path: Path) -> None:
    """Write *fig* as a reproducible SVG with an opaque background."""
    fig.savefig(
        path,
        format="svg",
        facecolor=t.background,
        transparent=False,
        metadata={"Date": None},
    )


def normal_sf(z: np.ndarray) -> np.ndarray:
    """Survival function 1 - Phi(z) of the standard normal distribution."""
    return np.array([0.5 * math.erfc(v / math.sqrt(2.0)) for v in z])


def binormal_roc(separation: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """ROC curve (FPR, TPR) for scores N(0, 1) (negatives), N(d, 1) (positives)."""
    thresholds = np.linspace(separation + 9.0, -9.0, n)
    fpr = normal_sf(thresholds)
    tpr = normal_sf(thresholds - separation)
    return fpr, tpr


def trapezoid_area(x: np.ndarray, y: np.ndarray) -> float:
    """Area under the polyline (x, y) by the trapezoidal rule (x increasing)."""
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


def draw_brace(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    depth: float,
    color: str,
) -> tuple[float, float]:
    """Draw a curly brace from *start* to *end*; return the tip position.

    The brace bulges by *depth* to the right of the direction start -> end.
    """
    p0, p1 = np.asarray(start, float), np.asarray(end, float)
    along = p1 - p0
    normal = np.array([along[1], -along[0]]) / np.linalg.norm(along)
    t = np.linspace(0.0, 0.5, 60)
    beta = 40.0
    half = 1 / (1 + np.exp(-beta * t)) + 1 / (1 + np.exp(-beta * (t - 0.5))) - 0.5
    profile = np.concatenate([half, half[-2::-1]])
    s = np.linspace(0.0, 1.0, profile.size)
    pts = p0 + np.outer(s, along) + np.outer(profile * depth, normal)
    ax.plot(pts[:, 0], pts[:, 1], color=color, lw=2.2, solid_capstyle="round")
    tip = p0 + 0.5 * along + 1.05 * depth * normal
    return float(tip[0]), float(tip[1])


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def roc_curve(t: Theme, facts: list[str]) -> Figure:
    """ROC space with random, good and better (binormal) classifiers."""
    height = 5.6
    fig = new_figure(t, height)
    ax = fig.add_axes((0.17, 1.6 / height, 0.78, 0.78 * FIG_WIDTH / height * 1.09))
    shade = t.tint(t.blue, 0.16)

    handles: list[object] = []
    for i, (sep, name, color) in enumerate([(2.0, "Better", t.blue), (1.0, "Good", t.orange)]):
        fpr_dense, tpr_dense = binormal_roc(sep, 20001)
        auc = trapezoid_area(fpr_dense, tpr_dense)
        # Binormal model with unit variances: AUC = Phi(d / sqrt(2)).
        assert abs(auc - (1.0 - normal_sf(np.array([sep / math.sqrt(2.0)]))[0])) < 1e-4
        fpr, tpr = binormal_roc(sep, 400)
        (line,) = ax.plot(
            fpr,
            tpr,
            color=color,
            lw=2.8,
            label=f"{name} classifier, AUC = {auc:.2f}",
            gid=f"series-{name.lower()}",
        )
        handles.append(line)
        facts.append(f"AUC {name.lower()} = {auc:.3f}")
        if i == 0:
            ax.fill_between(fpr, tpr, 0.0, fc=shade, lw=0, zorder=0)

    (random_line,) = ax.plot(
        [0, 1],
        [0, 1],
        color=t.muted,
        ls=(0, (6, 4)),
        lw=2,
        label="Random classifier, AUC = 0.5",
        gid="series-random",
    )
    handles += [random_line, Patch(fc=shade, label="Area under the better curve")]

    ax.plot(
        [0],
        [1],
        marker="*",
        ms=18,
        color=t.vermilion,
        mec=t.text,
        mew=1,
        ls="none",
        clip_on=False,
        zorder=5,
        gid="series-perfect",
    )
    ax.text(0.07, 1.045, "perfect classifier: AUC = 1", va="center", fontsize=SMALL)

    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.09)
    ax.set_aspect("equal")
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("False positive rate = FP / (FP + TN)")
    ax.set_ylabel("True positive rate (recall)")
    ax.axhline(1.0, color=t.guide, lw=1, zorder=0)
    ax.tick_params(axis="y", pad=6)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.05, 0.0),
        frameon=False,
        handlelength=2.2,
    )
    return fig


def confusion_matrix(t: Theme, facts: list[str]) -> Figure:
    """2x2 confusion matrix with precision (column) and recall (row) braces."""
    xlim, ylim = (-0.95, 3.75), (-1.0, 2.68)
    fig = new_figure(t, FIG_WIDTH * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0]))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")

    # (column, row): column 0 = predicted positive, column 1 = predicted negative;
    # row 1 = actual positive (top), row 0 = actual negative (bottom).
    cells = {
        (0, 1): ("TP", "true\npositive", t.cell_correct),
        (1, 1): ("FN", "false\nnegative", t.cell_wrong),
        (0, 0): ("FP", "false\npositive", t.cell_wrong),
        (1, 0): ("TN", "true\nnegative", t.cell_correct),
    }
    for (col, row), (abbr, name, color) in cells.items():
        ax.add_patch(Rectangle((col, row), 1, 1, fc=color, ec=t.text, lw=1.5, gid=f"series-{abbr}"))
        ax.text(
            col + 0.5,
            row + 0.68,
            abbr,
            ha="center",
            va="center",
            fontsize=20,
            weight="bold",
            bbox=on(color),
        )
        ax.text(
            col + 0.5,
            row + 0.33,
            name,
            ha="center",
            va="center",
            fontsize=SMALL,
            bbox=on(color),
        )

    # Headers.
    ax.text(1.0, 2.5, "Predicted", ha="center", va="center", fontsize=13, weight="bold")
    ax.text(0.5, 2.15, "Positive", ha="center", va="center")
    ax.text(1.5, 2.15, "Negative", ha="center", va="center")
    ax.text(-0.75, 1.0, "Actual", ha="center", va="center", rotation=90, fontsize=13, weight="bold")
    ax.text(-0.35, 1.5, "Positive", ha="center", va="center", rotation=90)
    ax.text(-0.35, 0.5, "Negative", ha="center", va="center", rotation=90)

    def outline(
        x: float, y: float, w: float, h: float, color: str, dashes: tuple, gid: str
    ) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.08",
                fc="none",
                ec=color,
                lw=3,
                ls=(0, dashes),
                zorder=4,
                gid=gid,
            )
        )

    # Precision: the predicted-positive COLUMN (TP above FP).
    outline(0.05, 0.05, 0.9, 1.9, t.blue, (5, 2.5), "series-precision")
    tip = draw_brace(ax, (0.02, -0.06), (0.98, -0.06), 0.22, t.blue)
    ax.text(
        tip[0] - 0.48,
        tip[1] - 0.05,
        "Precision =\nTP / (TP + FP)",
        ha="left",
        va="top",
        color=t.blue,
        fontsize=12,
        weight="bold",
        linespacing=1.4,
    )

    # Recall: the actual-positive ROW (TP beside FN).
    outline(0.1, 1.1, 1.8, 0.8, t.vermilion, (2, 1.5), "series-recall")
    tip = draw_brace(ax, (2.06, 1.02), (2.06, 1.98), 0.22, t.vermilion)
    ax.text(
        tip[0] + 0.04,
        tip[1],
        "Recall =\nTP / (TP + FN)",
        ha="left",
        va="center",
        color=t.vermilion,
        fontsize=12,
        weight="bold",
        linespacing=1.4,
    )
    return fig


def bias_variance_curves(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Illustrative bias², variance and noise against complexity x in [0, 1].

    Bias² falls steeply and then levels off; variance grows more slowly.  So the
    two curves cross well before the optimum: the total is lowest where bias²
    falls exactly as fast as variance rises (their slopes cancel), not where
    they are equal.
    """
    bias2 = 1.0 * np.exp(-7.5 * x)
    variance = 0.08 * np.exp(2.0 * x)
    noise = np.full_like(x, 0.3)
    return bias2, variance, noise


def bias_variance(t: Theme, facts: list[str]) -> Figure:
    """Bias-variance trade-off against model complexity."""
    fig = new_figure(t, 4.3)
    ax = fig.add_axes((0.07, 0.1, 0.9, 0.75))

    x = np.linspace(0.0, 1.0, 2001)
    bias2, variance, noise = bias_variance_curves(x)
    total = bias2 + variance + noise
    i_best = int(np.argmin(total))
    best = float(x[i_best])
    i_cross = int(np.argmin(np.abs(bias2 - variance)))
    cross = float(x[i_cross])
    slope_b, slope_v = np.gradient(bias2, x)[i_best], np.gradient(variance, x)[i_best]
    assert abs(slope_b + slope_v) < 0.01, (slope_b, slope_v)  # slopes cancel at the optimum
    assert best - cross > 0.1, (cross, best)  # the crossing is visibly not the optimum
    facts.append(
        f"bias² = variance at x = {cross:.3f} (total {total[i_cross]:.3f}); "
        f"minimum total error at x = {best:.3f} (total {total[i_best]:.3f}; "
        f"slopes there {slope_b:+.3f} and {slope_v:+.3f})"
    )
    top = 1.5

    under, over = t.tint(t.blue, 0.07), t.tint(t.orange, 0.07)
    ax.add_patch(Rectangle((0.0, 0.0), best, top, fc=under, lw=0, zorder=0))
    ax.add_patch(Rectangle((best, 0.0), 1.0 - best, top, fc=over, lw=0, zorder=0))
    ax.plot(x, total, color=t.text, lw=3.2, label="Total error", gid="series-total")
    ax.plot(x, bias2, color=t.blue, lw=2.5, ls="--", label="Bias²", gid="series-bias")
    ax.plot(x, variance, color=t.vermilion, lw=2.5, ls="-.", label="Variance", gid="series-var")
    ax.plot(x, noise, color=t.green, lw=2.5, ls=":", label="Irreducible error", gid="series-noise")
    ax.plot([best, best], [0, top], color=t.muted, lw=1.8, ls=(0, (4, 3)), zorder=1)
    ax.plot(
        [best],
        [total[i_best]],
        marker="o",
        ms=8,
        color=t.text,
        ls="none",
        zorder=5,
        gid="series-optimum",
    )
    ax.plot(
        [cross],
        [bias2[i_cross]],
        marker="o",
        ms=8,
        mfc=t.background,
        mec=t.text,
        mew=1.6,
        ls="none",
        zorder=5,
        gid="series-crossing",
    )

    ax.text(
        best + 0.02,
        1.0,
        "lowest total\nerror",
        ha="left",
        va="center",
        fontsize=SMALL,
        bbox=on(over),
    )
    ax.annotate(
        "bias² = variance\n(not the optimum)",
        xy=(cross, bias2[i_cross]),
        xytext=(0.19, 0.62),
        textcoords="data",
        ha="center",
        va="bottom",
        fontsize=SMALL,
        bbox=on(under),
        arrowprops={"arrowstyle": "-", "color": t.muted, "lw": 1.2, "shrinkA": 2, "shrinkB": 6},
    )
    for x_text, label, color, back in [
        (best / 2, "underfitting\n(high bias)", t.blue, under),
        ((best + 1.0) / 2, "overfitting\n(high variance)", t.vermilion, over),
    ]:
        ax.text(
            x_text,
            top - 0.04,
            label,
            ha="center",
            va="top",
            fontsize=12,
            weight="bold",
            color=color,
            bbox=on(back),
        )

    ax.set_xlim(0, 1)
    ax.set_ylim(0, top)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.0, -0.025, "simple", transform=ax.transAxes, ha="left", va="top", fontsize=SMALL)
    ax.text(1.0, -0.025, "complex", transform=ax.transAxes, ha="right", va="top", fontsize=SMALL)
    ax.set_xlabel("Model complexity →", labelpad=6)
    ax.set_ylabel("Error")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(
        loc="upper center",
        bbox_to_anchor=(0.52, 1.0),
        ncol=2,
        frameon=False,
        handlelength=2.6,
        columnspacing=1.2,
    )
    return fig


def time_series_cv(t: Theme, facts: list[str]) -> Figure:
    """Forward-chaining (expanding window) cross-validation."""
    n_blocks, n_folds = 6, 5
    fig = new_figure(t, 3.6)
    ax = fig.add_axes((0.15, 0.12, 0.83, 0.7))

    height = 0.62
    gap = 0.03
    for fold in range(1, n_folds + 1):
        y = n_folds - fold
        bottom = y - height / 2
        # Expanding training window: blocks 0 .. fold-1.
        ax.add_patch(
            Rectangle(
                (gap, bottom), fold - 2 * gap, height, fc=t.blue, lw=0, gid=f"series-train-{fold}"
            )
        )
        for block in range(1, fold):  # faint block boundaries inside the window
            ax.plot([block, block], [bottom, bottom + height], color=t.divider, lw=1)
        # Test: always the block right after the training window.
        ax.add_patch(
            Rectangle(
                (fold + gap, bottom),
                1 - 2 * gap,
                height,
                fc=t.orange,
                lw=0,
                gid=f"series-test-{fold}",
            )
        )
        # Later data: not used in this fold.
        for block in range(fold + 1, n_blocks):
            ax.add_patch(
                Rectangle(
                    (block + gap, bottom),
                    1 - 2 * gap,
                    height,
                    fc=t.unused_fill,
                    ec=t.unused_edge,
                    lw=1,
                    gid=f"series-unused-{fold}-{block}",
                )
            )
        ax.text(
            fold + 0.5,
            y,
            "test",
            ha="center",
            va="center",
            fontsize=SMALL,
            weight="bold",
            color=t.on_orange,
            bbox=on(t.orange),
        )
        ax.text(
            fold / 2,
            y,
            "train",
            ha="center",
            va="center",
            fontsize=SMALL,
            weight="bold",
            color=t.on_blue,
            bbox=on(t.blue),
        )

    ax.set_xlim(0, n_blocks)
    ax.set_ylim(-0.45, n_folds - 0.45)
    ax.set_yticks(range(n_folds), [f"Fold {n_folds - i}" for i in range(n_folds)])
    ax.set_xticks([])
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left", "bottom"]].set_visible(False)
    ax.annotate(
        "",
        xy=(1.0, -0.02),
        xytext=(0.0, -0.02),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": t.text, "lw": 1.6},
    )
    ax.text(0.5, -0.06, "time →", transform=ax.transAxes, ha="center", va="top")
    handles = [
        Patch(fc=t.blue, label="train"),
        Patch(fc=t.orange, label="test"),
        Patch(fc=t.unused_fill, ec=t.unused_edge, label="unused (later)"),
    ]
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=3,
        bbox_to_anchor=(0.56, 1.0),
        frameon=False,
        handlelength=1.4,
        handletextpad=0.5,
        columnspacing=1.0,
    )
    return fig


def kmeans(
    points: np.ndarray, init: np.ndarray, iterations: int = 50
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm; returns (labels, centroids)."""
    centroids = init.copy()
    labels = np.zeros(len(points), dtype=int)
    for _ in range(iterations):
        dist = np.linalg.norm(points[:, None, :] - centroids[None, :, :], axis=2)
        labels = dist.argmin(axis=1)
        new = np.array([points[labels == k].mean(axis=0) for k in range(len(centroids))])
        if np.allclose(new, centroids):
            return labels, centroids
        centroids = new
    raise AssertionError("k-means did not converge")


def scatter_by_group(
    ax: Axes,
    t: Theme,
    points: np.ndarray,
    groups: np.ndarray,
    styles: list[tuple[str, str]],
    size: float,
    name: str,
) -> None:
    """One scatter per group, each with its own marker and colour (readable without colour)."""
    for group, (marker, color) in enumerate(styles):
        sel = groups == group
        ax.scatter(
            points[sel, 0],
            points[sel, 1],
            marker=marker,
            s=size,
            c=color,
            edgecolors=t.marker_edge,
            linewidths=0.8,
            zorder=2,
            gid=f"series-{name}-{group}",
        )


# kNN: two labelled classes placed by hand so that the k = 5 nearest
# neighbours of the query lie well inside the circle drawn around them and
# every other point well outside it.
KNN_QUERY = (3.55, 2.55)
KNN_CLASS_A = [
    (2.78, 3.02),
    (3.05, 3.35),
    (2.85, 2.05),
    (1.75, 2.95),
    (2.35, 4.15),
    (1.25, 4.15),
    (1.55, 3.65),
    (2.95, 4.65),
    (0.95, 2.55),
    (2.05, 4.75),
    (1.35, 1.75),
    (3.85, 4.45),
    (1.95, 2.15),
]
KNN_CLASS_B = [
    (4.35, 2.25),
    (3.95, 1.75),
    (5.15, 2.75),
    (4.75, 1.05),
    (5.55, 1.65),
    (4.05, 0.65),
    (5.05, 0.25),
    (5.95, 2.45),
    (5.75, 0.65),
    (4.95, 3.55),
    (3.35, 0.45),
    (6.05, 3.35),
    (5.25, 1.85),
]
KNN_K = 5


def knn_neighbours() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Points, labels, query, indices of the k nearest and the circle radius.

    Asserts a clear gap between the k-th and (k+1)-th distance, so that the
    circle (drawn half-way between them) visibly holds exactly k points.
    """
    points = np.array(KNN_CLASS_A + KNN_CLASS_B)
    labels = np.array([0] * len(KNN_CLASS_A) + [1] * len(KNN_CLASS_B))
    query = np.array(KNN_QUERY)
    dist = np.linalg.norm(points - query, axis=1)
    order = np.argsort(dist)
    inner, outer = dist[order[KNN_K - 1]], dist[order[KNN_K]]
    assert outer - inner >= 0.5, (inner, outer)
    apart = np.linalg.norm(points[:, None] - points[None], axis=2) + 9 * np.eye(len(points))
    assert apart.min() > 0.3, apart.min()  # no two markers overlap
    return points, labels, query, order[:KNN_K], float((inner + outer) / 2)


def knn_vs_kmeans(t: Theme, facts: list[str]) -> Figure:
    """Top: kNN classification (k = 5). Bottom: k-means clustering (k = 3)."""
    height = 6.0
    panel = 2.75 / height  # height of a square panel, as a fraction of the figure
    fig = new_figure(t, height)
    top = fig.add_axes((0.015, 0.52, 2.75 / FIG_WIDTH, panel))
    bottom = fig.add_axes((0.015, 0.02, 2.75 / FIG_WIDTH, panel))
    side = 0.65  # where the explanations start (figure fraction)

    # kNN: two labelled classes, one query point.
    points, labels, query, nearest, radius = knn_neighbours()
    dist = np.linalg.norm(points - query, axis=1)
    order = np.argsort(dist)
    votes = np.bincount(labels[nearest], minlength=2)
    winner = int(votes.argmax())
    names = ["A", "B"]
    facts.append(
        "kNN distances (sorted): "
        + ", ".join(f"{dist[i]:.2f} {names[labels[i]]}" for i in order[: KNN_K + 3])
        + f"; circle radius {radius:.2f}; votes {votes[0]} A vs {votes[1]} B"
    )

    top.add_patch(
        Circle(tuple(query), radius, fc="none", ec=t.muted, lw=1.5, ls="--", gid="series-circle")
    )
    for i in nearest:
        top.plot(
            [query[0], points[i, 0]], [query[1], points[i, 1]], color=t.muted, lw=1.3, zorder=1
        )
    scatter_by_group(top, t, points, labels, [("o", t.blue), ("^", t.orange)], 60, "class")
    top.scatter(
        [query[0]],
        [query[1]],
        marker="*",
        s=330,
        c=t.background,
        edgecolors=t.text,
        linewidths=1.5,
        zorder=3,
        gid="series-query",
    )
    top.set_xlim(0.55, 6.45)
    top.set_ylim(-0.2, 5.2)

    legend_a = {"fontsize": 12, "weight": "bold", "va": "top"}
    y0 = 0.52 + panel
    fig.text(side, y0, "kNN", **legend_a)
    fig.text(side, y0 - 0.22 / height, "(supervised)", fontsize=SMALL, va="top")
    fig.text(side, y0 - 0.6 / height, "● class A", color=t.blue, **legend_a)
    fig.text(side, y0 - 0.86 / height, "▲ class B", color=t.orange, **legend_a)
    fig.text(side, y0 - 1.12 / height, "☆ query", **legend_a)
    fig.text(
        side,
        y0 - 1.5 / height,
        f"k = {KNN_K} nearest\nlabelled points\nvote: {votes[0]} A vs {votes[1]} B\n"
        f"→ predict {names[winner]}",
        fontsize=SMALL,
        va="top",
        linespacing=1.35,
    )

    # k-means: unlabelled blobs, clustered with k = 3.
    rng = np.random.default_rng(11)
    centres = np.array([[1.5, 1.5], [4.6, 1.9], [3.0, 4.4]])
    blobs = np.vstack([rng.normal(c, 0.62, size=(14, 2)) for c in centres])
    init = blobs[[0, 14, 28]]
    assign, centroids = kmeans(blobs, init)
    for k in range(len(centroids)):
        assert np.allclose(centroids[k], blobs[assign == k].mean(axis=0))
    facts.append(f"k-means cluster sizes {np.bincount(assign).tolist()}")
    cluster_styles = [("o", t.green), ("s", t.purple), ("D", t.blue)]
    scatter_by_group(bottom, t, blobs, assign, cluster_styles, 42, "cluster")
    bottom.scatter(
        centroids[:, 0],
        centroids[:, 1],
        marker="X",
        s=260,
        c=[c for _, c in cluster_styles],
        edgecolors=t.text,
        linewidths=1.5,
        zorder=3,
        gid="series-centroids",
    )
    y0 = 0.02 + panel
    fig.text(side, y0, "k-means", **legend_a)
    fig.text(side, y0 - 0.22 / height, "(unsupervised)", fontsize=SMALL, va="top")
    fig.text(
        side,
        y0 - 0.6 / height,
        "no labels;\nk = 3 clusters\nfound\n\n"
        "colour and\nshape = cluster\n\n"
        "✕ = centroid\n(cluster mean)",
        fontsize=SMALL,
        va="top",
        linespacing=1.35,
    )

    top.set_aspect("equal", adjustable="box")
    bottom.set_aspect("equal", adjustable="datalim")
    for ax in (top, bottom):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color(t.frame)
    return fig


def separable_svm_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]:
    """Points, labels, w, b and support-vector indices of a hard-margin SVM.

    The hyperplane is built analytically and then checked against the KKT
    conditions of the hard-margin problem (w = sum alpha_i y_i x_i with
    alpha_i > 0 on the support vectors, sum alpha_i y_i = 0, y_i (w.x_i + b) >= 1
    with equality exactly on the support vectors), so it really is the
    maximum-margin separator of the returned points.
    """
    theta = math.radians(125.0)
    normal = np.array([math.cos(theta), math.sin(theta)])  # points to class +1
    along = np.array([math.sin(theta), -math.cos(theta)])
    centre = np.array([3.1, 2.9])
    half_margin = 0.8  # geometric distance from the hyperplane to each margin

    def place(offset: float, shift: float) -> np.ndarray:
        return centre + offset * normal + shift * along

    support = [place(half_margin, -0.2), place(-half_margin, -1.2), place(-half_margin, 1.0)]
    support_y = [1, -1, -1]

    rng = np.random.default_rng(3)
    others: list[np.ndarray] = []
    others_y: list[int] = []
    for sign in (1, -1):
        for _ in range(9):
            offset = sign * (half_margin + rng.uniform(0.35, 1.6))
            others.append(place(offset, rng.uniform(-1.9, 1.9)))
            others_y.append(sign)

    x = np.array(support + others)
    y = np.array(support_y + others_y)
    w = normal / half_margin
    b = float(-w @ centre)

    sv = np.arange(len(support))
    system = np.vstack([(y[sv, None] * x[sv]).T, y[sv]])
    alpha = np.linalg.solve(system, np.append(w, 0.0))
    functional = y * (x @ w + b)
    assert np.all(alpha > 0), alpha
    assert np.allclose(functional[sv], 1.0), functional[sv]
    assert np.all(functional[len(support) :] > 1.2), functional
    return x, y, w, b, sv


def svm_margin(t: Theme, facts: list[str]) -> Figure:
    """Maximum-margin hyperplane, margins, margin width and support vectors."""
    x, y, w, b, sv = separable_svm_data()
    fig = new_figure(t, 4.85)
    ax = fig.add_axes((0.01, 0.11, 0.98, 0.88))
    ax.set_xlim(-0.1, 6.3)
    ax.set_ylim(-0.35, 5.85)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color(t.frame)

    norm_w = float(np.linalg.norm(w))
    unit = w / norm_w
    direction = np.array([unit[1], -unit[0]])
    if direction[0] < 0:
        direction = -direction
    angle = math.degrees(math.atan2(direction[1], direction[0]))
    # Point of the hyperplane closest to the centroid of the data.
    mean = x.mean(axis=0)
    anchor = mean - (w @ mean + b) * w / norm_w**2
    span = np.array([-10.0, 10.0])

    for level, ls, lw, text in [
        (0, "-", 2.6, r"$\mathbf{w}\cdot\mathbf{x} + b = 0$"),
        (1, "--", 1.8, r"$\mathbf{w}\cdot\mathbf{x} + b = +1$"),
        (-1, "--", 1.8, r"$\mathbf{w}\cdot\mathbf{x} + b = -1$"),
    ]:
        base = anchor + level * unit / norm_w
        line = base[None, :] + span[:, None] * direction[None, :]
        ax.plot(
            line[:, 0], line[:, 1], color=t.text, ls=ls, lw=lw, zorder=1, gid=f"series-h{level}"
        )
        pos = base + 2.25 * direction + 0.07 * unit
        ax.text(
            pos[0],
            pos[1],
            text,
            rotation=angle,
            rotation_mode="anchor",
            ha="center",
            va="bottom",
            fontsize=SMALL,
            bbox=on(t.background),
            zorder=6,
        )

    markers = {1: ("o", t.blue, "class +1", 64), -1: ("s", t.orange, "class −1", 56)}
    for cls, (marker, color, name, size) in markers.items():
        sel = y == cls
        ax.scatter(
            x[sel, 0],
            x[sel, 1],
            marker=marker,
            s=size,
            c=color,
            edgecolors=t.marker_edge,
            linewidths=0.8,
            zorder=3,
            label=name,
            gid=f"series-class{cls:+d}",
        )
    ax.scatter(
        x[sv, 0],
        x[sv, 1],
        marker="o",
        s=320,
        facecolors="none",
        edgecolors=t.vermilion,
        linewidths=2.2,
        zorder=4,
        label="support vectors",
        gid="series-support",
    )

    # Margin width: arrow perpendicular to the hyperplane, between the margins.
    foot = anchor - 2.6 * direction
    start, end = foot - unit / norm_w, foot + unit / norm_w
    ax.annotate(
        "",
        xy=tuple(end),
        xytext=tuple(start),
        arrowprops={
            "arrowstyle": "<|-|>",
            "color": t.vermilion,
            "lw": 2.2,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        zorder=5,
    )
    label_pos = anchor + 0.5 * unit / norm_w - 2.35 * direction
    ax.text(
        label_pos[0],
        label_pos[1],
        r"margin $= 2\,/\,\|\mathbf{w}\|$",
        rotation=angle,
        rotation_mode="anchor",
        ha="left",
        va="center",
        fontsize=12,
        color=t.vermilion,
        zorder=6,
    )
    facts.append(f"support vectors: {len(sv)}; margin 2/||w|| = {2 / norm_w:.2f}")
    fig.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        markerscale=0.8,
        handletextpad=0.2,
        columnspacing=0.9,
    )
    return fig


# Scaled dot-product attention with a causal mask, on a 4-token example.
# d_k = 4, so sqrt(d_k) = 2 and the integer Q K^T / 2 has at most one decimal:
# the scores shown are exact, and softmax of exactly those scores gives the weights.
ATTENTION_TOKENS = ["The", "cat", "sat", "on"]
ATTENTION_Q = [[2, 2, 2, 1], [1, 2, 0, 2], [1, 2, 0, 0], [-1, -1, 1, 2]]
ATTENTION_K = [[2, -1, -1, -1], [2, 1, 1, -1], [1, 1, 2, 0], [2, 0, -1, 0]]
ATTENTION_V = [[1, 0], [0, 1], [1, 1], [0, 2]]
ATTENTION_ROW = 2  # the query row worked out in full ("sat")


def causal_attention() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores Q K^T / sqrt(d_k), the causal mask, softmax weights and output A V.

    Asserts that the figure's rounded numbers are consistent: each row of the
    two-decimal weights sums to exactly 1, and multiplying the two-decimal
    weights by V gives the two-decimal output shown.
    """
    q, k, v = (np.array(m, dtype=float) for m in (ATTENTION_Q, ATTENTION_K, ATTENTION_V))
    d_k = q.shape[1]
    scores = q @ k.T / math.sqrt(d_k)
    assert np.allclose(scores * 10, np.round(scores * 10))  # exact with one decimal
    n = len(scores)
    mask = np.triu(np.ones((n, n), dtype=bool), 1)  # key j > query i: the future
    masked = np.where(mask, -np.inf, scores)
    weights = np.exp(masked - masked.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    assert np.all(weights[mask] == 0.0)
    output = weights @ v
    shown = np.round(weights, 2)
    assert np.allclose(shown.sum(axis=1), 1.0), shown.sum(axis=1)
    assert np.allclose(np.round(shown @ v, 2), np.round(output, 2))
    return scores, mask, weights, output


def attention(t: Theme, facts: list[str]) -> Figure:
    """Causal scaled dot-product attention: scores, softmax weights, weighted sum of V."""
    scores, mask, weights, output = causal_attention()
    tokens = ATTENTION_TOKENS
    v = np.array(ATTENTION_V)
    n = len(tokens)
    row = ATTENTION_ROW
    facts.append(
        "attention scores (lower triangle): "
        + "; ".join(" ".join(f"{s:+.1f}" for s in scores[i, : i + 1]) for i in range(n))
    )
    facts.append(
        "weights: "
        + "; ".join(" ".join(f"{w:.2f}" for w in weights[i, : i + 1]) for i in range(n))
        + "; output: "
        + "; ".join(f"[{o[0]:.2f}, {o[1]:.2f}]" for o in output)
    )

    width, height, cell = FIG_WIDTH, 6.1, 0.42
    fig = new_figure(t, height)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    heat_max = 0.6 if t is DAY else 0.5  # the darkest weight cell keeps >= 4.5:1 text

    def y(top: float) -> float:
        return height - top  # layout in inches from the top

    def grid(
        x0: float,
        top: float,
        values: list[list[str]],
        fills: list[list[str]],
        name: str,
        masked: np.ndarray | None = None,
    ) -> None:
        for i, line in enumerate(values):
            for j, label in enumerate(line):
                off = masked is not None and masked[i, j]
                fill = t.unused_fill if off else fills[i][j]
                corner = (x0 + j * cell, y(top + (i + 1) * cell))
                ax.add_patch(Rectangle(corner, cell, cell, fc=fill, lw=0, zorder=1))
                ax.text(
                    x0 + (j + 0.5) * cell,
                    y(top + (i + 0.5) * cell),
                    label,
                    ha="center",
                    va="center_baseline",
                    fontsize=SMALL,
                    bbox=None if fill == t.background else on(fill),
                    zorder=2,
                )
                ax.add_patch(  # the cell outline, drawn over the text boxes
                    Rectangle(
                        corner,
                        cell,
                        cell,
                        fc="none",
                        ec=t.unused_edge if off else t.muted,
                        lw=1,
                        zorder=3,
                        gid=f"series-{name}-{i}{j}",
                    )
                )

    def highlight(x0: float, top: float, cols: int, name: str) -> None:
        ax.add_patch(
            Rectangle(
                (x0 - 0.03, y(top + (row + 1) * cell) - 0.03),
                cols * cell + 0.06,
                cell + 0.06,
                fc="none",
                ec=t.vermilion,
                lw=2.4,
                zorder=4,
                gid=f"series-{name}",
            )
        )

    def row_labels(x0: float, top: float) -> None:
        for i, token in enumerate(tokens):
            ax.text(x0 - 0.06, y(top + (i + 0.5) * cell), token, ha="right", va="center_baseline")

    def header(x0: float, top: float, cols: list[str]) -> None:
        for j, text in enumerate(cols):
            ax.text(x0 + (j + 0.5) * cell, y(top - 0.06), text, ha="center", va="bottom")

    left, right = 0.6, 2.72  # x of the left and right matrices
    bold = {"fontsize": 12, "weight": "bold", "va": "top"}
    note = {"fontsize": SMALL, "va": "top", "linespacing": 1.3}

    # 1 and 2: scores, then softmax weights, for every query (row) and key (column).
    top = 1.15
    ax.text(left - 0.45, y(0.1), "1  scores QKᵀ/√dₖ", **bold)
    ax.text(left - 0.45, y(0.37), "dₖ = 4; future keys\nmasked to −∞", **note)
    ax.text(right - 0.45, y(0.1), "2  softmax per row", **bold)
    ax.text(right - 0.45, y(0.37), "weights ≥ 0;\neach row sums to 1", **note)
    score_text = [
        ["−∞" if mask[i, j] else f"{scores[i, j]:.1f}".replace("-", "−") for j in range(n)]
        for i in range(n)
    ]
    grid(left, top, score_text, [[t.background] * n] * n, "scores", mask)
    weight_text = [
        ["0" if mask[i, j] else f"{weights[i, j]:.2f}" for j in range(n)] for i in range(n)
    ]
    weight_fill = [[t.tint(t.blue, heat_max * w) for w in line] for line in weights]
    grid(right, top, weight_text, weight_fill, "weights", mask)
    for x0 in (left, right):
        row_labels(x0, top)
        header(x0, top, tokens)
        ax.text(x0 + 2 * cell, y(top + n * cell + 0.05), "key", ha="center", va="top")
    ax.text(0.08, y(top + 2 * cell), "query", rotation=90, ha="center", va="center")
    highlight(right, top, n, "weights-row")

    # 3: output = weights x V; each output row is a weighted average of value rows.
    top2 = top + n * cell + 1.0
    ax.text(left - 0.45, y(top2 - 0.65), "3  output = weights × V", **bold)
    grid(left, top2, [[f"{x:g}" for x in line] for line in v], [[t.background] * 2] * n, "values")
    row_labels(left, top2)
    ax.text(left + cell, y(top2 - 0.06), "V (values)", ha="center", va="bottom")
    out_x = 2.1  # the output matrix, left of a note
    grid(
        out_x,
        top2,
        [[f"{x:.2f}" for x in line] for line in output],
        [[t.background] * 2] * n,
        "output",
    )
    row_labels(out_x, top2)
    ax.text(out_x + cell, y(top2 - 0.06), "output", ha="center", va="bottom")
    highlight(out_x, top2, 2, "output-row")
    ax.text(
        out_x + 2 * cell + 0.2,
        y(top2 + 0.02),
        "each output row\nis a weighted\nsum of the value\nrows (weights\nfrom 2)",
        **note,
    )
    w = np.round(weights[row], 2)
    terms = " + ".join(f"{w[j]:.2f}·v({tokens[j]})" for j in range(row + 1))
    ax.text(
        left - 0.45,
        y(top2 + n * cell + 0.15),
        f"“{tokens[row]}”: {terms}\n= [{output[row, 0]:.2f}, {output[row, 1]:.2f}]"
        f"   (“{tokens[row + 1]}” is masked: weight 0)",
        **note,
    )
    return fig


# RAG: the pipeline of the rag-pipeline card, stage by stage.
def rag_pipeline(t: Theme, facts: list[str]) -> Figure:
    """Index offline (chunk, embed, ANN + BM25); per query: hybrid retrieval,
    reciprocal rank fusion, cross-encoder rerank, generation with citations."""
    width, height = FIG_WIDTH, 6.9
    fig = new_figure(t, height)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")

    def y(top: float) -> float:
        return height - top  # layout in inches from the top

    def box(x0: float, top: float, w: float, h: float, text: str, color: str, name: str) -> None:
        fill = t.tint(color, 0.1)
        ax.add_patch(
            FancyBboxPatch(
                (x0, y(top + h)),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.06",
                fc=fill,
                ec=color,
                lw=2,
                gid=f"series-{name}",
            )
        )
        ax.text(
            x0 + w / 2,
            y(top + h / 2),
            text,
            ha="center",
            va="center",
            fontsize=SMALL,
            linespacing=1.3,
            bbox=on(fill),
        )

    def arrow(x0: float, top0: float, x1: float, top1: float) -> None:
        ax.annotate(
            "",
            xy=(x1, y(top1)),
            xytext=(x0, y(top0)),
            arrowprops={
                "arrowstyle": "-|>",
                "color": t.text,
                "lw": 1.6,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 14,
            },
        )

    def stage(top: float, text: str) -> None:
        ax.text(0.1, y(top), text, fontsize=12, weight="bold", va="top")

    def side(x: float, top: float, text: str) -> None:
        ax.text(x, y(top), text, fontsize=SMALL, ha="left", va="center")

    full = 4.3  # width of a full-width box
    # 1 Index (offline): chunk, then a dense (ANN) and a keyword (BM25) index.
    stage(0.08, "1  Index (offline)")
    box(0.1, 0.4, 1.05, 0.62, "documents", t.blue, "documents")
    arrow(1.15, 0.71, 1.4, 0.71)
    box(
        1.4,
        0.4,
        3.0,
        0.62,
        "chunks of a few hundred tokens,\noverlapping; keep titles, metadata",
        t.blue,
        "chunks",
    )
    arrow(1.75, 1.02, 1.75, 1.5)
    side(1.83, 1.26, "embed (bi-encoder)")
    arrow(3.75, 1.02, 3.75, 1.5)
    side(3.83, 1.26, "terms")
    box(0.1, 1.5, 2.05, 0.62, "vector index\n(ANN: HNSW, IVF)", t.blue, "vector-index")
    box(2.45, 1.5, 1.95, 0.62, "BM25 keyword\nindex", t.blue, "bm25-index")

    # 2 Retrieve: search both indexes with the query, fuse the two rankings.
    stage(2.27, "2  Retrieve")
    box(0.1, 2.62, 1.0, 0.62, "query", t.orange, "query")
    arrow(1.1, 2.93, 1.35, 2.93)
    box(
        1.35,
        2.62,
        3.05,
        0.62,
        "nearest chunks to the embedded\nquery + BM25 keyword hits",
        t.orange,
        "search",
    )
    arrow(1.75, 2.12, 1.75, 2.62)
    arrow(3.75, 2.12, 3.75, 2.62)
    arrow(2.875, 3.24, 2.875, 3.56)
    box(
        0.1,
        3.56,
        full,
        0.62,
        "fuse the two rankings, e.g. reciprocal rank\nfusion: score = Σ 1 / (60 + rank)",
        t.orange,
        "fuse",
    )

    # 3 Rerank.
    arrow(2.25, 4.18, 2.25, 4.66)
    stage(4.27, "3  Rerank")
    box(
        0.1,
        4.66,
        full,
        0.62,
        "a cross-encoder scores each query–chunk\npair; keep the best few",
        t.purple,
        "rerank",
    )

    # 4 Generate with citations.
    arrow(2.25, 5.28, 2.25, 5.76)
    stage(5.39, "4  Generate")
    box(
        0.1,
        5.76,
        full,
        0.98,
        "LLM prompt: the chunks with IDs [1], [2] …;\nanswer only from them, cite the IDs,\n"
        "say when the answer is missing",
        t.green,
        "generate",
    )
    facts.append("RAG stages: index, retrieve (dense + BM25, RRF k = 60), rerank, generate")
    return fig


# A/B test: power of the two-sided two-proportion z-test of the ab-test card.
AB_BASELINE = 0.10  # control conversion rate p1
AB_ALPHA = 0.05
AB_POWER = 0.8
AB_LIFT = 0.01  # the worked example's MDE: 10% -> 11%


def two_proportion_power(p1: float, p2: float, n: float, alpha: float) -> float:
    """Power of the two-sided two-proportion z-test with n users per arm.

    The card's normal approximation: pooled variance 2 p q under H0, p1 q1 + p2 q2
    under H1, both rejection tails counted (so the power at p2 = p1 is alpha)."""
    z = NormalDist()
    crit = z.inv_cdf(1 - alpha / 2)
    p_bar = (p1 + p2) / 2
    sd_null = math.sqrt(2 * p_bar * (1 - p_bar) / n)
    sd_alt = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n)
    diff = p2 - p1
    return z.cdf((diff - crit * sd_null) / sd_alt) + z.cdf((-diff - crit * sd_null) / sd_alt)


def two_proportion_n(p1: float, p2: float, alpha: float, power: float) -> float:
    """Users per arm, the card's formula (unrounded)."""
    z = NormalDist()
    z_a, z_b = z.inv_cdf(1 - alpha / 2), z.inv_cdf(power)
    p_bar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return root**2 / (p2 - p1) ** 2


def minimum_detectable_effect(p1: float, n: float, alpha: float, power: float) -> float:
    """Smallest lift p2 - p1 > 0 detected with the given power (bisection)."""
    lo, hi = 0.0, 0.5
    for _ in range(200):
        mid = (lo + hi) / 2
        if two_proportion_power(p1, p1 + mid, n, alpha) < power:
            lo = mid
        else:
            hi = mid
    return hi


def ab_test_power(t: Theme, facts: list[str]) -> Figure:
    """Power against the true lift for the worked sample size and four times it."""
    p1, alpha = AB_BASELINE, AB_ALPHA
    n_exact = two_proportion_n(p1, p1 + AB_LIFT, alpha, AB_POWER)
    n1 = math.ceil(n_exact)
    n_arcsine = NormalIndPower().solve_power(
        effect_size=proportion_effectsize(p1 + AB_LIFT, p1), alpha=alpha, power=AB_POWER
    )
    assert (n1, math.ceil(n_arcsine)) == (14751, 14745), (n_exact, n_arcsine)  # the card's
    sizes = [n1, 4 * n1]
    lifts = np.linspace(0.0, 0.02, 401)

    height = 4.6
    fig = new_figure(t, height)
    ax = fig.add_axes((0.15, 0.65 / height, 0.81, 3.3 / height))
    styles = [(t.blue, "-", "series-n"), (t.orange, (0, (5, 2.5)), "series-4n")]
    mdes = []
    for n, (color, ls, gid) in zip(sizes, styles, strict=True):
        power = np.array([two_proportion_power(p1, p1 + d, n, alpha) for d in lifts])
        check = np.array(
            [power_proportions_2indep(d, p1, n, alpha=alpha, return_results=False) for d in lifts]
        )
        assert np.max(np.abs(power - check)) < 1e-9  # statsmodels, same approximation
        arcsine = NormalIndPower().power(
            np.array([proportion_effectsize(p1 + d, p1) for d in lifts]), n, alpha
        )
        assert np.max(np.abs(power - arcsine)) < 0.01  # arcsine approximation
        assert abs(power[0] - alpha) < 1e-12  # no effect: rejects with probability alpha
        mde = minimum_detectable_effect(p1, n, alpha, AB_POWER)
        mdes.append(mde)
        label = f"n = {n:,} per arm" + (" (4×)" if n != n1 else "")
        ax.plot(100 * lifts, power, color=color, ls=ls, lw=2.6, label=label, gid=gid)
        ax.plot([100 * mde] * 2, [0, AB_POWER], color=color, ls=(0, (2, 2)), lw=1.6)
        ax.plot(
            [100 * mde],
            [AB_POWER],
            marker="o",
            ms=7,
            color=color,
            mec=t.marker_edge,
            ls="none",
            zorder=5,
            gid=f"{gid}-mde",
        )
        ax.text(
            100 * mde + 0.04,
            AB_POWER - 0.04,
            f"MDE\n{100 * mde:.2f}",
            color=color,
            fontsize=SMALL,
            ha="left",
            va="top",
            weight="bold",
            linespacing=1.15,
        )
        facts.append(
            f"n = {n}: power at +1 point {two_proportion_power(p1, p1 + 0.01, n, alpha):.4f}; "
            f"MDE at 80% power {100 * mde:.4f} points; max |ours - arcsine| "
            f"{np.max(np.abs(power - arcsine)):.4f}"
        )
    assert abs(mdes[1] / mdes[0] - 0.5) < 0.03  # 4x the users: about half the MDE
    facts.append(f"n exact {n_exact:.2f} -> {n1}; statsmodels arcsine {n_arcsine:.2f}")

    ax.axhline(AB_POWER, color=t.muted, lw=1.4, ls=(0, (6, 3)), zorder=0)
    ax.axhline(alpha, color=t.muted, lw=1.4, ls=":", zorder=0)
    ax.text(2.0, AB_POWER + 0.02, "power 0.8", ha="right", va="bottom", fontsize=SMALL)
    ax.text(
        2.0,
        alpha + 0.02,
        "α = 0.05: power at zero lift",
        ha="right",
        va="bottom",
        fontsize=SMALL,
    )
    ax.set_xlim(0, 2.0)
    ax.set_ylim(0, 1.0)
    ax.set_xticks([0, 0.5, 1.0, 1.5, 2.0])
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_xlabel("true lift p₂ − p₁ (points; p₁ = 10%)")
    ax.set_ylabel("power")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="upper left", bbox_to_anchor=(0.13, 1.0), frameon=False, handlelength=2.4)
    return fig


# ROC against precision-recall for the same scores at two prevalences.
PR_POSITIVES = 1000  # positives and (unweighted) negatives
PR_SEPARATION = 2.0  # positives N(2, 1), negatives N(0, 1)


def roc_vs_pr(t: Theme, facts: list[str]) -> Figure:
    """The same scores at 50% and 1% positives: ROC identical, PR collapses."""
    rng = np.random.default_rng(2026)
    positives = rng.normal(PR_SEPARATION, 1.0, PR_POSITIVES)
    negatives = rng.normal(0.0, 1.0, PR_POSITIVES)
    labels = np.r_[np.ones(PR_POSITIVES), np.zeros(PR_POSITIVES)]
    scores = np.r_[positives, negatives]

    height, panel, roc_bottom = 6.35, 2.28, 3.5
    fig = new_figure(t, height)
    roc_ax = fig.add_axes((0.6 / FIG_WIDTH, roc_bottom / height, panel / FIG_WIDTH, panel / height))
    pr_ax = fig.add_axes((0.6 / FIG_WIDTH, 0.55 / height, panel / FIG_WIDTH, panel / height))
    cases = [
        (1.0, "50% positive: 1,000 + 1,000 scores", t.blue, "-", 2.8),
        (99.0, "1% positive: same scores, negatives ×99", t.vermilion, (0, (4, 2.5)), 2.2),
    ]
    rocs, aps, handles = [], [], []
    for weight, label, color, ls, lw in cases:
        sample_weight = np.where(labels == 1, 1.0, weight)
        prevalence = PR_POSITIVES / (PR_POSITIVES + weight * PR_POSITIVES)
        fpr, tpr, _ = sk_roc_curve(
            labels, scores, sample_weight=sample_weight, drop_intermediate=False
        )
        precision, recall, thresholds = precision_recall_curve(
            labels, scores, sample_weight=sample_weight
        )
        auc = roc_auc_score(labels, scores, sample_weight=sample_weight)
        ap = average_precision_score(labels, scores, sample_weight=sample_weight)
        # Precision from the class-conditional rates: pi TPR / (pi TPR + (1 - pi) FPR).
        fpr_at = np.array([np.mean(negatives >= th) for th in thresholds])
        tpr_at = np.array([np.mean(positives >= th) for th in thresholds])
        expected = prevalence * tpr_at / (prevalence * tpr_at + (1 - prevalence) * fpr_at)
        assert np.allclose(precision[:-1], expected) and np.allclose(recall[:-1], tpr_at)
        rocs.append((fpr, tpr, auc))
        aps.append(ap)
        name = "50" if weight == 1 else "1"
        (line,) = roc_ax.plot(
            fpr, tpr, color=color, ls=ls, lw=lw, label=label, gid=f"series-roc-{name}"
        )
        pr_ax.plot(
            recall,
            precision,
            color=color,
            ls=ls,
            lw=lw,
            drawstyle="steps-post",
            gid=f"series-pr-{name}",
        )
        pr_ax.axhline(prevalence, color=color, ls=":", lw=1.6, zorder=0, gid=f"series-base-{name}")
        handles.append(line)
        facts.append(f"prevalence {prevalence:.2f}: ROC AUC {auc:.4f}, average precision {ap:.4f}")
    (f50, t50, auc50), (f1, t1, auc1) = rocs
    assert np.allclose(f50, f1, atol=1e-12) and np.allclose(t50, t1) and abs(auc50 - auc1) < 1e-12
    roc_ax.plot([0, 1], [0, 1], color=t.muted, ls=":", lw=1.4, zorder=0, gid="series-random")

    side = 3.08 / FIG_WIDTH
    bold = {"fontsize": 12, "weight": "bold", "va": "top"}
    note = {"fontsize": SMALL, "va": "top", "linespacing": 1.3}
    y0 = (roc_bottom + panel) / height
    fig.text(side, y0, "ROC", **bold)
    fig.text(
        side,
        y0 - 0.3 / height,
        f"the same curve\nat 50% and 1%:\nTPR and FPR\neach count one\nclass only\n\n"
        f"AUC {auc50:.2f}\nat both",
        **note,
    )
    y0 = (0.55 + panel) / height
    fig.text(side, y0, "PR curve", **bold)
    fig.text(
        side,
        y0 - 0.3 / height,
        "precision counts\nnegatives too,\nso it falls with\nprevalence",
        **note,
    )
    fig.text(side, y0 - 1.3 / height, f"AP {aps[0]:.2f} at 50%", color=t.blue, **note)
    fig.text(side, y0 - 1.55 / height, f"AP {aps[1]:.2f} at 1%", color=t.vermilion, **note)
    fig.text(side, y0 - 1.85 / height, "dotted: random\n= prevalence", **note)

    for ax, xlabel, ylabel in [(roc_ax, "FPR", "TPR (recall)"), (pr_ax, "recall", "precision")]:
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_xlabel(xlabel, labelpad=2)
        ax.set_ylabel(ylabel, labelpad=2)
        ax.spines[["top", "right"]].set_visible(False)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.02, 1.0),
        frameon=False,
        handlelength=2.4,
    )
    return fig


FIGURES: dict[str, Callable[[Theme, list[str]], Figure]] = {
    "roc-curve": roc_curve,
    "confusion-matrix": confusion_matrix,
    "bias-variance": bias_variance,
    "time-series-cv": time_series_cv,
    "knn-vs-kmeans": knn_vs_kmeans,
    "svm-margin": svm_margin,
    "causal-attention": attention,
    "rag-pipeline": rag_pipeline,
    "ab-test-power": ab_test_power,
    "roc-vs-pr-prevalence": roc_vs_pr,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"output directory (default: {DEFAULT_OUT_DIR})",
    )
    args = parser.parse_args(argv)
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for theme in THEMES:
        with matplotlib.rc_context(style(theme)):
            for stem, make in FIGURES.items():
                facts: list[str] = []
                fig = make(theme, facts)
                px = smallest_text_px(fig)
                assert px >= MIN_TEXT_PX, (stem, px)
                path = out_dir / f"{stem}{theme.suffix}.svg"
                save(fig, theme, path)
                print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KiB)")
                if theme is DAY:
                    for fact in [f"smallest text {px:.1f} px at {COLUMN_PX} px wide", *facts]:
                        print(f"  {fact}")


if __name__ == "__main__":
    main()
