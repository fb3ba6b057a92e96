"""The results as markdown: the table, the targets met, the whole report file."""

import math

from _libraries import FLOOR, REFERENCE, SKNN, TORCH

HOW_TO_READ = """\
How to read it:

- **time**: the best repeat's fit time divided by `n_iter_` (seconds per
  epoch; per iteration for L-BFGS), input validation included; for
  `predict`, rows predicted per second. Libraries alternate within each
  repeat, so all of them saw the same machine load.
- **vs scikit-learn**: scikit-learn's seconds / this library's seconds (for
  predict: this library's rows/s / scikit-learn's); above 1 means faster
  than scikit-learn. **vs PyTorch loop**: the plain PyTorch loop's seconds /
  sknn's, likewise. **× floor**: this library's seconds / the floor's, the
  floor being the same fit's matrix products alone (`np.matmul(..., out=)`,
  same shapes, nothing else); 1.00 would be no time at all outside the
  products. Ratios are taken within this run: compare them, not absolute
  times across runs, on a shared machine where timings drift by up to 2×
  from one minute to the next.
- **holds**: on the sknn row, whether every target of the case is reached
  (and the test accuracy its floor, full run only).
- **test score**: accuracy (R² for regression) on the held-out test rows
  after the timed fit; with the same `random_state` sknn and scikit-learn
  should agree closely (skorch and PyTorch start from other weights).
- **peak memory**: peak RSS of a separate short fit (2 epochs; 20 L-BFGS
  iterations) above the RSS just before it, in a child process per case and
  library, in MB (10^6 bytes); the training data is already loaded, so this
  is what the fit adds (copies, batches, activations, optimizer state). For
  predict it is `predict` of the whole test set, shown on all three rows."""


def _speedup(result, reference):
    """How many times faster ``result`` is than ``reference`` (same case)."""
    if result.higher_is_better:
        return result.value / reference.value
    return reference.value / result.value


def _row_of(results, library):
    return {r.case: r for r in results if r.library == library}


def ratios(results):
    """``{(case, library): ratio vs scikit-learn}``; above 1 means faster.

    Rows without a scikit-learn row for the same case are left out.
    """
    reference = _row_of(results, REFERENCE)
    return {
        (r.case, r.library): _speedup(r, reference[r.case]) for r in results if r.case in reference
    }


def torch_ratios(results):
    """``{case: the PyTorch loop's time / sknn's}`` where both ran."""
    torch, sknn = _row_of(results, TORCH), _row_of(results, SKNN)
    return {case: _speedup(sknn[case], row) for case, row in torch.items() if case in sknn}


def floor_ratios(results):
    """``{(case, library): its time / the floor's}`` where the floor ran (for
    predictions, measured in rows per second: the floor's speed / its speed)."""
    floor = _row_of(results, FLOOR)
    return {
        (r.case, r.library): (
            floor[r.case].value / r.value if r.unit == "rows/s" else r.value / floor[r.case].value
        )
        for r in results
        if r.case in floor and r.library != FLOOR
    }


def misses(result, results):
    """What an sknn row misses of its case's targets (empty: all met)."""
    missed = []
    sklearn = ratios(results).get((result.case, SKNN))
    if result.target is not None and sklearn is not None and sklearn < result.target:
        missed.append(f"{sklearn:.2f} × scikit-learn < {result.target}")
    torch = torch_ratios(results).get(result.case)
    if torch is not None and torch < 1.0:
        missed.append(f"{torch:.2f} × the PyTorch loop < 1")
    floor = floor_ratios(results).get((result.case, SKNN))
    if result.floor_target is not None and floor is not None and floor > result.floor_target:
        missed.append(f"{floor:.2f} × the floor > {result.floor_target}")
    if result.relative_to is not None:
        other, factor = result.relative_to
        base = _row_of(results, SKNN).get(other)
        if base is None:
            missed.append(f"{other} not run")
        elif result.value > factor * base.value:
            missed.append(f"{result.value / base.value:.2f} × {other} > {factor}")
    reference = _row_of(results, REFERENCE).get(result.case)
    if result.score_tolerance is not None and reference is not None:
        gap = abs(result.score - reference.score)
        if not gap <= result.score_tolerance:
            missed.append(
                f"{result.score_name} {gap:.4f} from scikit-learn's > {result.score_tolerance}"
            )
    return missed


def holds(result, results):
    """ "yes" / "no (reasons)" on an sknn row with a target; "" otherwise."""
    if result.library != SKNN or not _has_target(result):
        return ""
    missed = misses(result, results)
    return "yes" if not missed else "no (" + "; ".join(missed) + ")"


def _has_target(result):
    return any(t is not None for t in (result.target, result.floor_target, result.relative_to))


def format_table(results, memory=True):
    """Markdown table of ``results`` (the peak-memory column only when ``memory``)."""
    sklearn, torch, floor = ratios(results), torch_ratios(results), floor_ratios(results)
    header = [
        "case",
        "library",
        "dtype",
        "time",
        "vs scikit-learn",
        "vs PyTorch loop",
        "× floor",
        "target",
        "holds",
        "test score",
    ]
    header += ["peak memory during fit (MB)"] if memory else []
    numeric = {
        "time",
        "vs scikit-learn",
        "vs PyTorch loop",
        "× floor",
        "test score",
        "peak memory during fit (MB)",
    }
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if name in numeric else "---" for name in header) + "|",
    ]
    for r in results:
        cells = [
            r.case,
            r.library,
            r.dtype,
            _format_value(r.value, r.unit),
            _ratio_cell(None if r.library == REFERENCE else sklearn.get((r.case, r.library))),
            _ratio_cell(torch.get(r.case) if r.library == SKNN else None),
            _ratio_cell(floor.get((r.case, r.library))),
            _format_target(r),
            holds(r, results),
            _format_score(r),
        ]
        if memory:
            cells.append(_format_memory(r))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_summary(results):
    """One line per case with a target: sknn's ratios and whether they hold.

    For the predict cases, the line says which modes meet the targets.
    """
    by_case = {}
    for r in results:
        if r.library == SKNN and _has_target(r):
            by_case.setdefault(r.case_id, []).append(r)
    return "\n".join(_case_verdict(rows, results) for rows in by_case.values())


def _case_verdict(rows, results):
    first = rows[0]
    if len(rows) == 1:
        return f"- {first.case_id} ({_format_target(first)}): {holds(first, results)}"
    met = [r.case.removeprefix(r.case_id).strip() for r in rows if not misses(r, results)]
    missed = [
        f"{r.case.removeprefix(r.case_id).strip()} ({'; '.join(misses(r, results))})"
        for r in rows
        if misses(r, results)
    ]
    return (
        f"- {first.case_id} ({_format_target(first)}): met by {', '.join(met) or 'none'}; "
        f"missed by {', '.join(missed) or 'none'}"
    )


def markdown_report(title, machine, settings, case_lines, table, summary, notes=()):
    """The whole results file: title, machine, settings, cases, table, targets, how to read."""
    parts = [
        f"# {title}",
        "## Machine",
        machine,
        "## Settings",
        settings,
        "## Cases",
        "\n".join(f"- {line}" for line in case_lines),
        "## Results",
        table,
    ]
    if summary:
        parts += ["Targets (sknn):", summary]
    parts += [*notes, HOW_TO_READ]
    return "\n\n".join(parts) + "\n"


def _ratio_cell(ratio):
    return "—" if ratio is None else f"{ratio:.2f}"


def _format_value(value, unit):
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    return f"{value:.4g} {unit}"


def _format_target(result):
    if result.library != SKNN:
        return ""
    words = []
    if result.target is not None:
        floor = (
            f", {result.score_name} within {result.score_tolerance} of scikit-learn's"
            if result.score_tolerance is not None
            else ""
        )
        words.append(f"≥ {result.target}{floor}")
    if result.floor_target is not None:
        words.append(f"≤ {result.floor_target} × floor")
    if result.relative_to is not None:
        words.append(f"≤ {result.relative_to[1]} × {result.relative_to[0]}")
    return "; ".join(words)


def _format_score(result):
    if math.isnan(result.score):
        return "—"
    name = "acc" if result.score_name == "accuracy" else result.score_name
    n_iter = f", n_iter_ {result.n_iter}" if result.n_iter is not None else ""
    return f"{name} {result.score:.4f}{n_iter}"


def _format_memory(result):
    return "n/a" if result.peak_mb is None else f"{result.peak_mb:.3g}"
