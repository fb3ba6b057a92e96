"""Build sknn's compiled CPU engine (sknn/_cpu); everything else is in pyproject.toml."""

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

# Exact IEEE arithmetic in the order the source gives (no fused multiply-add
# contraction), so the compiled steps give NumPy's bits; no errno from sqrt,
# so its loops vectorize; OpenMP's simd pragmas (no OpenMP threads, no
# runtime library) for the norm summed in the optimizer loops.
COMPILE_ARGS = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fopenmp-simd"]


def extension(name):
    return Extension(
        f"sknn._cpu.{name}",
        [f"sknn/_cpu/{name}.pyx"],
        include_dirs=["sknn/_cpu", numpy.get_include()],
        depends=["sknn/_cpu/kernels.h", "sknn/_cpu/kernels_real.h", "sknn/_cpu/kernels.pxd"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_25_API_VERSION")],
        extra_compile_args=COMPILE_ARGS,
    )


setup(
    ext_modules=cythonize(
        [extension("_dense"), extension("_steps"), extension("_data"), extension("_sparse")],
        compiler_directives={"language_level": 3},
    ),
)
