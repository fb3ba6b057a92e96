"""Charts of the results (matplotlib, Agg backend: no display needed)."""


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


_VERDICTS = {
    "met": ("tab:green", "target met"),
    "missed": ("tab:red", "target missed"),
    "none": ("tab:blue", "no target"),
}


def _verdict_colour(ratio, target):
    verdict = "none" if target is None else "met" if ratio >= target else "missed"
    return _VERDICTS[verdict][0]


def plot_ratios(labels, ratios, targets, path, title):
    """Bar chart of the sknn / scikit-learn ratio per case, targets marked.

    Parameters
    ----------
    labels : list of str
        One per bar (case, or case and predict mode).
    ratios : list of float
        sknn's ratio vs scikit-learn (above 1: sknn faster; for predict,
        rows per second over scikit-learn's).
    targets : list of float or None
        The target of each bar (None: no marker).
    path : path-like
        Where to write the PNG.
    title : str
    """
    plt = _pyplot()
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(labels) + 2), 4.5))
    positions = list(range(len(labels)))
    colours = [_verdict_colour(r, t) for r, t in zip(ratios, targets, strict=True)]
    bars = ax.bar(positions, ratios, color=colours)
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    marked = [(x, t) for x, t in zip(positions, targets, strict=True) if t is not None]
    if marked:
        ax.scatter(
            *zip(*marked, strict=True), marker="_", s=900, linewidths=2.5, color="black", zorder=3
        )
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    top = max([*ratios, *(t for t in targets if t is not None)])
    ax.set_ylim(0, 1.25 * top)
    ax.legend(
        handles=[Patch(color=colour, label=name) for colour, name in _VERDICTS.values()]
        + [
            plt.Line2D(
                [],
                [],
                color="black",
                marker="_",
                markersize=15,
                linestyle="none",
                markeredgewidth=2.5,
                label="target",
            )
        ],
        loc="upper left",
        fontsize=8,
        ncol=4,
    )
    ax.set_xticks(positions, labels, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("× faster than scikit-learn")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_scaling(series, limits, path, title):
    """Seconds per epoch against FLOP per epoch, log-log, with the hardware limit lines.

    Parameters
    ----------
    series : dict
        label -> (list of FLOP per epoch, list of seconds per epoch); one
        set of markers each (e.g. "sknn, rows").
    limits : dict
        label -> FLOP per second; each is drawn as the line seconds = FLOP / limit.
    path : path-like
    title : str
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    markers = "osD^v<>p*h"
    for (label, (flops, seconds)), marker in zip(series.items(), markers * 3, strict=False):
        ax.loglog(
            flops,
            seconds,
            marker=marker,
            linestyle="-" if "sknn" in label else ":",
            label=label,
            alpha=0.9,
        )
    all_flops = [f for flops, _ in series.values() for f in flops]
    span = [min(all_flops) / 1.5, max(all_flops) * 1.5]
    for (label, flop_per_second), style in zip(limits.items(), ["-", "--", "-."], strict=False):
        ax.loglog(
            span,
            [f / flop_per_second for f in span],
            color="black",
            linestyle=style,
            linewidth=1,
            label=label,
        )
    ax.set_xlabel("FLOP per epoch")
    ax.set_ylabel("seconds per epoch")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
