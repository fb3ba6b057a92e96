"""The ``device`` parameter: where a fit or a prediction runs.

``None`` follows the data (CuPy arrays run on their GPU; under
``array_api_dispatch`` any array-API array runs in its own namespace;
everything else on the CPU with NumPy). ``'cpu'`` always runs NumPy.
``'cuda'`` and ``'cuda:N'`` run CuPy on GPU ``N`` (0 by default), whatever
the input; the data is moved there once.

CuPy is imported only when a GPU is asked for, or when the data already is
CuPy (so CuPy is loaded): importing sknn never imports it.
"""

import functools
import importlib
import re
import warnings

import array_api_compat
from sklearn import get_config

from sknn._arrays._backend import device_of, namespace_of, numpy_namespace

_CUDA = re.compile(r"cuda(?::(\d+))?")
_INSTALL = (
    "Install CuPy with sknn's extra for your CUDA version: "
    "pip install 'sknn[cuda12]' or pip install 'sknn[cuda13]'."
)


@functools.cache
def parse_device(device):
    """``None``, ``('cpu', None)`` or ``('cuda', index)``; ValueError otherwise."""
    if device is None:
        return None
    if device == "cpu":
        return ("cpu", None)
    match = _CUDA.fullmatch(device) if isinstance(device, str) else None
    if match is None:
        raise ValueError(
            f"device={device!r} is not a device sknn knows: use None (follow the "
            "data), 'cpu', 'cuda' or 'cuda:N' (N the GPU's number)."
        )
    return ("cuda", int(match.group(1) or 0))


def wants_gpu(device):
    """True when the ``device`` parameter names a GPU."""
    parsed = parse_device(device)
    return parsed is not None and parsed[0] == "cuda"


def cuda_namespace(index):
    """The CuPy namespace and GPU ``index``; a clear error where either is missing."""
    try:
        cupy = importlib.import_module("cupy")
    except ImportError as error:
        raise ImportError(
            f"device='cuda' needs CuPy, which is not installed. {_INSTALL}"
        ) from error
    count = _gpu_count(cupy)
    if index >= count:
        found = "no GPU" if count == 0 else f"{count} GPU(s) (numbered from 0)"
        raise RuntimeError(
            f"device='cuda:{index}' asks for GPU {index}, but CuPy finds {found}. "
            "Check the NVIDIA driver (nvidia-smi) and that the CuPy extra matches "
            f"its CUDA version, or use device='cpu'. {_INSTALL}"
        )
    return array_api_compat.array_namespace(cupy.empty(0)), cupy.cuda.Device(index)


def _gpu_count(cupy):
    try:
        return cupy.cuda.runtime.getDeviceCount()
    except Exception:  # CUDARuntimeError: no driver, no device
        return 0


def gpu_available(index=0):
    """True when ``cuda_namespace(index)`` would succeed."""
    try:
        cuda_namespace(index)
    except (ImportError, RuntimeError):
        return False
    return True


def is_gpu_array(X):
    """True for CuPy arrays (checked without importing CuPy)."""
    return array_api_compat.is_cupy_array(X)


def follows_data(X):
    """True when ``X`` itself decides the namespace (``device=None``)."""
    if is_gpu_array(X):
        return True
    return get_config()["array_api_dispatch"] and array_api_compat.is_array_api_obj(X)


def data_target(X):
    """Namespace and device of ``X`` under ``device=None``."""
    if follows_data(X):
        return array_api_compat.array_namespace(X), device_of(X)
    return namespace_of(X), "cpu"


def target_for(device, X):
    """``(xp, device)`` a fit on ``X`` runs on, for the ``device`` parameter."""
    parsed = parse_device(device)
    if parsed is None:
        return data_target(X)
    if parsed[0] == "cpu":
        return numpy_namespace, "cpu"
    return cuda_namespace(parsed[1])


def prediction_target(device, X):
    """Like ``target_for``, but a missing GPU means the CPU (the model was loaded
    on a machine without one; ``warn_if_moved_to_cpu`` said so at load)."""
    try:
        return target_for(device, X)
    except (ImportError, RuntimeError):
        if not wants_gpu(device):
            raise
        return numpy_namespace, "cpu"


def device_name(array):
    """Where ``array`` lives, as the ``device`` parameter spells it ('cpu', 'cuda:0')."""
    if is_gpu_array(array):
        return f"cuda:{getattr(array.device, 'id', 0)}"
    device = device_of(array)
    return "cpu" if device == "cpu" else str(device)


def warn_if_moved_to_cpu(estimator):
    """At unpickling: warn when a GPU model now has to run on the CPU."""
    fitted_on = estimator.__dict__.get("_training_device", "cpu")
    asked = getattr(estimator, "device", None)
    if asked == "cpu":
        return  # told to run on the CPU: nothing moved against the user's wish
    gpu_model = fitted_on.startswith("cuda") or wants_gpu(asked)
    index = parse_device(asked)[1] if wants_gpu(asked) else 0
    if gpu_model and not gpu_available(index):
        warnings.warn(
            f"This {type(estimator).__name__} was fitted on {fitted_on} (device="
            f"{asked!r}); there is no usable GPU or CuPy here, so it predicts on "
            "the CPU with NumPy. Set device='cpu' to silence this warning.",
            UserWarning,
            stacklevel=3,
        )


def is_out_of_memory(error):
    """True for CuPy's out-of-memory errors (checked without importing CuPy)."""
    kind = type(error)
    return kind.__name__ == "OutOfMemoryError" and kind.__module__.startswith("cupy")


def memory_error(error, estimator):
    """A MemoryError that says what to do about a full GPU."""
    batch = getattr(estimator, "batch_size", "auto")
    return MemoryError(
        f"The GPU ran out of memory during {type(estimator).__name__}.fit ({error}). "
        f"Try a smaller batch_size (now {batch!r}), smaller hidden layers, "
        "dtype='float32', or device='cpu'. The estimator was left as it was."
    )
