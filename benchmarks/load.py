"""sknn under load: a large fit's memory, a long partial_fit stream, a parallel search.

Usage::

    python benchmarks/load.py [--quick] [--no-save]

Three scenarios, each measured in a child process of its own (this script
run again with ``--child``), so that one cannot disturb another's memory:

(a) **Large fit.** 1,000,000 × 100 float32 rows (``--quick``: 200,000), a
    synthetic 10-class target, ``MLPClassifier(hidden_layer_sizes=(64,),
    batch_size=256, max_iter=2, tol=0, n_iter_no_change=2, random_state=0)``
    with and without ``early_stopping``, sknn and scikit-learn. The child
    makes the data first, then a tiny warm-up fit, hands freed heap back
    (``malloc_trim``), resets the peak-RSS counter (``echo 5 >
    /proc/self/clear_refs``) and reads ``VmRSS`` as the baseline; the peak
    memory added by the fit is ``VmHWM`` - baseline (as ``_memory.py`` does
    for ``run.py``), so the data itself is not counted. A second, identical
    fit with ``tracemalloc`` on gives the peak of the live allocations, and
    the report sets both against the working set the code allocates.
(b) **Long partial_fit stream.** 10,000 calls (``--quick``: 2,000) of
    ``partial_fit`` on 32 × 20 batches with ``classes`` given every call;
    ``VmRSS`` after call 100 and after every tenth of the calls; the growth
    between the tenth and the last call would show a leak. Time per call.
(c) **Parallel grid search.** ``GridSearchCV(MLPClassifier(...), {'alpha':
    [1e-4, 1e-3]}, cv=2, n_jobs=2)``; every fit records, in the process it
    runs in, the BLAS thread pools (``threadpoolctl``), the OS threads of
    the process and its CPU time / wall time, so that one sees whether the
    workers share the cores or oversubscribe them.

Prints the machine and markdown tables; unless ``--no-save`` writes
``benchmarks/results/load.md`` (``load-quick.md`` with ``--quick``).
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from _machine import machine_description
from _memory import CLEAR_REFS, STATUS, _release_free_heap, _reset_peak, _status_kilobytes
from sknn import MLPClassifier as SknnMLPClassifier

RESULTS = Path(__file__).resolve().parent / "results"
SKNN, SKLEARN = "sknn", "scikit-learn"
MB = 1e6  # reported sizes are in MB of 10^6 bytes

# (a) the large fit
FIT_ROWS, FIT_ROWS_QUICK, FIT_FEATURES, FIT_CLASSES = 1_000_000, 200_000, 100, 10
FIT_PARAMS = dict(
    hidden_layer_sizes=(64,), batch_size=256, max_iter=2, tol=0, n_iter_no_change=2, random_state=0
)
# (b) the partial_fit stream
STREAM_CALLS, STREAM_CALLS_QUICK, STREAM_ROWS, STREAM_FEATURES, STREAM_CLASSES = (
    10_000,
    2_000,
    32,
    20,
    3,
)
STREAM_POOL = 100  # distinct batches, made before the stream and cycled through
STREAM_PARAMS = dict(hidden_layer_sizes=(64,), random_state=0)
LEAK_LIMIT_MB = 0.5  # RSS growth (tenth call -> last) beyond loss_curve_'s: a leak
LOSS_CURVE_BYTES = 32  # loss_curve_ gains a float per call: 24 B object + 8 B list slot
# (c) the grid search
GRID_ROWS, GRID_ROWS_QUICK, GRID_FEATURES, GRID_CLASSES, GRID_JOBS = 50_000, 10_000, 100, 10, 2
GRID_PARAMS = dict(
    hidden_layer_sizes=(128,),
    batch_size=128,
    max_iter=10,
    tol=0,
    n_iter_no_change=10,
    random_state=0,
)
GRID = {"alpha": [1e-4, 1e-3]}
THREAD_LOG = "SKNN_LOAD_THREAD_LOG"  # environment variable: where each fit appends its record


# ------------------------------------------------------------------ helpers
def estimator_class(library):
    if library == SKNN:
        return SknnMLPClassifier
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier


def synthetic(n_rows, n_features, n_classes, seed=0):
    """float32 standard-normal rows and a linear-ish target: argmax(X W + noise)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, n_features), dtype=np.float32)
    W = rng.standard_normal((n_features, n_classes), dtype=np.float32)
    y = np.empty(n_rows, dtype=np.int64)
    for start in range(0, n_rows, 100_000):  # small temporaries only
        part = slice(start, start + 100_000)
        logits = X[part] @ W
        logits += 2.0 * rng.standard_normal(logits.shape, dtype=np.float32)
        y[part] = logits.argmax(axis=1)
    return X, y


def rss_kb():
    return _status_kilobytes("VmRSS")


def quiet():
    """A warnings context with the ConvergenceWarning of short fits silenced."""
    context = warnings.catch_warnings()
    context.__enter__()
    warnings.simplefilter("ignore", ConvergenceWarning)
    return context


def run_child(*args, timeout=3600):
    """Run this script with ``--child args``; its last stdout line, parsed as JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)]
    child = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if child.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


# ------------------------------------------------------- (a) the large fit
def fit_child(library, early_stopping, n_rows):
    """In this process: memory and time of one large fit (see the module docstring)."""
    X, y = synthetic(n_rows, FIT_FEATURES, FIT_CLASSES)
    cls = estimator_class(library)
    params = dict(FIT_PARAMS, early_stopping=early_stopping)
    quiet()
    cls(**dict(params, max_iter=1)).fit(X[:2_000], y[:2_000])  # one-off start-up costs
    estimator = cls(**params)
    gc.collect()
    _release_free_heap()
    _reset_peak()
    baseline = rss_kb()
    start, cpu = time.perf_counter(), time.process_time()
    estimator.fit(X, y)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = _status_kilobytes("VmHWM")
    if estimator.n_iter_ != FIT_PARAMS["max_iter"]:
        raise RuntimeError(f"{library} ran {estimator.n_iter_} epochs")
    del estimator
    gc.collect()
    tracemalloc.start()  # a second fit: what NumPy and Python allocate, at its peak
    traced_base = tracemalloc.get_traced_memory()[0]
    cls(**params).fit(X, y)
    traced = tracemalloc.get_traced_memory()[1] - traced_base
    tracemalloc.stop()
    return {
        "library": library,
        "early_stopping": early_stopping,
        "rows": n_rows,
        "data_mb": X.nbytes / MB,
        "y_mb": y.nbytes / MB,
        "baseline_mb": baseline * 1024 / MB,
        "added_mb": (peak - baseline) * 1024 / MB,
        "seconds": seconds,
        "cpu_per_wall": cpu / seconds,
        "n_iter": FIT_PARAMS["max_iter"],
        "traced_mb": traced / MB,
    }


def sknn_working_set(rows, early_stopping, validation_fraction=0.1):
    """What sknn's fit allocates beyond X, y and the fitted weights, in MB, from
    the code (``_labels.encode``, ``_batches.BatchSource``, ``_split``,
    ``_validation.rows_of``, ``_losses``): ``(held, momentary)``, lists of
    ``(what, MB)``. ``held`` lives through the epochs; each ``momentary`` item
    exists for a moment of an epoch, and never together with another, so the
    expected peak is ``sum(held) + max(momentary)``. The label indices of
    the encoding (2 × 8 B a row) and the split's own temporaries come and go
    before the epochs, below that peak."""
    n_val = int(np.ceil(validation_fraction * rows)) if early_stopping else 0
    n_train = rows - n_val
    n_params = FIT_FEATURES * 64 + 64 + 64 * FIT_CLASSES + FIT_CLASSES
    batch = FIT_PARAMS["batch_size"] * (FIT_FEATURES + 64 + FIT_CLASSES) * 4
    held = [
        ("one-hot training targets, uint8 (10 B a row)", rows * FIT_CLASSES),
        ("the row order the batches follow, int64 (8 B a training row)", n_train * 8),
        (
            "the network: weights, gradient, Adam's two moments, a spare copy "
            "(5 × parameters × 4 B) and the batch buffers (3 × batch × widths × 4 B)",
            5 * n_params * 4 + 3 * batch,
        ),
    ]
    momentary = [
        (
            "each epoch's shuffle: `sklearn.utils.shuffle` draws a permutation and "
            "gathers the order with it (2 × 8 B a training row)",
            2 * n_train * 8,
        ),
    ]
    if early_stopping:
        held += [
            ("validation rows copied out of X, float32 (10% of X)", n_val * FIT_FEATURES * 4),
            (
                "validation targets: one-hot float32 (40 B a validation row) and "
                "labels int64 (8 B)",
                n_val * (4 * FIT_CLASSES + 8),
            ),
            ("the split: training and validation row indices, int64 (8 B a row)", rows * 8),
        ]
        momentary += [
            (
                "each epoch's training rows in shuffled order, int64 (8 B a training row)",
                n_train * 8,
            ),
            (
                "each epoch's validation pass: outputs and log-loss temporaries "
                "(about 3 × 40 B a validation row)",
                n_val * 3 * 4 * FIT_CLASSES,
            ),
        ]
    return (
        [(name, size / MB) for name, size in held],
        [(name, size / MB) for name, size in momentary],
    )


def fit_rows(quick):
    n_rows = FIT_ROWS_QUICK if quick else FIT_ROWS
    results = []
    for library in (SKNN, SKLEARN):
        for early_stopping in (False, True):
            print(
                f"(a) fit {n_rows:,} rows: {library}, early_stopping={early_stopping} ...",
                flush=True,
            )
            results.append(run_child("fit", library, int(early_stopping), n_rows))
    return results


def fit_table(results):
    lines = [
        "| library | early_stopping | data X (MB) | peak added by fit (MB) "
        "| added / data | traced peak (MB) | fit time (s) | s/epoch | CPU time / wall time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['library']} | {r['early_stopping']} | {r['data_mb']:.0f} | "
            f"{r['added_mb']:.1f} | {r['added_mb'] / r['data_mb']:.3f} | {r['traced_mb']:.1f} | "
            f"{r['seconds']:.1f} | {r['seconds'] / r['n_iter']:.2f} | "
            f"{r['cpu_per_wall']:.2f} |"
        )
    return "\n".join(lines)


def fit_verdict(results):
    lines = []
    for r in results:
        if r["library"] != SKNN:
            continue
        held, momentary = sknn_working_set(r["rows"], r["early_stopping"])
        expected = sum(size for _, size in held) + max(size for _, size in momentary)
        holds = r["added_mb"] < 0.5 * r["data_mb"]
        per_row = r["added_mb"] * MB / r["rows"]
        lines.append(
            f"- sknn, early_stopping={r['early_stopping']}: added {r['added_mb']:.1f} MB "
            f"= {r['added_mb'] / r['data_mb']:.1%} of the {r['data_mb']:.0f} MB of X "
            f"({per_row:.0f} bytes per row, against {FIT_FEATURES * 4} per row of X): "
            + (
                "no copy of the data set, **the contract holds**"
                if holds
                else "**more than half the data: the contract does not hold**"
            )
            + f". Expected from the code: {expected:.1f} MB (what is held through the "
            "epochs, plus the largest momentary item); traced by `tracemalloc` in a "
            f"second fit: {r['traced_mb']:.1f} MB. Held:"
        )
        lines += [f"  - {name}: {size:.1f} MB" for name, size in held]
        lines.append("  - momentary, one at a time:")
        lines += [f"    - {name}: {size:.1f} MB" for name, size in momentary]
        if r["added_mb"] - r["traced_mb"] > 2.0:
            lines.append(
                f"  - the RSS figure is {r['added_mb'] - r['traced_mb']:.1f} MB above the "
                "traced one: heap pages glibc's allocator kept after temporaries "
                "were freed, not live arrays (a fixed `MALLOC_MMAP_THRESHOLD_=131072` "
                "narrowed the gap from 14 to 5 MB on 1,000,000 rows)."
            )
    sklearn_rows = {r["early_stopping"]: r for r in results if r["library"] == SKLEARN}
    if sklearn_rows:
        lines.append(
            "- scikit-learn, for comparison: "
            + "; ".join(
                f"early_stopping={es}: {r['added_mb']:.1f} MB "
                f"({r['added_mb'] / r['data_mb']:.1%} of X)"
                for es, r in sorted(sklearn_rows.items())
            )
            + ". Its early stopping splits with `train_test_split(X, y)`, which "
            "copies every row of X (90% training, 10% validation); its label "
            "binarizer makes an int64 one-hot matrix (rows × 10 × 8 B) before "
            "turning it into booleans."
        )
    return "\n".join(lines)


# ------------------------------------------------ (b) the partial_fit stream
def checkpoints(n_calls):
    """Call 100 and every tenth of the calls: 100, 1000, 2000, ..., 10000."""
    tenth = n_calls // 10
    return sorted({100, *range(tenth, n_calls + 1, tenth)})


def stream_child(library, n_calls):
    """In this process: RSS along ``n_calls`` partial_fit calls, and their times."""
    rng = np.random.default_rng(0)
    X_pool = rng.standard_normal((STREAM_POOL, STREAM_ROWS, STREAM_FEATURES))
    W = rng.standard_normal((STREAM_FEATURES, STREAM_CLASSES))
    y_pool = (X_pool @ W).argmax(axis=2)
    classes = np.arange(STREAM_CLASSES)
    times = np.empty(n_calls)
    marks = set(checkpoints(n_calls))
    estimator = estimator_class(library)(**STREAM_PARAMS)
    quiet()
    records = []
    gc.collect()
    _release_free_heap()
    start_rss = rss_kb()
    for call in range(n_calls):
        X, y = X_pool[call % STREAM_POOL], y_pool[call % STREAM_POOL]
        start = time.perf_counter()
        estimator.partial_fit(X, y, classes=classes)
        times[call] = time.perf_counter() - start
        if call + 1 in marks:
            records.append(
                {
                    "call": call + 1,
                    "rss_mb": rss_kb() * 1024 / MB,
                    "gc_objects": len(gc.get_objects()),
                    "loss_curve": len(estimator.loss_curve_),
                }
            )
    return {
        "library": library,
        "calls": n_calls,
        "start_rss_mb": start_rss * 1024 / MB,
        "records": records,
        "mean_ms": 1e3 * float(times.mean()),
        "first_tenth_ms": 1e3 * float(np.median(times[: n_calls // 10])),
        "last_tenth_ms": 1e3 * float(np.median(times[-(n_calls // 10) :])),
        "median_ms": 1e3 * float(np.median(times)),
        "first_ms": 1e3 * float(times[0]),
        "score": float(estimator.score(X_pool.reshape(-1, STREAM_FEATURES), y_pool.reshape(-1))),
    }


def stream_rows(quick):
    n_calls = STREAM_CALLS_QUICK if quick else STREAM_CALLS
    results = []
    for library in (SKNN, SKLEARN):
        print(f"(b) {n_calls:,} partial_fit calls: {library} ...", flush=True)
        results.append(run_child("stream", library, n_calls))
    return results


def stream_growth(r):
    """From the tenth of the calls to the last: RSS growth (MB), what ``loss_curve_``
    accounts for (MB), gc-tracked objects growth, and the two call numbers."""
    tenth = r["calls"] // 10
    first = next(x for x in r["records"] if x["call"] == tenth)
    last = r["records"][-1]
    curve = (last["loss_curve"] - first["loss_curve"]) * LOSS_CURVE_BYTES / MB
    return (
        last["rss_mb"] - first["rss_mb"],
        curve,
        last["gc_objects"] - first["gc_objects"],
        first["call"],
        last["call"],
    )


def stream_tables(results):
    calls = [x["call"] for x in results[0]["records"]]
    lines = [
        "| library | " + " | ".join(f"{c:,}" for c in calls) + " |",
        "|---|" + "---:|" * len(calls),
    ]
    for r in results:
        lines.append(
            f"| {r['library']} | " + " | ".join(f"{x['rss_mb']:.2f}" for x in r["records"]) + " |"
        )
    rss = "\n".join(lines)
    lines = [
        "| library | RSS growth (MB) | of which `loss_curve_` (MB) | rest (MB) "
        "| gc-tracked objects growth | verdict | time per call, mean / median (ms) "
        "| median, first tenth → last tenth (ms) | accuracy on the batches |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        growth, curve, objects, _, _ = stream_growth(r)
        verdict = (
            "no leak"
            if growth - curve <= LEAK_LIMIT_MB
            else f"**grows** (> {LEAK_LIMIT_MB} MB beyond `loss_curve_`)"
        )
        lines.append(
            f"| {r['library']} | {growth:+.2f} | {curve:+.2f} | {growth - curve:+.2f} "
            f"| {objects:+,} | {verdict} | {r['mean_ms']:.2f} / {r['median_ms']:.2f} "
            f"| {r['first_tenth_ms']:.2f} → {r['last_tenth_ms']:.2f} "
            f"| {r['score']:.3f} |"
        )
    return rss, "\n".join(lines)


# ------------------------------------------------------- (c) the grid search
def _thread_record(stage):
    """This process's BLAS / OpenMP thread pools and OS threads, now."""
    from threadpoolctl import threadpool_info

    with open("/proc/self/status") as f:
        os_threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    pools = {}
    for pool in threadpool_info():
        name = f"{pool['user_api']} ({Path(pool['filepath']).parent.name})"
        pools[name] = pool["num_threads"]
    return {"stage": stage, "pid": os.getpid(), "pools": pools, "os_threads": os_threads}


class ThreadRecordingMLP(SknnMLPClassifier):
    """sknn's MLPClassifier that appends, at every fit, the thread pools of the
    process it runs in (and its CPU time / wall time) to the file named by
    the environment variable ``SKNN_LOAD_THREAD_LOG``."""

    def fit(self, X, y, *args, **kwargs):
        record = _thread_record("fit")
        cpu, wall = time.process_time(), time.perf_counter()
        result = super().fit(X, y, *args, **kwargs)
        wall = time.perf_counter() - wall
        record.update(
            cpu_per_wall=(time.process_time() - cpu) / wall,
            seconds=wall,
            rows=int(X.shape[0]),
            alpha=self.alpha,
            os_threads_after=_thread_record("after")["os_threads"],
            env={
                k: os.environ.get(k)
                for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
            },
        )
        with open(os.environ[THREAD_LOG], "a") as f:
            f.write(json.dumps(record) + "\n")
        return result


def grid_child(n_rows):
    """In this process: the grid search, and the thread record of each of its fits."""
    import tempfile

    from sklearn.model_selection import GridSearchCV

    X, y = synthetic(n_rows, GRID_FEATURES, GRID_CLASSES, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "threads.jsonl"
        log.touch()
        os.environ[THREAD_LOG] = str(log)
        parent = _thread_record("search process, before the search")
        search = GridSearchCV(ThreadRecordingMLP(**GRID_PARAMS), GRID, cv=2, n_jobs=GRID_JOBS)
        quiet()
        start = time.perf_counter()
        search.fit(X, y)
        seconds = time.perf_counter() - start
        fits = [json.loads(line) for line in log.read_text().splitlines()]
    return {
        "rows": n_rows,
        "search_pid": os.getpid(),
        "parent": parent,
        "fits": fits,
        "seconds": seconds,
        "cores": len(os.sched_getaffinity(0)),
        "best_params": search.best_params_,
        "best_score": float(search.best_score_),
    }


def grid_tables(r):
    pools = sorted({name for fit in r["fits"] for name in fit["pools"]} | set(r["parent"]["pools"]))
    blas = [name for name in pools if name.startswith("blas")]
    header = (
        ["process", "alpha", "rows"]
        + [f"{name} threads" for name in pools]
        + ["OS threads", "CPU time / wall time", "fit (s)"]
    )
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|" + "---:|" * (len(pools) + 3)]
    workers = sorted({fit["pid"] for fit in r["fits"] if fit["pid"] != r["search_pid"]})
    label = {pid: f"worker {i + 1} (pid {pid})" for i, pid in enumerate(workers)}
    label[r["search_pid"]] = f"search process (pid {r['search_pid']}), refit"
    for fit in r["fits"]:
        lines.append(
            "| "
            + " | ".join(
                [label[fit["pid"]], f"{fit['alpha']:g}", f"{fit['rows']:,}"]
                + [str(fit["pools"].get(name, "—")) for name in pools]
                + [str(fit["os_threads"]), f"{fit['cpu_per_wall']:.2f}", f"{fit['seconds']:.2f}"]
            )
            + " |"
        )
    worker_fits = [fit for fit in r["fits"] if fit["pid"] != r["search_pid"]]
    most = max(
        (fit["pools"][name] for fit in worker_fits for name in blas if name in fit["pools"]),
        default=None,
    )
    limit = max(r["cores"] // GRID_JOBS, 1)
    env = worker_fits[0]["env"] if worker_fits else {}
    verdict = (
        f"{len(worker_fits)} cross-validation fits ran in {len(workers)} worker processes; "
        f"the most BLAS threads any worker had: {most} (limit {r['cores']} cores / "
        f"{GRID_JOBS} jobs = {limit}): "
        + (
            "**no oversubscription**"
            if most is not None and most <= limit
            else "**oversubscribed**"
        )
        + f". joblib's loky workers start with {', '.join(f'{k}={v}' for k, v in env.items())}. "
        f"The search process itself (the refit on all rows, after the workers are "
        f"done) keeps its {max(r['parent']['pools'].get(n, 0) for n in blas)} BLAS threads. "
        f"Search time {r['seconds']:.1f} s; best {r['best_params']} "
        f"(accuracy {r['best_score']:.3f})."
    )
    return "\n".join(lines), verdict


# ------------------------------------------------------------------- report
def report(title, machine, quick, fits, streams, grid):
    n_fit = FIT_ROWS_QUICK if quick else FIT_ROWS
    rss, growth = stream_tables(streams)
    grid_table, grid_verdict = grid_tables(grid)
    calls = streams[0]["calls"]
    return f"""# {title}

## Machine

{machine}

## (a) Fitting {n_fit:,} × {FIT_FEATURES} float32 rows

Synthetic data (`standard_normal` float32, target `argmax(X W + noise)`,
{FIT_CLASSES} classes), made in the child process before the baseline, so
that the data is not counted. `MLPClassifier(hidden_layer_sizes=(64,),
batch_size=256, max_iter=2, tol=0, n_iter_no_change=2, random_state=0)`,
with and without `early_stopping=True` (validation_fraction 0.1). Peak
memory added by the fit: `VmHWM` − `VmRSS` just before it, after a tiny
warm-up fit, `malloc_trim` and a reset of the peak counter, in MB
(10⁶ bytes). X is {fits[0]["data_mb"]:.0f} MB; y (int64) another
{fits[0]["y_mb"]:.0f} MB, also in the baseline.

{fit_table(fits)}

One fit per row (the memory figures do not depend on the machine's load;
the time does). **Traced peak**: the peak of what NumPy and Python allocated
during a second, identical fit in the same child, with `tracemalloc` on
(not timed); the RSS figure can be higher by heap pages the allocator keeps
after freeing temporaries. CPU time / wall time is the child's CPU time over the fit's
wall time: about 2 when BLAS keeps both cores busy, below 1 when the process
waited for a core that another process held.

{fit_verdict(fits)}

## (b) {calls:,} partial_fit calls

`MLPClassifier(hidden_layer_sizes=(64,), random_state=0).partial_fit(X, y,
classes=[0, 1, 2])` on batches of {STREAM_ROWS} × {STREAM_FEATURES} float64 rows
({STREAM_POOL} distinct batches made before the stream, cycled through).
`VmRSS` of the child process (MB) after the call:

{rss}

Growth from call {calls // 10:,} to call {calls:,}. A leak shows as steady
growth; by design `loss_curve_` gains one float per call (as in
scikit-learn), about {LOSS_CURVE_BYTES} bytes (a 24-byte float and an 8-byte list
slot), which the table takes out; the verdict allows {LEAK_LIMIT_MB} MB beyond
it. gc-tracked objects: containers the garbage collector tracks (floats are
not), counted with `gc.get_objects()`.

{growth}

## (c) GridSearchCV with n_jobs={GRID_JOBS}

`GridSearchCV(MLPClassifier(hidden_layer_sizes=(128,), batch_size=128,
max_iter=10, tol=0, n_iter_no_change=10, random_state=0), {{'alpha': [1e-4,
1e-3]}}, cv=2, n_jobs={GRID_JOBS})` on {grid["rows"]:,} × {GRID_FEATURES}
float32 rows; the estimator is sknn's, subclassed in the script to record,
at the start of every fit, the BLAS and OpenMP thread pools of its process
(`threadpoolctl.threadpool_info()`), the process's OS threads
(`/proc/self/status`) and, over the fit, its CPU time / wall time (1.0: one
core busy).

{grid_table}

{grid_verdict}
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{FIT_ROWS_QUICK:,} rows, {STREAM_CALLS_QUICK:,} partial_fit calls",
    )
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "fit":
            out = fit_child(rest[0], bool(int(rest[1])), int(rest[2]))
        elif kind == "stream":
            out = stream_child(rest[0], int(rest[1]))
        else:
            out = grid_child(int(rest[0]))
        print(json.dumps(out))
        return
    if not (STATUS.exists() and CLEAR_REFS.exists()):
        sys.exit("load.py needs Linux's /proc/self/status and /proc/self/clear_refs.")
    machine = machine_description()
    print(machine, flush=True)
    load_before = os.getloadavg()[0]
    fits = fit_rows(args.quick)
    print("\n" + fit_table(fits) + "\n\n" + fit_verdict(fits), flush=True)
    streams = stream_rows(args.quick)
    rss, growth = stream_tables(streams)
    print("\n" + rss + "\n\n" + growth, flush=True)
    print(f"(c) GridSearchCV, n_jobs={GRID_JOBS} ...", flush=True)
    grid = run_child("grid", GRID_ROWS_QUICK if args.quick else GRID_ROWS)
    table, verdict = grid_tables(grid)
    print("\n" + table + "\n\n" + verdict, flush=True)
    machine += (
        f"\n- load average (1 minute) at the start / the end of the run: "
        f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"
    )
    title = "sknn under load" + (" (--quick)" if args.quick else "")
    text = report(title, machine, args.quick, fits, streams, grid)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / ("load-quick.md" if args.quick else "load.md")
        path.write_text(text)
        print(f"\nWrote {path}")


if __name__ == "__main__":
    main()
