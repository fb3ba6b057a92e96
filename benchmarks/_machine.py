"""The machine a benchmark ran on, as a markdown bullet list.

Timings mean little without the CPU, the number of cores, the library
versions and the BLAS thread pools they ran with; every results file starts
with :func:`machine_description`.
"""

import datetime
import importlib.metadata
import os
import platform
from pathlib import Path

import numpy as np
import scipy
import sklearn


def machine_description():
    """Date, CPU, cores, versions and thread pools, one markdown bullet each.

    Returns
    -------
    description : str
        Markdown bullet list. PyTorch and skorch are listed when installed;
        the BLAS and OpenMP lines come from ``threadpoolctl``.
    """
    lines = [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- CPU: {_cpu_model()}",
        f"- cores: {os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))})",
        f"- platform: {platform.platform()}, Python {platform.python_version()}",
        f"- numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn {_version('sknn')}",
        f"- {_torch_versions()}",
    ]
    lines += [f"- {line}" for line in _thread_pools()]
    return "\n".join(lines)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _torch_versions():
    """PyTorch and skorch versions (from the installed metadata, no import)."""
    torch, skorch = _version("torch"), _version("skorch")
    if torch is None or skorch is None:
        return "PyTorch / skorch: not installed (no skorch rows)"
    return f"PyTorch {torch} (CPU, {os.cpu_count()} threads), skorch {skorch}"


def _thread_pools():
    """One line per distinct BLAS / OpenMP library loaded (needs threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["BLAS: unknown (threadpoolctl is not installed)"]
    lines = set()
    for pool in threadpool_info():
        kind = "BLAS" if pool["user_api"] == "blas" else pool["user_api"]
        details = [pool["internal_api"], pool.get("version"), pool.get("architecture")]
        library = Path(pool["filepath"]).parent.name  # e.g. numpy.libs
        described = " ".join(str(d) for d in details if d)
        lines.add(f"{kind} ({library}): {described}, {pool['num_threads']} threads")
    return sorted(lines)
