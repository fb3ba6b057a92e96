"""How sknn's time per epoch grows with rows, width and depth, against the FLOP count.

Usage::

    python benchmarks/scaling.py [--quick] [--repeats N] [--no-save]

First measures the machine's float32 matrix-product speed (best of several
``np.matmul`` of 2048×2048 matrices, and of the 128×784 @ 784×128 shape a
batch uses): the hardware limit. Then times sknn (and scikit-learn for
reference, alternated, best of repeats) per epoch on Fashion-MNIST, relu,
adam, batch 128, float32, over three sweeps: rows (784-128-10), width
(784-w-10) and depth (784-[256]*d-10). Each size's FLOP per epoch divided by
its time gives the speed achieved, and its fraction of the limit. Writes
``benchmarks/results/scaling.md`` and ``scaling.png`` (``scaling-quick.*``
with ``--quick``).
"""

import argparse
import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _cases import ADAM, Case
from _data import fashion_mnist
from _libraries import SKLEARN, SKNN
from _machine import machine_description
from _timing import time_fits, warm_up

RESULTS = Path(__file__).resolve().parent / "results"
N_FEATURES, N_CLASSES = 784, 10


@dataclass(frozen=True)
class Size:
    """One network size of a sweep."""

    sweep: str
    hidden_layer_sizes: tuple
    rows: int

    @property
    def widths(self):
        """Layer widths u0..uL, input and output included."""
        return (N_FEATURES, *self.hidden_layer_sizes, N_CLASSES)

    @property
    def network(self):
        return "-".join(map(str, self.widths))


def sweeps(quick=False):
    """The sizes timed: rows, then width, then depth."""
    if quick:
        rows, fixed_rows, widths, depths = (1_250, 2_500, 5_000), 5_000, (32, 128, 512), (1, 2, 3)
    else:
        rows, fixed_rows = (7_500, 15_000, 30_000, 60_000), 20_000
        widths, depths = (32, 64, 128, 256, 512, 1024), (1, 2, 3, 4)
    return (
        [Size("rows", (128,), n) for n in rows]
        + [Size("width", (w,), fixed_rows) for w in widths]
        + [Size("depth", (256,) * d, fixed_rows) for d in depths]
    )


def flop_per_epoch(widths, rows):
    """Floating-point operations of one epoch's matrix products.

    Forward ``2·n·Σ u_{l-1}·u_l``; backward as much again for the weight
    gradients plus ``2·n·Σ_{l≥2} u_{l-1}·u_l`` to propagate the deltas
    (none into the input).
    """
    products = [fan_in * fan_out for fan_in, fan_out in itertools.pairwise(widths)]
    return 2 * rows * (2 * sum(products) + sum(products[1:]))


def matmul_flop_per_second(m, k, n, calls, repeats=5, seed=0):
    """Best float32 FLOP/s of ``calls`` back-to-back ``np.matmul`` of (m, k) @ (k, n)."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, k), dtype=np.float32)
    B = rng.standard_normal((k, n), dtype=np.float32)
    out = np.empty((m, n), dtype=np.float32)
    np.matmul(A, B, out=out)  # warm up the BLAS threads
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            np.matmul(A, B, out=out)
        best = min(best, time.perf_counter() - start)
    return 2 * m * k * n * calls / best


def hardware_limits():
    """``{label: FLOP/s}``: large square and batch-shaped float32 products."""
    square = matmul_flop_per_second(2048, 2048, 2048, calls=1, repeats=7)
    batch = matmul_flop_per_second(128, 784, 128, calls=200, repeats=7)
    return {
        f"limit: 2048² matmul, {square / 1e9:.0f} GFLOP/s": square,
        f"128×784 @ 784×128 matmul, {batch / 1e9:.0f} GFLOP/s": batch,
    }


def time_size(size, epochs, repeats):
    """Best seconds per epoch of sknn and scikit-learn on one size."""
    case = Case(
        f"scaling {size.network}",
        size.network,
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(ADAM, hidden_layer_sizes=size.hidden_layer_sizes, max_iter=epochs),
    )
    data = fashion_mnist("float32", size.rows)
    best = time_fits(case, data, repeats, (SKNN, SKLEARN))
    return {library: seconds for library, (seconds, _) in best.items()}


def time_sweeps(sizes, epochs, repeats):
    """``[(size, {library: seconds per epoch})]``; a size met twice is timed once."""
    timed = {}
    for size in sizes:
        key = (size.hidden_layer_sizes, size.rows)
        if key not in timed:
            print(f"{size.sweep}: {size.network}, {size.rows:,} rows ...", flush=True)
            timed[key] = time_size(size, epochs, repeats)
    return [(size, timed[size.hidden_layer_sizes, size.rows]) for size in sizes]


def format_table(measured, peak):
    """Markdown table: FLOP, seconds, GFLOP/s and the fraction of ``peak`` (FLOP/s)."""
    lines = [
        "| sweep | network | rows | GFLOP / epoch | limit s / epoch | sknn s / epoch "
        "| scikit-learn s / epoch | sknn GFLOP/s | sknn % of limit "
        "| scikit-learn GFLOP/s | scikit-learn % of limit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, seconds in measured:
        flop = flop_per_epoch(size.widths, size.rows)
        sknn_speed, sklearn_speed = flop / seconds[SKNN], flop / seconds[SKLEARN]
        lines.append(
            f"| {size.sweep} | {size.network} | {size.rows:,} | {flop / 1e9:.2f} "
            f"| {flop / peak:.3g} | {seconds[SKNN]:.3g} | {seconds[SKLEARN]:.3g} "
            f"| {sknn_speed / 1e9:.1f} | {100 * sknn_speed / peak:.0f}% "
            f"| {sklearn_speed / 1e9:.1f} | {100 * sklearn_speed / peak:.0f}% |"
        )
    return "\n".join(lines)


def plot_series(measured):
    """``{"library, sweep": (FLOP list, seconds list)}`` for the plot."""
    series = {}
    for library in (SKNN, SKLEARN):
        for size, seconds in measured:
            flops, times = series.setdefault(f"{library}, {size.sweep}", ([], []))
            flops.append(flop_per_epoch(size.widths, size.rows))
            times.append(seconds[library])
    return series


def report(machine, limits, measured, epochs, repeats, quick):
    """The markdown file's text."""
    peak = next(iter(limits.values()))
    limit_lines = "\n".join(f"- {label}" for label in limits)
    per_fit = f"{epochs} epoch" + ("s" if epochs > 1 else "")
    settings = (
        f"Fashion-MNIST (float32), relu, adam, batch 128, {per_fit} per fit "
        f"(tol=0, n_iter_no_change=max_iter), random_state=0; best of {repeats} fits "
        "per library, sknn and scikit-learn alternated. Seconds per epoch = fit time "
        "(input validation included) / n_iter_. FLOP per epoch for widths u0..uL and "
        "n rows: forward 2·n·Σ u_{l-1}·u_l, weight gradients as much, deltas "
        '2·n·Σ_{l≥2} u_{l-1}·u_l. "limit s / epoch" is FLOP / the 2048² matmul speed; '
        '"% of limit" is the achieved FLOP/s over it. Small sizes cannot reach the '
        "limit: their products are too small to keep the cores busy (compare the "
        "batch-shaped product's speed)."
        + (" **--quick**: fewer sizes, 5,000 rows." if quick else "")
    )
    title = "Scaling of sknn's time per epoch" + (" (--quick)" if quick else "")
    return (
        "\n\n".join(
            [
                f"# {title}",
                "## Machine",
                machine,
                "## Hardware limit (float32 matrix product)",
                limit_lines,
                "## Settings",
                settings,
                "## Results",
                format_table(measured, peak),
            ]
        )
        + "\n"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, 5,000 rows, 1 epoch")
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="fits per library and size; the best is kept (default 2)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    epochs = 1 if args.quick else 2

    warm_up()
    machine = machine_description()
    print(machine + "\n\nMeasuring the float32 matrix product ...", flush=True)
    limits = hardware_limits()
    print("\n".join(limits), flush=True)
    measured = time_sweeps(sweeps(args.quick), epochs, args.repeats)
    text = report(machine, limits, measured, epochs, args.repeats, args.quick)
    print("\n" + text.split("## Results\n\n")[1])

    if not args.no_save:
        from _plots import plot_scaling

        stem = "scaling-quick" if args.quick else "scaling"
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{stem}.md").write_text(text)
        plot_scaling(
            plot_series(measured),
            limits,
            RESULTS / f"{stem}.png",
            "sknn and scikit-learn: seconds per epoch vs FLOP per epoch",
        )
        print(f"Wrote {RESULTS / (stem + '.md')} and {RESULTS / (stem + '.png')}")


if __name__ == "__main__":
    main()
