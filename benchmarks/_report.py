"""The results as markdown: the table, the targets met, the whole report file."""

from _libraries import REFERENCE, SKNN

HOW_TO_READ = """\
How to read it:

- **time**: the best repeat's fit time divided by `n_iter_` (seconds per
  epoch; per iteration for L-BFGS), input validation included; for
  `predict`, rows predicted per second. Libraries alternate within each
  repeat, so all of them saw the same machine load.
- **ratio**: scikit-learn's seconds / this library's seconds (for predict:
  this library's rows/s / scikit-learn's); above 1 means faster than
  scikit-learn. Ratios are taken within this run: compare them, not absolute
  times across runs, on a shared machine where timings drift by up to 2×
  from one minute to the next.
- **holds**: on the sknn row, whether the ratio reaches the target (and the
  test accuracy its floor, full run only).
- **test score**: accuracy (R² for regression) on the held-out test rows
  after the timed fit; with the same `random_state` sknn and scikit-learn
  should agree closely (skorch starts from other weights).
- **peak memory**: peak RSS of a separate short fit (2 epochs; 20 L-BFGS
  iterations) above the RSS just before it, in a child process per case and
  library, in MB (10^6 bytes); the training data is already loaded, so this
  is what the fit adds (copies, batches, activations, optimizer state). For
  predict it is `predict` of the whole test set, shown on all three rows."""


def ratios(results):
    """``{(case, library): ratio vs scikit-learn}``; above 1 means faster.

    Rows without a scikit-learn row for the same case are left out.
    """
    reference = {r.case: r.value for r in results if r.library == REFERENCE}
    out = {}
    for r in results:
        if r.case in reference:
            base = reference[r.case]
            out[r.case, r.library] = r.value / base if r.higher_is_better else base / r.value
    return out


def holds(result, ratio):
    """"yes" / "no" (with the reason) on an sknn row with a target; "" otherwise."""
    if result.library != SKNN or result.target is None:
        return ""
    misses = []
    if ratio < result.target:
        misses.append(f"ratio {ratio:.2f} < {result.target}")
    if result.min_score is not None and result.score < result.min_score:
        misses.append(f"{result.score_name} {result.score:.4f} < {result.min_score}")
    return "yes" if not misses else "no (" + "; ".join(misses) + ")"


def format_table(results, memory=True):
    """Markdown table of ``results`` (the peak-memory column only when ``memory``)."""
    ratio_of = ratios(results)
    header = ["case", "library", "dtype", "time", "ratio vs scikit-learn", "target",
              "holds", "test score"] + (["peak memory during fit (MB)"] if memory else [])
    numeric = {"time", "ratio vs scikit-learn", "test score", "peak memory during fit (MB)"}
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if name in numeric else "---" for name in header) + "|"]
    for r in results:
        ratio = ratio_of.get((r.case, r.library))
        cells = [
            r.case,
            r.library,
            r.dtype,
            _format_value(r.value, r.unit),
            "—" if r.library == REFERENCE or ratio is None else f"{ratio:.2f}",
            _format_target(r),
            "" if ratio is None else holds(r, ratio),
            _format_score(r),
        ]
        if memory:
            cells.append(_format_memory(r))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_summary(results):
    """One line per case with a target: sknn's ratio and whether it holds.

    For the predict case, the line says which of the modes (a), (b), (c) meet it.
    """
    ratio_of = ratios(results)
    by_case = {}
    for r in results:
        if r.library == SKNN and r.target is not None and (r.case, SKNN) in ratio_of:
            by_case.setdefault(r.case_id, []).append(r)
    return "\n".join(_case_verdict(rows, ratio_of) for rows in by_case.values())


def _case_verdict(rows, ratio_of):
    first = rows[0]
    if len(rows) == 1:
        ratio = ratio_of[first.case, SKNN]
        return f"- {first.case_id}: ratio {ratio:.2f}, target {first.target}: {holds(first, ratio)}"
    met, missed = [], []
    for r in rows:  # the predict modes
        ratio = ratio_of[r.case, SKNN]
        mode = f"{r.case.removeprefix(r.case_id).strip()} ({ratio:.2f})"
        (met if holds(r, ratio) == "yes" else missed).append(mode)
    return (f"- {first.case_id}: target {first.target} met by {', '.join(met) or 'none'}; "
            f"missed by {', '.join(missed) or 'none'}")


def markdown_report(title, machine, settings, case_lines, table, summary, notes=()):
    """The whole results file: title, machine, settings, cases, table, targets, how to read."""
    parts = [f"# {title}", "## Machine", machine, "## Settings", settings,
             "## Cases", "\n".join(f"- {line}" for line in case_lines),
             "## Results", table]
    if summary:
        parts += ["Targets (sknn / scikit-learn):", summary]
    parts += [*notes, HOW_TO_READ]
    return "\n\n".join(parts) + "\n"


def _format_value(value, unit):
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    return f"{value:.4g} {unit}"


def _format_target(result):
    if result.library != SKNN or result.target is None:
        return ""
    floor = f", {result.score_name} ≥ {result.min_score}" if result.min_score is not None else ""
    return f"≥ {result.target}{floor}"


def _format_score(result):
    name = "acc" if result.score_name == "accuracy" else result.score_name
    n_iter = f", n_iter_ {result.n_iter}" if result.n_iter is not None else ""
    return f"{name} {result.score:.4f}{n_iter}"


def _format_memory(result):
    return "n/a" if result.peak_mb is None else f"{result.peak_mb:.3g}"
