/* Kernels over REAL (float or double); included twice by kernels.h.
 * Matrices are row-major; n rows of m columns. */

/* out <- X[rows], X read with strides (in elements), out row-major. The
 * rows a few places ahead are prefetched: each row is a separate trip to
 * memory, and overlapping those trips is most of the speed of a gather. */
#define SKNN_PREFETCH_AHEAD 4
SKNN_KERNEL void NAME(take_rows)(const REAL *X, ptrdiff_t row_stride, ptrdiff_t col_stride,
                                 ptrdiff_t n_cols, const ptrdiff_t *rows, ptrdiff_t n_rows,
                                 REAL *out)
{
    for (ptrdiff_t i = 0; i < n_rows; i++) {
        const REAL *row = X + rows[i] * row_stride;
        REAL *dst = out + i * n_cols;
        if (col_stride == 1) {
#if defined(__GNUC__)
            if (i + SKNN_PREFETCH_AHEAD < n_rows) {
                const char *ahead = (const char *)(X + rows[i + SKNN_PREFETCH_AHEAD] * row_stride);
                for (size_t b = 0; b < (size_t)n_cols * sizeof(REAL); b += 64)
                    __builtin_prefetch(ahead + b, 0, 0);
            }
#endif
            memcpy(dst, row, (size_t)n_cols * sizeof(REAL));
        } else {
            for (ptrdiff_t j = 0; j < n_cols; j++) dst[j] = row[j * col_stride];
        }
    }
}

/* out[i] = the column of the largest value of row i of the n x m matrix P
 * (C order): NumPy's argmax along axis 1, the first of equal values, the
 * first NaN where a row has one. */
SKNN_KERNEL void NAME(row_argmax)(const REAL *restrict P, ptrdiff_t n, ptrdiff_t m,
                                  int64_t *restrict out)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        const REAL *row = P + i * m;
        ptrdiff_t best = 0;
        REAL top = row[0];
        for (ptrdiff_t j = 1; j < m && top == top; j++)
            if (!(row[j] <= top)) { /* larger, or NaN */
                best = j;
                top = row[j];
            }
        out[i] = (int64_t)best;
    }
}

/* Whether every element of X is finite: sum(x - x) is 0 when they all are,
 * NaN as soon as one is NaN or infinite. X is an n_outer x n_inner array with
 * unit stride along inner (a row of a C-ordered or a column of an F-ordered
 * array), or read element by element when inner_stride is not 1. */
SKNN_KERNEL int NAME(all_finite)(const REAL *X, ptrdiff_t outer_stride, ptrdiff_t inner_stride,
                                 ptrdiff_t n_outer, ptrdiff_t n_inner)
{
    REAL total = 0;
    for (ptrdiff_t i = 0; i < n_outer; i++) {
        const REAL *line = X + i * outer_stride;
        if (inner_stride == 1) {
            _Pragma("omp simd reduction(+:total)")
            for (ptrdiff_t j = 0; j < n_inner; j++) total += line[j] - line[j];
        } else {
            for (ptrdiff_t j = 0; j < n_inner; j++)
                total += line[j * inner_stride] - line[j * inner_stride];
        }
    }
    return total == 0;
}

/* out <- rows [0, n) of a CSR matrix @ W (n_features x m, row-major), as
 * SciPy computes it (csr_matvecs): each output row starts at 0 and adds
 * data[e] * W[indices[e], :] for the row's entries e in storage order, so
 * the result has SciPy's bits. Row i's entries are indptr[i] .. indptr[i+1]
 * - 1 (indptr may point into a larger matrix's). Returns the first entry
 * whose index is outside [0, n_features) (nothing is read there), or -1. */
#define SKNN_CSR_PRODUCT(INDEX, SUFFIX)                                                        \
    SKNN_VECTORIZED                                                                          \
    SKNN_KERNEL ptrdiff_t NAME(csr_product_##SUFFIX)(                                        \
        const REAL *restrict data, const INDEX *restrict indices,                            \
        const INDEX *restrict indptr, ptrdiff_t n, const REAL *restrict W,                   \
        ptrdiff_t n_features, ptrdiff_t m, REAL *restrict out)                               \
    {                                                                                        \
        for (ptrdiff_t i = 0; i < n; i++) {                                                  \
            REAL *restrict y = out + i * m;                                                  \
            for (ptrdiff_t k = 0; k < m; k++) y[k] = 0;                                      \
            for (ptrdiff_t e = (ptrdiff_t)indptr[i]; e < (ptrdiff_t)indptr[i + 1]; e++) {    \
                const INDEX j = indices[e];                                                  \
                if (j < 0 || (ptrdiff_t)j >= n_features) return e;                           \
                const REAL a = data[e];                                                      \
                const REAL *restrict w = W + (ptrdiff_t)j * m;                               \
                for (ptrdiff_t k = 0; k < m; k++) y[k] += a * w[k];                          \
            }                                                                                \
        }                                                                                    \
        return -1;                                                                           \
    }

SKNN_CSR_PRODUCT(int32_t, int32)
SKNN_CSR_PRODUCT(int64_t, int64)

/* ---- activations: Z <- f(Z + b), row by row -----------------------------
 * An activation runs in up to three steps: activation_prepare (one pass:
 * the bias, and for the transcendental activations the argument of NumPy's
 * function written into T), then NumPy's own vectorised ufunc(s) on T (the
 * caller runs them: sknn._engine._cpu._dense, ACTIVATION_UFUNCS), then
 * activation_finish (one pass from Z and T). NumPy's ufuncs are what
 * scikit-learn calls (np.tanh, np.exp), so their results are its bits. The
 * piecewise-linear activations are done in the first pass. */

SKNN_VECTORIZED
SKNN_KERNEL void NAME(bias_identity)(REAL *restrict Z, const REAL *restrict b, ptrdiff_t n, ptrdiff_t m)
{
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j < m; j++) Z[i * m + j] += b[j];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(bias_relu)(REAL *restrict Z, const REAL *restrict b, ptrdiff_t n, ptrdiff_t m)
{
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j < m; j++) {
            REAL z = Z[i * m + j] + b[j];
            Z[i * m + j] = z < 0 ? (REAL)0 : z; /* NaN stays NaN */
        }
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(bias_leaky_relu)(REAL *restrict Z, const REAL *restrict b, ptrdiff_t n, ptrdiff_t m)
{
    const REAL slope = (REAL)SKNN_LEAKY_SLOPE;
    for (ptrdiff_t i = 0; i < n; i++)
        for (ptrdiff_t j = 0; j < m; j++) {
            REAL z = Z[i * m + j] + b[j];
            Z[i * m + j] = z > 0 ? z : slope * z;
        }
}

/* Logistic, as SciPy's expit: 1 / (1 + exp(-z)), exactly 0 where exp(-z)
 * overflows. T <- -z, capped at the largest argument whose exp is finite
 * (NumPy's exp would warn of the overflow); finish gives 0 beyond it. */
#define SKNN_EXP_LIMIT(REAL_) (sizeof(REAL_) == sizeof(float) ? 88.72283172607421875 : 709.782712893383973096)

SKNN_VECTORIZED
SKNN_KERNEL void NAME(logistic_prepare)(const REAL *restrict Z, REAL *restrict T, ptrdiff_t size)
{
    const REAL limit = (REAL)SKNN_EXP_LIMIT(REAL);
    for (ptrdiff_t k = 0; k < size; k++) {
        REAL minus = -Z[k];
        T[k] = minus > limit ? limit : minus;
    }
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(logistic_finish)(REAL *restrict Z, const REAL *restrict T, ptrdiff_t size)
{
    const REAL limit = (REAL)SKNN_EXP_LIMIT(REAL);
    for (ptrdiff_t k = 0; k < size; k++) Z[k] = -Z[k] > limit ? (REAL)0 : 1 / (1 + T[k]);
}

/* ELU: T <- min(z, 0) (NaN stays NaN); NumPy's expm1; z where z > 0, else T. */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(elu_prepare)(const REAL *restrict Z, REAL *restrict T, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) T[k] = Z[k] > 0 ? (REAL)0 : Z[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(elu_finish)(REAL *restrict Z, const REAL *restrict T, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) Z[k] = Z[k] > 0 ? Z[k] : T[k];
}

/* Softplus, max(z, 0) + log1p(exp(-|z|)): T <- -|z|; NumPy's exp, then log1p. */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(softplus_prepare)(const REAL *restrict Z, REAL *restrict T, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) T[k] = -fabs(Z[k]);
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(softplus_finish)(REAL *restrict Z, const REAL *restrict T, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) Z[k] = (Z[k] < 0 ? (REAL)0 : Z[k]) + T[k];
}

/* GELU (tanh form), z/2 (1 + tanh(c (z + 0.044715 z^3))): T <- the argument
 * of tanh; NumPy's tanh; T keeps the tanh for the derivative. */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(gelu_prepare)(const REAL *restrict Z, REAL *restrict T, ptrdiff_t size)
{
    const REAL c = (REAL)SKNN_GELU_C, cubic = (REAL)SKNN_GELU_CUBIC;
    for (ptrdiff_t k = 0; k < size; k++) {
        REAL z = Z[k];
        T[k] = c * (z + cubic * (z * z * z));
    }
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(gelu_finish)(REAL *restrict Z, const REAL *restrict T, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) Z[k] = (REAL)0.5 * Z[k] * (1 + T[k]);
}

/* Sum of a[0..n), added in NumPy's pairwise order, so a row sum gives
 * the bits of numpy.sum(axis=1). */
SKNN_KERNEL REAL NAME(pairwise_sum)(const REAL *a, ptrdiff_t n)
{
    if (n < 8) {
        REAL total = (REAL)-0.0;
        for (ptrdiff_t i = 0; i < n; i++) total += a[i];
        return total;
    }
    if (n <= 128) {
        REAL r[8];
        ptrdiff_t i;
        for (int k = 0; k < 8; k++) r[k] = a[k];
        for (i = 8; i < n - n % 8; i += 8)
            for (int k = 0; k < 8; k++) r[k] += a[i + k];
        REAL total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) total += a[i];
        return total;
    }
    ptrdiff_t half = n / 2;
    half -= half % 8;
    return NAME(pairwise_sum)(a, half) + NAME(pairwise_sum)(a + half, n - half);
}

/* Softmax, as scikit-learn's: each row shifted by its maximum, NumPy's exp,
 * then divided by its sum. */
SKNN_KERNEL void NAME(softmax_prepare)(REAL *Z, ptrdiff_t n, ptrdiff_t m)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL *z = Z + i * m;
        REAL top = z[0];
        for (ptrdiff_t j = 1; j < m; j++) top = z[j] > top ? z[j] : top;
        for (ptrdiff_t j = 0; j < m; j++) z[j] -= top;
    }
}

SKNN_KERNEL void NAME(softmax_finish)(REAL *Z, ptrdiff_t n, ptrdiff_t m)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        REAL *z = Z + i * m;
        REAL total = NAME(pairwise_sum)(z, m);
        for (ptrdiff_t j = 0; j < m; j++) z[j] /= total;
    }
}

/* First step: Z <- Z + b (the whole activation for the piecewise-linear
 * ones), and the ufunc's argument into T; pre (when not NULL) keeps Z + b,
 * for GELU's derivative. */
SKNN_KERNEL void NAME(activation_prepare)(REAL *Z, const REAL *b, ptrdiff_t n, ptrdiff_t m,
                                          int kind, REAL *T, REAL *pre)
{
    if (kind == SKNN_RELU) { NAME(bias_relu)(Z, b, n, m); return; }
    if (kind == SKNN_LEAKY_RELU) { NAME(bias_leaky_relu)(Z, b, n, m); return; }
    NAME(bias_identity)(Z, b, n, m);
    if (pre != NULL) memcpy(pre, Z, (size_t)(n * m) * sizeof(REAL));
    switch (kind) {
    case SKNN_LOGISTIC: NAME(logistic_prepare)(Z, T, n * m); break;
    case SKNN_ELU: NAME(elu_prepare)(Z, T, n * m); break;
    case SKNN_SOFTPLUS: NAME(softplus_prepare)(Z, T, n * m); break;
    case SKNN_GELU: NAME(gelu_prepare)(Z, T, n * m); break;
    case SKNN_SOFTMAX: NAME(softmax_prepare)(Z, n, m); break;
    default: break; /* identity; tanh and exp work on Z itself */
    }
}

/* Last step, after the ufuncs: Z <- f(z) from Z (still z) and T. */
SKNN_KERNEL void NAME(activation_finish)(REAL *Z, const REAL *T, ptrdiff_t n, ptrdiff_t m, int kind)
{
    switch (kind) {
    case SKNN_LOGISTIC: NAME(logistic_finish)(Z, T, n * m); break;
    case SKNN_ELU: NAME(elu_finish)(Z, T, n * m); break;
    case SKNN_SOFTPLUS: NAME(softplus_finish)(Z, T, n * m); break;
    case SKNN_GELU: NAME(gelu_finish)(Z, T, n * m); break;
    case SKNN_SOFTMAX: NAME(softmax_finish)(Z, n, m); break;
    default: break;
    }
}

/* ---- derivatives: D <- D * f'(z), written from A = f(z) ---------------
 * derivative_prepare applies the dropout mask and writes the argument of
 * the NumPy ufunc the derivative needs (softplus: -A, in A's place, for
 * expm1; the caller runs it); derivative finishes. GELU reads its kept
 * pre-activation and the tanh of its forward pass. */

SKNN_VECTORIZED
SKNN_KERNEL void NAME(relu_derivative)(REAL *restrict D, const REAL *restrict A, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] = A[k] == 0 ? (REAL)0 : D[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(leaky_relu_derivative)(REAL *restrict D, const REAL *restrict A, ptrdiff_t size)
{
    const REAL slope = (REAL)SKNN_LEAKY_SLOPE;
    for (ptrdiff_t k = 0; k < size; k++) D[k] = A[k] > 0 ? D[k] : slope * D[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(logistic_derivative)(REAL *restrict D, const REAL *restrict A, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] = D[k] * A[k] * (1 - A[k]);
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(tanh_derivative)(REAL *restrict D, const REAL *restrict A, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] *= 1 - A[k] * A[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(elu_derivative)(REAL *restrict D, const REAL *restrict A, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] = A[k] > 0 ? D[k] : D[k] * (A[k] + 1);
}

/* Softplus: f'(z) = 1 - exp(-f(z)); E holds expm1(-A). */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(softplus_derivative)(REAL *restrict D, const REAL *restrict E, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] *= -E[k];
}

/* GELU: (1 + t)/2 + z/2 (1 - t^2) c (1 + 3 0.044715 z^2), t the forward pass's tanh. */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(gelu_derivative)(REAL *restrict D, const REAL *restrict Z,
                                       const REAL *restrict T, ptrdiff_t size)
{
    const REAL c = (REAL)SKNN_GELU_C, cubic_3 = (REAL)(3 * SKNN_GELU_CUBIC);
    for (ptrdiff_t k = 0; k < size; k++) {
        REAL z = Z[k], t = T[k];
        D[k] *= (REAL)0.5 * (1 + t) + (REAL)0.5 * z * (1 - t * t) * c * (1 + cubic_3 * (z * z));
    }
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(negate)(REAL *restrict A, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) A[k] = -A[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(multiply_into)(REAL *restrict out, const REAL *restrict a,
                                     const REAL *restrict b, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) out[k] = a[k] * b[k];
}

SKNN_VECTORIZED
SKNN_KERNEL void NAME(scale_by)(REAL *restrict D, const REAL *restrict factor, ptrdiff_t size)
{
    for (ptrdiff_t k = 0; k < size; k++) D[k] *= factor[k];
}

/* D <- D * mask (dropout, when mask is not NULL); softplus: A <- -A (the
 * argument of expm1; the backward pass needs A no more). */
SKNN_KERNEL void NAME(derivative_prepare)(REAL *D, REAL *A, const REAL *mask, ptrdiff_t size,
                                          int kind)
{
    if (mask != NULL) NAME(scale_by)(D, mask, size);
    if (kind == SKNN_SOFTPLUS) NAME(negate)(A, size);
}

/* D <- D * f'(z), after derivative_prepare and the ufunc. */
SKNN_KERNEL void NAME(derivative)(REAL *D, const REAL *A, const REAL *pre, const REAL *T,
                                  ptrdiff_t size, int kind)
{
    switch (kind) {
    case SKNN_RELU: NAME(relu_derivative)(D, A, size); break;
    case SKNN_LEAKY_RELU: NAME(leaky_relu_derivative)(D, A, size); break;
    case SKNN_LOGISTIC: NAME(logistic_derivative)(D, A, size); break;
    case SKNN_TANH: NAME(tanh_derivative)(D, A, size); break;
    case SKNN_ELU: NAME(elu_derivative)(D, A, size); break;
    case SKNN_SOFTPLUS: NAME(softplus_derivative)(D, A, size); break;
    case SKNN_GELU: NAME(gelu_derivative)(D, pre, T, size); break;
    default: break;
    }
}

/* ---- the output layer: D <- (P - Y) w, and the summed loss --------------- */

SKNN_KERNEL REAL NAME(clip_probability)(REAL p)
{
    const REAL eps = (REAL)REAL_EPSILON;
    return p < eps ? eps : (p > 1 - eps ? 1 - eps : p);
}

/* Loss of one output value p against its target y, for the canonical loss
 * of the output activation (see sknn/_engine/_losses.py). */
SKNN_KERNEL REAL NAME(output_loss)(REAL p, REAL y, int output)
{
    switch (output) {
    case SKNN_SOFTMAX: return y == 0 ? (REAL)0 : -y * log(NAME(clip_probability)(p));
    case SKNN_LOGISTIC: {
        REAL q = NAME(clip_probability)(p);
        return -(y * log(q) + (1 - y) * log(1 - q));
    }
    case SKNN_EXP: return (y > 0 ? y * log(y / p) : (REAL)0) - y + p;
    default: return (REAL)0.5 * (y - p) * (y - p);
    }
}

/* D = (P - Y) * w (w may be NULL); returns sum_i w_i loss_i. The canonical
 * output activation/loss pairs make P - Y the loss's gradient with respect to
 * the output layer's pre-activation. */
SKNN_KERNEL double NAME(delta_and_loss)(const REAL *P, const REAL *Y, const REAL *w, REAL *D,
                                   ptrdiff_t n, ptrdiff_t m, int output)
{
    double total = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        double row_loss = 0;
        for (ptrdiff_t j = 0; j < m; j++) {
            ptrdiff_t k = i * m + j;
            D[k] = P[k] - Y[k];
            if (w != NULL) D[k] *= w[i];
            row_loss += NAME(output_loss)(P[k], Y[k], output);
        }
        total += w == NULL ? row_loss : row_loss * w[i];
    }
    return total;
}

/* out[j] = sum_i D[i, j] in NumPy's order for axis 0: rows added in order,
 * but a single column is one contiguous run, which NumPy sums pairwise. */
SKNN_VECTORIZED
SKNN_KERNEL void NAME(column_sums)(const REAL *restrict D, ptrdiff_t n, ptrdiff_t m, REAL *restrict out)
{
    if (m == 1) {
        out[0] = NAME(pairwise_sum)(D, n);
        return;
    }
    for (ptrdiff_t j = 0; j < m; j++) out[j] = D[j];
    for (ptrdiff_t i = 1; i < n; i++)
        for (ptrdiff_t j = 0; j < m; j++) out[j] += D[i * m + j];
}

/* ---- optimizer steps on the flat buffer ------------------------------------
 * Each takes the raw gradient (the weighted sum over the batch) and forms
 * scikit-learn's penalised mean gradient on the fly,
 *     g = (raw + w alpha) / weight_sum,
 * with alpha = 0 for the biases (the caller steps them as a second block).
 * Dividing by a power of two is multiplying by its exact inverse, which is
 * faster and gives the same bits. Each block returns sum w^2 over its
 * entries before the step (what the batch's loss adds for the L2 term).
 * Hyper-parameters arrive as double and are rounded to REAL as NumPy rounds
 * a Python float scalar; 1 - beta is formed in double first, as Python does.
 */

/* The loop of one optimizer: declares g for BODY, accumulates the norm.
 * exact_inverse: weight_sum is a power of two (see sknn_is_power_of_two). */
#define SKNN_STEP_LOOP(BODY)                                                      \
    const REAL a_ = (REAL)alpha, total_ = (REAL)weight_sum;                       \
    const REAL inverse_ = (REAL)(1.0 / weight_sum);                               \
    REAL norm_ = 0;                                                               \
    if (exact_inverse) {                                                          \
        _Pragma("omp simd reduction(+:norm_)")                                    \
        for (ptrdiff_t i = 0; i < size; i++) {                                    \
            REAL w = p[i];                                                        \
            norm_ += w * w;                                                       \
            REAL g = (raw[i] + w * a_) * inverse_;                                \
            BODY                                                                  \
        }                                                                         \
    } else {                                                                      \
        _Pragma("omp simd reduction(+:norm_)")                                    \
        for (ptrdiff_t i = 0; i < size; i++) {                                    \
            REAL w = p[i];                                                        \
            norm_ += w * w;                                                       \
            REAL g = (raw[i] + w * a_) / total_;                                  \
            BODY                                                                  \
        }                                                                         \
    }                                                                             \
    return (double)norm_;

/* Every block has this signature; state_2 is Adam's second moment (NULL
 * for the others). */
typedef double (*NAME(step_block))(REAL *restrict p, const REAL *restrict raw,
                                   REAL *restrict state_1, REAL *restrict state_2,
                                   ptrdiff_t size, const sknn_step_settings *settings,
                                   double alpha, double weight_sum, int exact_inverse);

/* SGD with momentum: v <- momentum v - lr g; w <- w + v, or with Nesterov
 * w <- w + momentum v - lr g. */
SKNN_VECTORIZED
SKNN_KERNEL double NAME(sgd_block)(REAL *restrict p, const REAL *restrict raw,
                                   REAL *restrict velocity, REAL *restrict unused,
                                   ptrdiff_t size, const sknn_step_settings *settings,
                                   double alpha, double weight_sum, int exact_inverse)
{
    const REAL rate = (REAL)settings->learning_rate, mu = (REAL)settings->momentum;
    const int nesterov = settings->nesterov;
    (void)unused;
    SKNN_STEP_LOOP(
        REAL step = g * rate;
        REAL v = velocity[i] * mu - step;
        velocity[i] = v;
        p[i] = w + (nesterov ? v * mu - step : v);
    )
}

/* Adam: m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
 * w <- w * decay - lr_t m / (sqrt(v) + eps); decay is AdamW's shrink of the
 * weights, 1 for Adam (multiplying by 1 changes no bit).
 * The moments are REAL, but the change and its sum with w are double, as in
 * scikit-learn: its lr_t is a NumPy float64 (np.sqrt of a Python float), so
 * -lr_t * m is float64 (NEP 50), divided by the REAL sqrt(v) + eps, added
 * to w in float64 and rounded to REAL once, by the in-place add. For double
 * the casts change nothing. */
SKNN_VECTORIZED
SKNN_KERNEL double NAME(adam_block)(REAL *restrict p, const REAL *restrict raw, REAL *restrict m,
                                    REAL *restrict v, ptrdiff_t size,
                                    const sknn_step_settings *settings, double alpha,
                                    double weight_sum, int exact_inverse)
{
    const REAL b1 = (REAL)settings->beta_1, keep_1 = (REAL)(1 - settings->beta_1);
    const REAL b2 = (REAL)settings->beta_2, keep_2 = (REAL)(1 - settings->beta_2);
    const double minus_rate = -settings->learning_rate;
    const REAL eps = (REAL)settings->epsilon, shrink = (REAL)settings->decay;
    SKNN_STEP_LOOP(
        REAL mi = m[i] * b1 + g * keep_1;
        REAL vi = v[i] * b2 + g * g * keep_2;
        m[i] = mi;
        v[i] = vi;
        double change = (double)mi * minus_rate / (double)(sqrt(vi) + eps);
        p[i] = (REAL)((double)(w * shrink) + change);
    )
}

/* RMSProp: v <- rho v + (1 - rho) g^2; w <- w - lr g / (sqrt(v) + eps). */
SKNN_VECTORIZED
SKNN_KERNEL double NAME(rmsprop_block)(REAL *restrict p, const REAL *restrict raw,
                                       REAL *restrict ms, REAL *restrict unused, ptrdiff_t size,
                                       const sknn_step_settings *settings, double alpha,
                                       double weight_sum, int exact_inverse)
{
    const REAL r = (REAL)settings->rho, keep = (REAL)(1 - settings->rho);
    const REAL minus_rate = (REAL)(-settings->learning_rate), eps = (REAL)settings->epsilon;
    (void)unused;
    SKNN_STEP_LOOP(
        REAL vi = ms[i] * r + g * g * keep;
        ms[i] = vi;
        p[i] = w + g * minus_rate / (sqrt(vi) + eps);
    )
}

/* One step of an optimizer on the whole flat buffer: the weights (the first
 * n_coefs entries, penalised by alpha, shrunk by decay), then the biases.
 * Returns sum w^2 over the weights before the step. */
SKNN_KERNEL double NAME(optimizer_step)(NAME(step_block) block, REAL *p, const REAL *raw,
                                        REAL *state_1, REAL *state_2, ptrdiff_t size,
                                        ptrdiff_t n_coefs, const sknn_step_settings *settings,
                                        double alpha, double weight_sum)
{
    const int exact = sknn_is_power_of_two(weight_sum);
    sknn_step_settings biases = *settings;
    biases.decay = 1.0;
    double norm = block(p, raw, state_1, state_2, n_coefs, settings, alpha, weight_sum, exact);
    block(p + n_coefs, raw + n_coefs, state_1 + n_coefs,
          state_2 == NULL ? NULL : state_2 + n_coefs, size - n_coefs, &biases, 0.0,
          weight_sum, exact);
    return norm;
}
