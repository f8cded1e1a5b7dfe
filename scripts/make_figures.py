"""Draw the teaching diagrams (SVG) used by the ML interview Anki deck.

Usage::

    python scripts/make_figures.py [OUTPUT_DIR]

OUTPUT_DIR defaults to ``cards/media`` of this repository.  The output is
reproducible: fixed random seeds, a fixed SVG hash salt, no date metadata and
text rendered as paths (no fonts needed to display the files).  Every figure
has an opaque white background so that it stays legible in Anki's night mode.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch, Patch, Rectangle

DEFAULT_OUT_DIR = Path(__file__).resolve().parent.parent / "cards" / "media"
FIG_WIDTH = 6.0  # inches

# Okabe-Ito colour-blind-friendly palette.
BLUE = "#0072B2"
ORANGE = "#E69F00"
DARK_ORANGE = "#A86500"  # orange hue dark enough for text on white
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#7F7F7F"
LIGHT_GREY = "#D9D9D9"
TEXT = "#1A1A1A"

STYLE: dict[str, object] = {
    "svg.hashsalt": "ankigen",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "legend.framealpha": 1.0,
    "legend.edgecolor": "#BBBBBB",
    "path.simplify": True,
}


def new_figure(height: float, width: float = FIG_WIDTH) -> Figure:
    """A figure with an opaque white background (not attached to pyplot)."""
    fig = Figure(figsize=(width, height), facecolor="white")
    fig.patch.set_alpha(1.0)
    return fig


def save(fig: Figure, path: Path) -> None:
    """Write *fig* as a reproducible SVG with an opaque white background."""
    fig.savefig(
        path,
        format="svg",
        facecolor="white",
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


def roc_curve() -> Figure:
    """ROC space with random, good and better (binormal) classifiers."""
    fig = new_figure(5.6)
    ax = fig.add_axes((0.13, 0.11, 0.84, 0.86))

    curves = [(2.0, "Better classifier", BLUE, "-"), (1.0, "Good classifier", ORANGE, "-")]
    for i, (sep, name, color, ls) in enumerate(curves):
        fpr_dense, tpr_dense = binormal_roc(sep, 20001)
        auc = trapezoid_area(fpr_dense, tpr_dense)
        # Binormal model with unit variances: AUC = Phi(d / sqrt(2)).
        assert abs(auc - (1.0 - normal_sf(np.array([sep / math.sqrt(2.0)]))[0])) < 1e-4
        fpr, tpr = binormal_roc(sep, 400)
        ax.plot(fpr, tpr, color=color, ls=ls, lw=2.8, label=f"{name} (AUC = {auc:.2f})")
        if i == 0:
            ax.fill_between(
                fpr,
                tpr,
                0.0,
                color=color,
                alpha=0.12,
                lw=0,
                label="Area under the better curve",
            )

    ax.plot(
        [0, 1],
        [0, 1],
        color=GREY,
        ls=(0, (6, 4)),
        lw=2,
        label="Random classifier (AUC = 0.5)",
    )
    ax.text(
        0.62,
        0.56,
        "random: AUC = 0.5",
        rotation=45,
        rotation_mode="anchor",
        ha="center",
        va="center",
        color="#555555",
        fontsize=12,
    )

    ax.plot(
        [0],
        [1],
        marker="*",
        ms=20,
        color=VERMILION,
        mec=TEXT,
        mew=1,
        ls="none",
        clip_on=False,
        zorder=5,
        label="Perfect classifier (0, 1)",
    )
    ax.annotate(
        "perfect classifier: AUC = 1",
        xy=(0.0, 1.0),
        xytext=(0.07, 1.045),
        va="center",
        fontsize=12,
        color=TEXT,
    )

    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.09)
    ax.set_aspect("equal")
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("False positive rate (FPR = FP / (FP + TN))")
    ax.set_ylabel("True positive rate (TPR = recall)")
    ax.axhline(1.0, color=LIGHT_GREY, lw=1, zorder=0)
    ax.tick_params(axis="y", pad=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", handlelength=2.2, borderpad=0.5)
    return fig


def confusion_matrix() -> Figure:
    """2x2 confusion matrix with precision (column) and recall (row) braces."""
    xlim, ylim = (-1.0, 3.55), (-0.68, 2.68)
    fig = new_figure(FIG_WIDTH * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0]))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")

    correct, wrong = "#CFE5F7", "#FBD9A8"
    # (column, row): column 0 = predicted positive, column 1 = predicted negative;
    # row 1 = actual positive (top), row 0 = actual negative (bottom).
    cells = {
        (0, 1): ("TP", "true\npositive", correct),
        (1, 1): ("FN", "false\nnegative", wrong),
        (0, 0): ("FP", "false\npositive", wrong),
        (1, 0): ("TN", "true\nnegative", correct),
    }
    for (col, row), (abbr, name, color) in cells.items():
        ax.add_patch(Rectangle((col, row), 1, 1, fc=color, ec=TEXT, lw=1.5))
        ax.text(col + 0.5, row + 0.67, abbr, ha="center", va="center", fontsize=22, weight="bold")
        ax.text(col + 0.5, row + 0.36, name, ha="center", va="center", fontsize=11)

    # Headers.
    ax.text(1.0, 2.5, "Predicted", ha="center", va="center", fontsize=14, weight="bold")
    ax.text(0.5, 2.15, "Positive", ha="center", va="center")
    ax.text(1.5, 2.15, "Negative", ha="center", va="center")
    ax.text(-0.8, 1.0, "Actual", ha="center", va="center", rotation=90, fontsize=14, weight="bold")
    ax.text(-0.4, 1.5, "Positive", ha="center", va="center", rotation=90)
    ax.text(-0.4, 0.5, "Negative", ha="center", va="center", rotation=90)

    def outline(x: float, y: float, w: float, h: float, color: str, dashes: tuple) -> None:
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
            )
        )

    # Precision: the predicted-positive COLUMN (TP above FP).
    outline(0.05, 0.05, 0.9, 1.9, BLUE, (5, 2.5))
    tip = draw_brace(ax, (0.02, -0.06), (0.98, -0.06), 0.22, BLUE)
    ax.text(
        tip[0],
        tip[1] - 0.05,
        "Precision = TP / (TP + FP)",
        ha="center",
        va="top",
        color=BLUE,
        fontsize=13,
        weight="bold",
    )

    # Recall: the actual-positive ROW (TP beside FN).
    outline(0.1, 1.1, 1.8, 0.8, VERMILION, (2, 1.5))
    tip = draw_brace(ax, (2.06, 1.02), (2.06, 1.98), 0.22, VERMILION)
    ax.text(
        tip[0] + 0.05,
        tip[1],
        "Recall =\nTP / (TP + FN)",
        ha="left",
        va="center",
        color=VERMILION,
        fontsize=13,
        weight="bold",
        linespacing=1.4,
    )
    return fig


def bias_variance() -> Figure:
    """Bias-variance trade-off against model complexity."""
    fig = new_figure(4.9)
    ax = fig.add_axes((0.07, 0.1, 0.9, 0.74))

    x = np.linspace(0.0, 1.0, 300)
    bias2 = 0.9 * np.exp(-3.6 * x)
    variance = 0.035 * np.exp(3.4 * x)
    noise = np.full_like(x, 0.18)
    total = bias2 + variance + noise
    best = float(x[np.argmin(total)])
    top = 1.72

    ax.axvspan(0.0, best, color=SKY, alpha=0.10, lw=0)
    ax.axvspan(best, 1.0, color=ORANGE, alpha=0.10, lw=0)
    ax.plot(x, total, color=TEXT, lw=3.2, label="Total error")
    ax.plot(x, bias2, color=BLUE, lw=2.5, ls="--", label="Bias²")
    ax.plot(x, variance, color=VERMILION, lw=2.5, ls="-.", label="Variance")
    ax.plot(x, noise, color=GREEN, lw=2.5, ls=":", label="Irreducible error")
    ax.axvline(best, color=GREY, lw=1.8, ls=(0, (4, 3)))

    ax.text(best + 0.015, 0.93, "optimal\ncomplexity", ha="left", va="center", fontsize=12)
    for x_text, label, color in [
        (best / 2, "underfitting\n(high bias)", BLUE),
        ((best + 1.0) / 2, "overfitting\n(high variance)", VERMILION),
    ]:
        ax.text(
            x_text,
            top - 0.05,
            label,
            ha="center",
            va="top",
            fontsize=13,
            weight="bold",
            color=color,
        )

    ax.set_xlim(0, 1)
    ax.set_ylim(0, top)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.0, -0.025, "simple", transform=ax.transAxes, ha="left", va="top", fontsize=12)
    ax.text(1.0, -0.025, "complex", transform=ax.transAxes, ha="right", va="top", fontsize=12)
    ax.set_xlabel("Model complexity →", labelpad=8)
    ax.set_ylabel("Error")
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(
        loc="upper center",
        bbox_to_anchor=(0.52, 1.0),
        ncol=2,
        frameon=False,
        handlelength=2.6,
        columnspacing=1.5,
    )
    return fig


def time_series_cv() -> Figure:
    """Forward-chaining (expanding window) cross-validation."""
    n_blocks, n_folds = 6, 5
    fig = new_figure(3.7)
    ax = fig.add_axes((0.12, 0.13, 0.86, 0.74))
    unused_fc, unused_ec = "#EBEBEB", "#BDBDBD"

    height = 0.62
    gap = 0.03
    for fold in range(1, n_folds + 1):
        y = n_folds - fold
        bottom = y - height / 2
        # Expanding training window: blocks 0 .. fold-1.
        ax.add_patch(Rectangle((gap, bottom), fold - 2 * gap, height, fc=BLUE, lw=0))
        for block in range(1, fold):  # faint block boundaries inside the window
            ax.plot([block, block], [bottom, bottom + height], color="#5B9BD0", lw=1)
        # Test: always the block right after the training window.
        ax.add_patch(Rectangle((fold + gap, bottom), 1 - 2 * gap, height, fc=ORANGE, lw=0))
        # Later data: not used in this fold.
        for block in range(fold + 1, n_blocks):
            ax.add_patch(
                Rectangle(
                    (block + gap, bottom),
                    1 - 2 * gap,
                    height,
                    fc=unused_fc,
                    ec=unused_ec,
                    lw=1,
                )
            )
        ax.text(fold + 0.5, y, "test", ha="center", va="center", fontsize=12, weight="bold")
        ax.text(
            fold / 2,
            y,
            "train",
            ha="center",
            va="center",
            fontsize=12,
            color="white",
            weight="bold",
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
        arrowprops={"arrowstyle": "-|>", "color": TEXT, "lw": 1.6},
    )
    ax.text(0.5, -0.06, "time →", transform=ax.transAxes, ha="center", va="top")
    handles = [
        Patch(fc=BLUE, label="train"),
        Patch(fc=ORANGE, label="test"),
        Patch(fc=unused_fc, ec=unused_ec, label="unused (later data)"),
    ]
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=3,
        bbox_to_anchor=(0.55, 1.0),
        frameon=False,
        handlelength=1.6,
        columnspacing=1.4,
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
            break
        centroids = new
    return labels, centroids


def scatter_by_group(
    ax: Axes, points: np.ndarray, groups: np.ndarray, styles: list[tuple[str, str]], size: float
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
            edgecolors=TEXT,
            linewidths=0.6,
            zorder=2,
        )


def knn_vs_kmeans() -> Figure:
    """Left: kNN classification (k = 5). Right: k-means clustering (k = 3)."""
    fig = new_figure(4.3)
    left = fig.add_axes((0.01, 0.25, 0.47, 0.63))
    right = fig.add_axes((0.52, 0.25, 0.47, 0.63))
    caption = {"ha": "center", "va": "top", "fontsize": 12, "linespacing": 1.35}

    # kNN: two labelled classes, one query point.
    rng = np.random.default_rng(7)
    class_a = rng.normal((2.6, 3.1), 0.85, size=(13, 2))
    class_b = rng.normal((4.9, 1.6), 0.85, size=(13, 2))
    points = np.vstack([class_a, class_b])
    labels = np.array([0] * len(class_a) + [1] * len(class_b))
    query = np.array([3.65, 2.5])
    k = 5
    dist = np.linalg.norm(points - query, axis=1)
    nearest = np.argsort(dist)[:k]
    votes = np.bincount(labels[nearest], minlength=2)
    winner = int(votes.argmax())
    radius = float(dist[nearest[-1]])

    left.add_patch(Circle(tuple(query), radius + 0.12, fc="none", ec=GREY, lw=1.5, ls="--"))
    for i in nearest:
        left.plot([query[0], points[i, 0]], [query[1], points[i, 1]], color=GREY, lw=1.3, zorder=1)
    scatter_by_group(left, points, labels, [("o", BLUE), ("^", ORANGE)], size=60)
    left.scatter(
        [query[0]],
        [query[1]],
        marker="*",
        s=340,
        c="white",
        edgecolors=TEXT,
        linewidths=1.4,
        zorder=3,
    )
    label_box = {"fc": "white", "ec": "none", "pad": 0.5, "alpha": 0.8}
    left.text(1.0, 4.75, "● class A", color=BLUE, weight="bold", fontsize=12, bbox=label_box)
    left.text(6.3, 2.95, "▲ class B", color=DARK_ORANGE, weight="bold", fontsize=12, ha="right")
    left.text(query[0] - 0.1, query[1] - 0.42, "query", fontsize=12, ha="right", va="top")
    left.set_xlim(0.6, 6.4)
    left.set_ylim(-0.3, 5.3)
    names = ["A", "B"]
    left.set_title("kNN (supervised)", fontsize=13, weight="bold")
    fig.text(
        0.245,
        0.22,
        "k = 5 nearest labelled points vote:\n"
        f"{votes[0]} A vs {votes[1]} B → predict {names[winner]}",
        **caption,
    )

    # k-means: unlabelled blobs, clustered with k = 3.
    rng = np.random.default_rng(11)
    centres = np.array([[1.5, 1.5], [4.6, 1.9], [3.0, 4.4]])
    blobs = np.vstack([rng.normal(c, 0.62, size=(14, 2)) for c in centres])
    init = blobs[[0, 14, 28]]
    assign, centroids = kmeans(blobs, init)
    cluster_styles = [("o", GREEN), ("s", PURPLE), ("D", SKY)]
    scatter_by_group(right, blobs, assign, cluster_styles, size=46)
    right.scatter(
        centroids[:, 0],
        centroids[:, 1],
        marker="X",
        s=280,
        c=[c for _, c in cluster_styles],
        edgecolors=TEXT,
        linewidths=1.6,
        zorder=3,
    )
    right.set_title("k-means (unsupervised)", fontsize=13, weight="bold")
    fig.text(
        0.755,
        0.22,
        "no labels; k = 3 clusters found,\ncolour = assigned cluster,\n✕ = centroid (cluster mean)",
        **caption,
    )

    left.set_aspect("equal", adjustable="box")
    right.set_aspect("equal", adjustable="datalim")
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#999999")
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


def svm_margin() -> Figure:
    """Maximum-margin hyperplane, margins, margin width and support vectors."""
    x, y, w, b, sv = separable_svm_data()
    fig = new_figure(5.6)
    ax = fig.add_axes((0.01, 0.1, 0.98, 0.89))
    ax.set_xlim(-0.1, 6.3)
    ax.set_ylim(-0.35, 5.85)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#999999")

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
    text_box = {"fc": "white", "ec": "none", "pad": 1.0, "alpha": 0.9}

    for level, ls, lw, text in [
        (0, "-", 2.6, r"$\mathbf{w}\cdot\mathbf{x} + b = 0$"),
        (1, "--", 1.8, r"$\mathbf{w}\cdot\mathbf{x} + b = +1$"),
        (-1, "--", 1.8, r"$\mathbf{w}\cdot\mathbf{x} + b = -1$"),
    ]:
        base = anchor + level * unit / norm_w
        line = base[None, :] + span[:, None] * direction[None, :]
        ax.plot(line[:, 0], line[:, 1], color=TEXT, ls=ls, lw=lw, zorder=1)
        pos = base + 2.95 * direction + 0.07 * unit
        ax.text(
            pos[0],
            pos[1],
            text,
            rotation=angle,
            rotation_mode="anchor",
            ha="center",
            va="bottom",
            fontsize=12,
            bbox=text_box,
            zorder=6,
        )

    markers = {1: ("o", BLUE, "class +1", 70), -1: ("s", ORANGE, "class −1", 62)}
    for cls, (marker, color, name, size) in markers.items():
        sel = y == cls
        ax.scatter(
            x[sel, 0],
            x[sel, 1],
            marker=marker,
            s=size,
            c=color,
            edgecolors=TEXT,
            linewidths=0.7,
            zorder=3,
            label=name,
        )
    ax.scatter(
        x[sv, 0],
        x[sv, 1],
        marker="o",
        s=340,
        facecolors="none",
        edgecolors=VERMILION,
        linewidths=2.2,
        zorder=4,
        label="support vectors",
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
            "color": VERMILION,
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
        fontsize=13,
        color=VERMILION,
        zorder=6,
    )
    fig.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        markerscale=0.8,
        handletextpad=0.3,
        columnspacing=1.2,
    )
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {
    "roc-curve.svg": roc_curve,
    "confusion-matrix.svg": confusion_matrix,
    "bias-variance.svg": bias_variance,
    "time-series-cv.svg": time_series_cv,
    "knn-vs-kmeans.svg": knn_vs_kmeans,
    "svm-margin.svg": svm_margin,
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
    with matplotlib.rc_context(STYLE):
        for name, make in FIGURES.items():
            path = out_dir / name
            save(make(), path)
            print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
