"""In-place array operations: ``out=`` with NumPy or CuPy, portable elsewhere.

The one place for the fast paths the array API standard lacks. Each helper
calls the NumPy/CuPy function with ``out=`` when ``native(xp)`` has one, and
otherwise computes with ``xp`` and assigns into ``out``: both give the same
numbers.
"""

from sknn._arrays._backend import is_sparse, native


def call_into(xp, name, *args, out):
    """``out <- xp.<name>(*args)``."""
    module = native(xp)
    if module is not None:
        getattr(module, name)(*args, out=out)
    else:
        out[...] = getattr(xp, name)(*args)


def apply_inplace(xp, name, Z, *args):
    """``Z <- xp.<name>(Z, *args)``."""
    call_into(xp, name, Z, *args, out=Z)


def matmul_into(xp, a, b, out):
    """``out <- a @ b``; ``a`` may be sparse (then through a temporary)."""
    if is_sparse(a):
        out[...] = a @ b
    else:
        call_into(xp, "matmul", a, b, out=out)


def squared_norm(xp, v):
    """Sum of squares of the vector ``v`` (a BLAS dot product where possible)."""
    module = native(xp)
    if module is not None:
        return module.dot(v, v)
    return xp.vecdot(v, v)
