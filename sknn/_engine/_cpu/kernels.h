/* sknn's elementwise kernels for the compiled CPU engine, for float and double.
 *
 * Each kernel is written once in kernels_real.h against REAL and NAME(), and
 * included twice below. The arithmetic follows scikit-learn operation for
 * operation (the build turns off contraction into fused multiply-adds), so
 * the optimizer updates give the same bits as its NumPy code. The
 * transcendental functions of the activations (tanh, exp, expm1, log1p) are
 * NumPy's own vectorised ufuncs, run between two of these kernels (see
 * kernels_real.h); the loss's log comes from the C library. It builds
 * as C11 with GCC, Clang and MSVC.
 */
#ifndef SKNN_KERNELS_H
#define SKNN_KERNELS_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* exp, tanh, log... are <tgmath.h>'s type-generic macros, so the float kernels
 * call expf, tanhf, logf... MSVC's <tgmath.h> defines them only in C11 mode
 * (/std:c11, which setup.py passes); without it every float kernel would
 * compute in double and round, silently, so refuse to build instead. */
#if defined(_MSC_VER) && !defined(__clang__) \
    && (!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#error "sknn's kernels need C11 (/std:c11) under MSVC: <tgmath.h> is type-generic only there"
#endif
#include <tgmath.h>

/* No contraction of a * b + c into a fused multiply-add, which rounds once
 * instead of twice. GCC gets -ffp-contract=off from setup.py; Clang contracts
 * by default, so say it here too, whatever the flags; MSVC contracts only
 * when asked since Visual Studio 2022, and this pragma covers the versions
 * before it. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(_MSC_VER)
#pragma fp_contract(off)
#endif

/* Each .pyx includes what it needs of these. */
#if defined(__GNUC__)
#define SKNN_KERNEL static __attribute__((unused))
#else
#define SKNN_KERNEL static
#endif

/* AVX-512 (x86-64-v4) and AVX2 builds of the hot loops beside the baseline
 * one, chosen at load time. AVX-512 matters most to the optimizer steps,
 * whose square roots and divisions run twice as wide. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) \
    && __GNUC__ >= 11
#define SKNN_VECTORIZED __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SKNN_VECTORIZED __attribute__((target_clones("avx2", "default")))
#else
#define SKNN_VECTORIZED
#endif

/* Activation codes, shared with sknn/_engine/_cpu/_codes.py. */
enum {
    SKNN_IDENTITY = 0,
    SKNN_LOGISTIC = 1,
    SKNN_TANH = 2,
    SKNN_RELU = 3,
    SKNN_LEAKY_RELU = 4,
    SKNN_ELU = 5,
    SKNN_GELU = 6,
    SKNN_SOFTPLUS = 7,
    SKNN_SOFTMAX = 8,
    SKNN_EXP = 9
};

/* Whether x is a power of two, so that dividing by it is multiplying by
 * its exact inverse. */
SKNN_KERNEL int sknn_is_power_of_two(double x)
{
    int exponent;
    return x > 0 && frexp(x, &exponent) == 0.5;
}

/* The hyper-parameters of one optimizer step (each optimizer reads its own). */
typedef struct {
    double learning_rate; /* SGD and RMSProp: lr; Adam: the bias-corrected lr_t */
    double momentum;      /* SGD */
    int nesterov;         /* SGD */
    double beta_1;        /* Adam */
    double beta_2;        /* Adam */
    double rho;           /* RMSProp */
    double epsilon;       /* Adam, RMSProp */
    double decay;         /* AdamW's shrink of the weights before the step; 1: none */
} sknn_step_settings;

#define SKNN_LEAKY_SLOPE 0.01
#define SKNN_GELU_C 0.7978845608028654 /* sqrt(2 / pi) */
#define SKNN_GELU_CUBIC 0.044715

#define REAL float
#define NAME(name) name##_float
#define REAL_EPSILON FLT_EPSILON
#include "kernels_real.h"
#undef REAL
#undef NAME
#undef REAL_EPSILON

#define REAL double
#define NAME(name) name##_double
#define REAL_EPSILON DBL_EPSILON
#include "kernels_real.h"
#undef REAL
#undef NAME
#undef REAL_EPSILON

#endif
