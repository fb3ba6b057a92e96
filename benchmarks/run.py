"""Time sknn against scikit-learn, a plain PyTorch loop and skorch, side by side in one run.

Usage::

    python benchmarks/run.py [--quick] [--repeats N] [--cases ID ...]
                             [--no-memory] [--no-save] [--out DIR]

Every case (see ``_cases.CASES`` and ``benchmarks/README.md``) fits each
library with the same parameters and ``random_state=0``, alternating the
libraries within every repeat (sknn, scikit-learn, skorch, the PyTorch loop,
the floor, sknn, ...) and keeping the best repeat of each. The floor is the
fit's matrix products alone. The script prints the machine and a
markdown table; unless ``--no-save`` it writes ``DIR/cpu.md`` and the chart
``DIR/cpu-ratios.png`` (``cpu-quick.*`` with ``--quick``).

Other scripts reuse the pieces::

    from run import Case, CASES, run_case, format_table, machine_description
"""

import argparse
import dataclasses
from pathlib import Path

from _cases import CASE_IDS, CASES, Case, select_cases
from _libraries import FLOOR, LIBRARIES, SKNN, libraries_for, unavailable
from _machine import machine_description
from _memory import peak_memory_mb
from _report import format_table, markdown_report, ratios, target_summary
from _result import Result
from _timing import run_case, warm_up

DEFAULT_OUT = Path(__file__).resolve().parent / "results"

__all__ = ["CASES", "Case", "Result", "format_table", "machine_description", "main", "run_case"]


def parse_args(argv=None):
    """The command line, checked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rows and epochs (see benchmarks/README.md)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="fits per library and case; the best is kept (default 3)",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        metavar="ID",
        choices=CASE_IDS,
        help="run only these cases: " + ", ".join(CASE_IDS),
    )
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the peak-memory measurement (child processes)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"directory for cpu.md and cpu-ratios.png (default {DEFAULT_OUT})",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def time_cases(cases, repeats, quick, skipped):
    """Time every case; return its results and one description line per case run."""
    results, case_lines = [], []
    for case in cases:
        try:
            data = case.load_data(quick)
        except (OSError, ValueError) as error:  # Fashion-MNIST files missing or unreadable
            print(f"Skipping {case.id}: {error}", flush=True)
            continue
        libraries = libraries_for(case, skipped)
        case_lines.append(case.describe(data, quick))
        print(f"\n{case_lines[-1]}\n{', '.join(libraries)}; best of {repeats} ...", flush=True)
        case_results = run_case(case, repeats, quick, libraries, data)
        print(format_table(case_results, memory=False), flush=True)
        results += case_results
        del data
    return results, case_lines


def add_peak_memory(results, quick):
    """``results`` with ``peak_mb`` filled in: one child process per (case, library);
    none for the floor, which is no model."""
    measured = {}
    for r in results:
        key = (r.case_id, r.library)
        if r.library == FLOOR:
            measured[key] = None
        elif key not in measured:
            print(f"peak memory: {r.case_id} / {r.library} ...", flush=True)
            measured[key] = peak_memory_mb(r.case_id, r.library, quick)
    return [dataclasses.replace(r, peak_mb=measured[r.case_id, r.library]) for r in results]


def settings_text(args, skipped):
    """The settings paragraph of the report."""
    libraries = ", ".join(lib for lib in LIBRARIES if lib not in skipped)
    text = (
        f"Best of {args.repeats} repeats per library, the libraries alternated "
        f"({libraries}) within each repeat; every fit with random_state=0 and "
        "the ConvergenceWarning silenced; fixed-epoch cases run with tol=0 and "
        "n_iter_no_change=max_iter, and n_iter_ == max_iter is checked."
    )
    if args.quick:
        text += (
            " **--quick**: Fashion-MNIST cases on 10,000 training rows (seed 0), "
            "friedman on 20,000, fewer epochs; the accuracy floor is not checked."
        )
    for reason in skipped.values():
        text += f" {reason}."
    return text


def save(out, quick, report, results):
    """Write ``cpu[-quick].md`` and ``cpu[-quick]-ratios.png`` under ``out``."""
    from _plots import plot_ratios

    out.mkdir(parents=True, exist_ok=True)
    stem = "cpu-quick" if quick else "cpu"
    markdown = out / f"{stem}.md"
    markdown.write_text(report)
    ratio_of = ratios(results)
    bars = [r for r in results if r.library == SKNN and (r.case, SKNN) in ratio_of]
    chart = out / f"{stem}-ratios.png"
    plot_ratios(
        [r.case for r in bars],
        [ratio_of[r.case, SKNN] for r in bars],
        [r.target for r in bars],
        chart,
        "sknn vs scikit-learn" + (" (--quick)" if quick else ""),
    )
    print(f"\nWrote {markdown} and {chart}")


def main(argv=None):
    args = parse_args(argv)
    skipped = unavailable()
    for reason in skipped.values():
        print(f"Note: {reason} (install torch and skorch to time them).", flush=True)
    warm_up([lib for lib in LIBRARIES if lib not in skipped])
    machine = machine_description()
    print(machine, flush=True)

    results, case_lines = time_cases(select_cases(args.cases), args.repeats, args.quick, skipped)
    if not results:
        print("Nothing was timed.")
        return
    if not args.no_memory:
        print()
        results = add_peak_memory(results, args.quick)
    table = format_table(results, memory=not args.no_memory)
    summary = target_summary(results)
    print("\n" + table + "\n\n" + summary)

    if not args.no_save:
        title = "sknn vs scikit-learn on the CPU" + (" (--quick)" if args.quick else "")
        report = markdown_report(
            title, machine, settings_text(args, skipped), case_lines, table, summary
        )
        save(args.out, args.quick, report, results)


if __name__ == "__main__":
    main()
