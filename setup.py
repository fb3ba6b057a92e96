"""Build sknn's compiled CPU engine (sknn/_engine/_cpu); everything else is in pyproject.toml.

The kernels must give NumPy's bits, so every compiler gets flags with the same
guarantees, spelled its own way (see ``CompilerFlags``).
"""

import os
import tempfile

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError

# GCC and Clang (Linux, macOS, MinGW): exact IEEE arithmetic in the order the
# source gives (no contraction into fused multiply-adds: Clang contracts by
# default, and so does GCC outside strict ISO modes); no errno from sqrt, so
# its loops vectorize.
GCC_FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno"]
# OpenMP's simd pragmas only (no threads, no runtime library) for the sums in
# the optimizer loops; left out where a compiler lacks it. Without it those sums
# (sum w^2, the L2 term of the reported loss) run in order: the same weights, a
# loss that may differ in its last bits.
GCC_OPTIONAL_FLAGS = ["-fopenmp-simd"]
# MSVC: /fp:precise keeps the source's operations; it contracts nothing unless
# asked (/fp:contract, /fp:fast; kernels.h also says '#pragma fp_contract(off)'
# for compilers before Visual Studio 2022, whose default was on). /std:c11
# (Visual Studio 2019 16.8 and later) for <tgmath.h>'s type-generic functions,
# 'restrict' and '_Pragma'. The OpenMP simd pragmas are left unread (MSVC reads
# them only under /openmp:experimental, which adds its OpenMP runtime DLL to
# the wheel's dependencies): those sums run in order, as above.
MSVC_FLAGS = ["/O2", "/fp:precise", "/std:c11"]

NUMPY_API = "NPY_2_0_API_VERSION"  # the compiled modules run on any NumPy 2


class CompilerFlags(build_ext):
    """``build_ext`` that gives each extension the flags of the compiler in use."""

    def build_extensions(self):
        flags = self._flags()
        for ext in self.extensions:
            ext.extra_compile_args = flags + ext.extra_compile_args
        super().build_extensions()

    def _flags(self):
        if self.compiler.compiler_type == "msvc":
            return MSVC_FLAGS
        return GCC_FLAGS + [flag for flag in GCC_OPTIONAL_FLAGS if self._accepts(flag)]

    def _accepts(self, flag):
        """Whether the compiler builds a small C file with ``flag`` (warnings as errors
        where the compiler only warns about unknown flags)."""
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "probe.c")
            with open(source, "w") as file:
                file.write("int main(void) { return 0; }\n")
            try:
                self.compiler.compile([source], output_dir=folder, extra_postargs=[flag, "-Werror"])
            except CompileError:
                return False
        return True


def extension(name):
    return Extension(
        f"sknn._engine._cpu.{name}",
        [f"sknn/_engine/_cpu/{name}.pyx"],
        include_dirs=["sknn/_engine/_cpu", numpy.get_include()],
        depends=[
            "sknn/_engine/_cpu/kernels.h",
            "sknn/_engine/_cpu/kernels_real.h",
            "sknn/_engine/_cpu/kernels.pxd",
        ],
        define_macros=[("NPY_NO_DEPRECATED_API", NUMPY_API), ("NPY_TARGET_VERSION", NUMPY_API)],
    )


setup(
    ext_modules=cythonize(
        [extension("_dense"), extension("_steps"), extension("_data"), extension("_sparse")],
        compiler_directives={"language_level": 3},
    ),
    cmdclass={"build_ext": CompilerFlags},
)
