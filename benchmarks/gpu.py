"""sknn on an NVIDIA GPU against scikit-learn on the CPU and a plain PyTorch loop on the GPU.

Usage::

    python benchmarks/gpu.py [--quick] [--repeats N] [--no-save]
    python benchmarks/gpu.py --cpu-check     # the whole script on the CPU, tiny sizes, prints only

Needs CuPy and a GPU (``pip install 'sknn[cuda12]'`` or ``'sknn[cuda13]'``),
and PyTorch with CUDA for the PyTorch rows; without CuPy or a GPU the script
says so and exits with status 2. In one run on one machine it times, per
Fashion-MNIST case (784-128-10 at batch 128 and 1024, 784-1024-1024-10 at
batch 1024; relu, adam, lr 1e-3):

- sknn with ``device='cuda'`` and ``dtype='float32'`` on float32 NumPy data;
- scikit-learn's ``MLPClassifier`` on the CPU, on the same data, for fewer
  epochs (it is slow; the time per epoch is what counts);
- a hand-written PyTorch loop on the GPU: the data already on the GPU as
  float32 tensors, a ``randperm`` shuffle on the GPU, ``nn.Sequential`` of
  Linear/ReLU, ``CrossEntropyLoss``, ``torch.optim.Adam(lr=1e-3)``, no
  DataLoader: the floor any framework on this GPU can reach.

The libraries alternate within every repeat and the best repeat of each is
kept; every timing is bracketed by ``cupy.cuda.Device().synchronize()`` /
``torch.cuda.synchronize()``. Seconds per epoch leave out one-off costs where
that is sensible: sknn's is the difference between a fit of ``E + 1`` epochs
and a fit of 1 epoch, divided by ``E`` (input validation, the move to the
GPU, set-up and the first epoch are reported apart as its one-off cost); the
PyTorch loop runs one untimed warm-up epoch, then ``E`` timed ones;
scikit-learn's is fit time / ``n_iter_``. Prints a markdown table; unless
``--no-save`` (or ``--cpu-check``) writes ``benchmarks/results/gpu.md``
(``gpu-quick.md`` with ``--quick``).
"""

import argparse
import dataclasses
import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import sklearn.neural_network
from sklearn.exceptions import ConvergenceWarning

import sknn
from _cases import ADAM
from _data import Data, fashion_mnist, subsample
from _machine import machine_description
from _skorch import _relu_stack
from _timing import SETTLE_SECONDS

RESULTS = Path(__file__).resolve().parent / "results"
SKNN, SKLEARN, TORCH = "sknn", "scikit-learn", "PyTorch loop"
SKLEARN_TARGET = 20.0  # scikit-learn seconds / sknn seconds, every case


@dataclass(frozen=True)
class GpuCase:
    """One network and batch size; ``torch_target``: the PyTorch / sknn ratio to reach."""

    id: str
    hidden_layer_sizes: tuple
    batch_size: int
    torch_target: float = None

    @property
    def network(self):
        return "-".join(map(str, (784, *self.hidden_layer_sizes, 10)))


CASES = (
    GpuCase("fmnist-128-b128", (128,), 128),
    GpuCase("fmnist-128-b1024", (128,), 1024, torch_target=1.0),
    GpuCase("fmnist-1024x2-b1024", (1024, 1024), 1024, torch_target=1.0),
)


@dataclass(frozen=True)
class Budget:
    """How much of everything a run does."""

    epochs: int  # timed epochs of sknn and of the PyTorch loop
    sklearn_epochs: int
    repeats: int
    train_rows: int = None  # None: all 60,000
    test_rows: int = None  # None: all 10,000


BUDGETS = {
    "full": Budget(epochs=10, sklearn_epochs=3, repeats=3),
    "quick": Budget(epochs=3, sklearn_epochs=1, repeats=2),
    "cpu-check": Budget(epochs=2, sklearn_epochs=1, repeats=1, train_rows=2_000, test_rows=1_000),
}


@dataclass
class Timing:
    """The best repeat of one library on one case."""

    seconds_per_epoch: float = float("inf")
    accuracy: float = float("nan")
    epochs_trained: int = 0
    one_off: float = None  # sknn: the cost of a fit beyond its epochs


# ------------------------------------------------------------------ where things run
class Runtime:
    """Where sknn and the PyTorch loop run, and how to wait for them.

    ``gpu=True``: sknn on ``'cuda'`` (CuPy), the PyTorch loop on ``'cuda'``
    (skipped, with ``torch_note`` saying why, when PyTorch or its CUDA build
    is missing). ``gpu=False`` (``--cpu-check``): both on the CPU; the PyTorch
    loop is skipped when PyTorch is not installed.
    """

    def __init__(self, gpu):
        self.gpu = gpu
        self.sknn_device = "cuda" if gpu else "cpu"
        self.cupy = _require_gpu() if gpu else None
        self.torch, self.torch_note = _torch_for(gpu)
        self.torch_device = "cuda" if gpu else "cpu"

    def sync(self):
        """Wait until every GPU kernel queued so far has finished (nothing on the CPU)."""
        if self.cupy is not None:
            self.cupy.cuda.Device().synchronize()
        if self.torch is not None and self.gpu:
            self.torch.cuda.synchronize()


def _require_gpu():
    """CuPy with a usable GPU, or a clear message and exit status 2."""
    from sknn._arrays._device import cuda_namespace

    try:
        cuda_namespace(0)
    except (ImportError, RuntimeError, OSError) as error:
        print(
            f"benchmarks/gpu.py needs an NVIDIA GPU and CuPy: {error}\n"
            "Nothing was timed. To check the script itself on this machine, run "
            "python benchmarks/gpu.py --cpu-check",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    import cupy

    return cupy


def _torch_for(gpu):
    """``(torch, None)``, or ``(None, why the PyTorch rows are skipped)``."""
    try:
        import torch
    except ImportError:
        return None, "PyTorch is not installed: the PyTorch rows are skipped"
    if gpu and not torch.cuda.is_available():
        return None, (
            f"PyTorch {torch.__version__} has no usable CUDA here: the PyTorch rows are skipped"
        )
    return torch, None


# ------------------------------------------------------------------ the three libraries
def sknn_estimator(case, epochs, runtime):
    return sknn.MLPClassifier(**_params(case, epochs), dtype="float32", device=runtime.sknn_device)


def sklearn_estimator(case, epochs):
    return sklearn.neural_network.MLPClassifier(**_params(case, epochs))


def _params(case, epochs):
    """The same parameters for sknn and scikit-learn: every epoch runs."""
    return dict(
        ADAM,
        hidden_layer_sizes=case.hidden_layer_sizes,
        batch_size=case.batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=0,
    )


def timed_fit(estimator, data, runtime):
    """Seconds of ``estimator.fit``, the GPU synchronised before and after."""
    expected = estimator.max_iter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        runtime.sync()
        time.sleep(SETTLE_SECONDS)  # let the previous library's thread pools go idle
        start = time.perf_counter()
        estimator.fit(data.X_train, data.y_train)
        runtime.sync()
        seconds = time.perf_counter() - start
    if estimator.n_iter_ != expected:
        raise RuntimeError(
            f"{type(estimator).__module__} ran {estimator.n_iter_} epochs, "
            f"not {expected}: the time per epoch would be wrong"
        )
    return seconds


class TorchLoop:
    """The hand-written PyTorch training loop; ``data`` on the device as float32 tensors."""

    def __init__(self, runtime, data):
        torch = self.torch = runtime.torch
        device = runtime.torch_device
        self.runtime = runtime
        self.X = torch.as_tensor(data.X_train, dtype=torch.float32, device=device)
        self.y = torch.as_tensor(data.y_train, dtype=torch.int64, device=device)
        self.X_test = torch.as_tensor(data.X_test, dtype=torch.float32, device=device)
        self.y_test = torch.as_tensor(data.y_test, dtype=torch.int64, device=device)
        runtime.sync()

    def run(self, case, epochs, warm_up_epochs=1):
        """``(seconds per timed epoch, test accuracy)``: a fresh model (seed 0),
        ``warm_up_epochs`` untimed epochs, then ``epochs`` timed ones."""
        torch = self.torch
        torch.manual_seed(0)
        model = _relu_stack(self.X.shape[1], case.hidden_layer_sizes, 10).to(self.X.device)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(warm_up_epochs):
            self._epoch(model, optimizer, loss_fn, case.batch_size)
        self.runtime.sync()
        time.sleep(SETTLE_SECONDS)
        start = time.perf_counter()
        for _ in range(epochs):
            self._epoch(model, optimizer, loss_fn, case.batch_size)
        self.runtime.sync()
        seconds = (time.perf_counter() - start) / epochs
        with torch.no_grad():
            predicted = model(self.X_test).argmax(dim=1)
            accuracy = float((predicted == self.y_test).float().mean())
        return seconds, accuracy

    def _epoch(self, model, optimizer, loss_fn, batch_size):
        """One shuffled pass; the loss summed on the device and read once (as sknn does)."""
        torch, n = self.torch, self.X.shape[0]
        order = torch.randperm(n, device=self.X.device)
        total = torch.zeros((), device=self.X.device)
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(self.X[rows]), self.y[rows])
            loss.backward()
            optimizer.step()
            total += loss.detach() * rows.shape[0]
        return float(total) / n


# ------------------------------------------------------------------ timing
def time_case(case, data, budget, runtime, torch_loop):
    """``{library: Timing}``: the best of ``budget.repeats``, libraries alternated."""
    epochs = budget.epochs
    # Untimed warm-up: CUDA contexts, cuBLAS handles, CuPy's kernel compilation,
    # the memory pools' first allocations.
    timed_fit(sknn_estimator(case, 1, runtime), data, runtime)
    if torch_loop is not None:
        torch_loop.run(case, epochs=1, warm_up_epochs=1)

    best = {SKNN: Timing(), SKLEARN: Timing()} | ({TORCH: Timing()} if torch_loop else {})
    shortest, longest = float("inf"), float("inf")
    for repeat in range(budget.repeats):
        print(f"  repeat {repeat + 1}/{budget.repeats}:", end="", flush=True)
        shortest = min(shortest, timed_fit(sknn_estimator(case, 1, runtime), data, runtime))
        model = sknn_estimator(case, epochs + 1, runtime)
        seconds = timed_fit(model, data, runtime)
        if seconds < longest:
            longest = seconds
            best[SKNN].accuracy = model.score(data.X_test, data.y_test)
        print(f" sknn {(longest - shortest) / epochs:.4g} s/epoch,", end="", flush=True)

        model = sklearn_estimator(case, budget.sklearn_epochs)
        seconds = timed_fit(model, data, runtime) / budget.sklearn_epochs
        _keep(best[SKLEARN], seconds, lambda model=model: model.score(data.X_test, data.y_test))
        print(f" scikit-learn {seconds:.4g} s/epoch", end="", flush=True)

        if torch_loop is not None:
            seconds, accuracy = torch_loop.run(case, epochs)
            _keep(best[TORCH], seconds, lambda accuracy=accuracy: accuracy)
            print(f", PyTorch {seconds:.4g} s/epoch", end="", flush=True)
        print(flush=True)

    per_epoch = (longest - shortest) / epochs
    if per_epoch <= 0:  # timing noise on a tiny check: fall back to the whole fit
        per_epoch = longest / (epochs + 1)
    best[SKNN].seconds_per_epoch = per_epoch
    best[SKNN].one_off = max(shortest - per_epoch, 0.0)
    best[SKNN].epochs_trained = epochs + 1
    best[SKLEARN].epochs_trained = budget.sklearn_epochs
    if torch_loop is not None:
        best[TORCH].epochs_trained = epochs + 1
    return best


def _keep(timing, seconds, accuracy):
    if seconds < timing.seconds_per_epoch:
        timing.seconds_per_epoch = seconds
        timing.accuracy = float(accuracy())


# ------------------------------------------------------------------ report
def ratio(numerator, denominator):
    if numerator is None or denominator is None:
        return None
    return numerator.seconds_per_epoch / denominator.seconds_per_epoch


def format_table(rows, where="GPU"):
    """``rows``: ``[(case, {library: Timing})]`` as one markdown table, a line per case;
    ``where``: where sknn and the PyTorch loop ran."""
    lines = [
        f"| case | network, batch | sknn ({where}) s/epoch | scikit-learn (CPU) s/epoch "
        f"| PyTorch loop ({where}) s/epoch | scikit-learn / sknn | PyTorch / sknn "
        "| test accuracy: sknn / scikit-learn / PyTorch | sknn one-off cost per fit (s) |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for case, best in rows:
        sknn_, sklearn_, torch_ = best[SKNN], best[SKLEARN], best.get(TORCH)
        accuracies = " / ".join(
            "—" if t is None else f"{t.accuracy:.4f} ({t.epochs_trained} ep.)"
            for t in (sknn_, sklearn_, torch_)
        )
        lines.append(
            f"| {case.id} | {case.network}, {case.batch_size} | {sknn_.seconds_per_epoch:.4g} "
            f"| {sklearn_.seconds_per_epoch:.4g} "
            f"| {'—' if torch_ is None else f'{torch_.seconds_per_epoch:.4g}'} "
            f"| {_ratio_text(ratio(sklearn_, sknn_))} | {_ratio_text(ratio(torch_, sknn_))} "
            f"| {accuracies} | {sknn_.one_off:.3g} |"
        )
    return "\n".join(lines)


def _ratio_text(value):
    return "—" if value is None else f"{value:.2f}"


def target_lines(rows):
    """One line per case: each target, the ratio and whether it holds."""
    lines = []
    for case, best in rows:
        sknn_ = best[SKNN]
        parts = [_verdict("scikit-learn / sknn", ratio(best[SKLEARN], sknn_), SKLEARN_TARGET)]
        torch_ratio = ratio(best.get(TORCH), sknn_)
        if case.torch_target is None:
            parts.append(
                f"PyTorch / sknn {_ratio_text(torch_ratio)} (no target at this batch size)"
            )
        else:
            parts.append(_verdict("PyTorch / sknn", torch_ratio, case.torch_target))
        lines.append(f"- {case.id}: " + "; ".join(parts))
    return "\n".join(lines)


def _verdict(name, value, target):
    if value is None:
        return f"{name}: not measured (target ≥ {target:g})"
    return f"{name} {value:.2f}, target ≥ {target:g}: {'yes' if value >= target else 'no'}"


def gpu_description(runtime):
    """Markdown bullets: the GPU, its driver, CuPy and PyTorch, TF32; or the CPU check."""
    torch = runtime.torch
    if not runtime.gpu:
        torch_line = f"PyTorch {torch.__version__} on the CPU" if torch else runtime.torch_note
        return f"- **--cpu-check**: no GPU used; sknn device='cpu'; {torch_line}"
    cupy = runtime.cupy
    props = cupy.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    lines = [
        f"- GPU: {name}, {props['totalGlobalMem'] / 2**30:.1f} GiB, compute capability "
        f"{props['major']}.{props['minor']} ({cupy.cuda.runtime.getDeviceCount()} visible; "
        "GPU 0 used)",
        f"- NVIDIA driver: {_nvidia_driver()}, supporting CUDA up to "
        f"{_cuda_version(cupy.cuda.runtime.driverGetVersion())}",
        f"- CuPy {cupy.__version__} (CUDA runtime "
        f"{_cuda_version(cupy.cuda.runtime.runtimeGetVersion())}), "
        f"array-api-compat {importlib.metadata.version('array-api-compat')}",
    ]
    if torch is None:
        lines.append(f"- {runtime.torch_note}")
    else:
        lines.append(f"- PyTorch {torch.__version__} (CUDA {torch.version.cuda})")
    lines.append(
        f"- TF32 for float32 matrix products: CuPy CUPY_TF32={os.environ.get('CUPY_TF32', '0')} "
        "(0: off)"
        + (
            ""
            if torch is None
            else ", PyTorch float32 matmul precision "
            f"'{torch.get_float32_matmul_precision()}' ('highest': off)"
        )
    )
    return "\n".join(lines)


def _cuda_version(number):
    return f"{number // 1000}.{number % 1000 // 10}"


def _nvidia_driver():
    if shutil.which("nvidia-smi") is None:
        return "version unknown (no nvidia-smi)"
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader", "-i", "0"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "version unknown (nvidia-smi failed)"
    return out.stdout.strip() or "version unknown"


def cpu_description():
    """The existing machine description, less its skorch line (no skorch rows here)."""
    return "\n".join(
        line for line in machine_description().splitlines() if not line.startswith("- PyTorch")
    )


def settings_text(budget, mode, runtime, data):
    epochs = budget.epochs
    text = (
        f"Fashion-MNIST, `(X / 255).astype(float32)`, {data.X_train.shape[0]:,} training rows, "
        f"{data.X_test.shape[0]:,} test rows; relu, adam, lr 1e-3, alpha 1e-4 (sknn and "
        "scikit-learn; the PyTorch loop has no weight decay), random_state=0, tol=0 and "
        "n_iter_no_change=max_iter so that every epoch runs (checked). Best of "
        f"{budget.repeats} repeats, the libraries alternated within each (sknn, "
        "scikit-learn, PyTorch loop), after one untimed warm-up fit of sknn and one of "
        "the PyTorch loop per case; every timing bracketed by a GPU synchronisation.\n\n"
        f"- **sknn**: `MLPClassifier(..., dtype='float32', device='{runtime.sknn_device}')` "
        f"fitted on the NumPy arrays. Seconds per epoch = (best fit of {epochs + 1} epochs − "
        f"best fit of 1 epoch) / {epochs}: the steady epochs. The one-off cost column is "
        "the 1-epoch fit less one such epoch: input validation, the move of the data to "
        "the GPU, weights and buffers, and whatever the first epoch costs extra. Test "
        f"accuracy after the {epochs + 1}-epoch fit, predicted from NumPy input.\n"
        f"- **scikit-learn**: `sklearn.neural_network.MLPClassifier`, the same parameters, on "
        f"the CPU; {budget.sklearn_epochs} epoch(s) per fit, seconds per epoch = fit time / "
        "n_iter_ (its input validation and set-up included: small next to its epochs).\n"
        "- **PyTorch loop**: "
        + (
            f"{runtime.torch_note}."
            if runtime.torch is None
            else "data on the device as float32 / int64 tensors beforehand (not timed); "
            "`nn.Sequential` of Linear and ReLU (PyTorch's own initialisation), "
            "`CrossEntropyLoss`, `torch.optim.Adam(lr=1e-3)` (defaults otherwise), a "
            "`torch.randperm` shuffle on the device each epoch, batches by indexing, no "
            "DataLoader; the epoch loss summed on the device and read once per epoch, as "
            f"sknn does. A fresh model (seed 0) per repeat: 1 untimed epoch, then {epochs} "
            f"timed; test accuracy after those {epochs + 1}."
        )
    )
    if mode == "quick":
        text += (
            "\n\n**--quick**: fewer epochs and repeats; the time per epoch is still over all rows."
        )
    if mode == "cpu-check":
        text += (
            "\n\n**--cpu-check**: everything on the CPU with tiny sizes, to show that "
            "the script runs end to end. These numbers say nothing about a GPU."
        )
    return text


HOW_TO_READ = """\
How to read it:

- **s/epoch**: the best repeat's seconds per epoch (see Settings for how
  each library's is taken). Compare within this run only.
- **scikit-learn / sknn**: scikit-learn's seconds per epoch on the CPU over
  sknn's on the GPU; the target is ≥ 20 in every case.
- **PyTorch / sknn**: the hand-written PyTorch loop's seconds per epoch over
  sknn's, both on this GPU; above 1 means sknn is faster. The loop is the
  floor for any framework here (no DataLoader, no callbacks, data already on
  the GPU); the target at batch 1024 is ≥ 1, sknn no slower than the loop.
  At batch 128 an epoch is hundreds of small steps and the time per step
  (kernel launches, Python) dominates; no target there.
- **test accuracy**: after the number of epochs shown; scikit-learn trains
  fewer epochs than the others here, which alone makes its accuracy
  lower. PyTorch starts from other initial weights than sknn and
  scikit-learn (which start from the same ones) and has no weight decay.
- **sknn one-off cost per fit**: what a fit costs besides its epochs; it
  matters for short fits (many small fits in a grid search).
"""


def report(title, sections):
    return "\n\n".join([f"# {title}", *sections]) + "\n"


# ------------------------------------------------------------------ main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="3 timed epochs (scikit-learn 1), best of 2"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="repeats per library and case; the best is kept (default 3, --quick 2, --cpu-check 1)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument(
        "--cpu-check",
        action="store_true",
        help="run the whole script on the CPU with tiny sizes (sknn "
        "device='cpu', PyTorch on the CPU if installed) to check that "
        "it runs; prints only, never writes results",
    )
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def load_data(budget):
    """Fashion-MNIST (float32), or a clear message and exit status 2."""
    try:
        data = fashion_mnist("float32", budget.train_rows)
    except (OSError, ValueError) as error:
        print(f"benchmarks/gpu.py needs Fashion-MNIST: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    if budget.test_rows is not None:
        X_test, y_test = subsample(data.X_test, data.y_test, budget.test_rows)
        data = Data(data.X_train, X_test, data.y_train, y_test)
    return data


def main(argv=None):
    args = parse_args(argv)
    mode = "cpu-check" if args.cpu_check else "quick" if args.quick else "full"
    budget = BUDGETS[mode]
    if args.repeats is not None:
        budget = dataclasses.replace(budget, repeats=args.repeats)

    runtime = Runtime(gpu=not args.cpu_check)
    if runtime.torch_note:
        print(f"Note: {runtime.torch_note}.", flush=True)
    data = load_data(budget)
    torch_loop = None if runtime.torch is None else TorchLoop(runtime, data)

    machine = cpu_description() + "\n" + gpu_description(runtime)
    print(machine, flush=True)
    settings = settings_text(budget, mode, runtime, data)

    rows = []
    for case in CASES:
        print(
            f"\n{case.id}: {case.network}, batch {case.batch_size}; sknn and PyTorch "
            f"{budget.epochs} timed epochs, scikit-learn {budget.sklearn_epochs}; best of "
            f"{budget.repeats} ...",
            flush=True,
        )
        rows.append((case, time_case(case, data, budget, runtime, torch_loop)))

    table, targets = format_table(rows, "GPU" if runtime.gpu else "CPU"), target_lines(rows)
    print("\n" + table + "\n\nTargets:\n" + targets)

    if args.cpu_check:
        print("\n--cpu-check: the script ran end to end on the CPU; nothing was written.")
        return
    if not args.no_save:
        stem = "gpu-quick" if args.quick else "gpu"
        title = "sknn on the GPU vs scikit-learn (CPU) and a PyTorch loop (GPU)" + (
            " (--quick)" if args.quick else ""
        )
        text = report(
            title,
            [
                "## Machine",
                machine,
                "## Settings",
                settings,
                "## Results",
                table,
                "Targets:",
                targets,
                HOW_TO_READ,
            ],
        )
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{stem}.md"
        path.write_text(text)
        print(f"\nWrote {path}")


if __name__ == "__main__":
    main()
