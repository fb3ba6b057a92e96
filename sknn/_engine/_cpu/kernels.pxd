# Declarations of kernels.h (float and double versions of each kernel).

from libc.stdint cimport int32_t, int64_t

cdef extern from "kernels.h" nogil:
    enum:
        SKNN_IDENTITY
        SKNN_LOGISTIC
        SKNN_TANH
        SKNN_RELU
        SKNN_LEAKY_RELU
        SKNN_ELU
        SKNN_GELU
        SKNN_SOFTPLUS
        SKNN_SOFTMAX
        SKNN_EXP

    void take_rows_float(const float *X, Py_ssize_t row_stride, Py_ssize_t col_stride,
                         Py_ssize_t n_cols, const Py_ssize_t *rows, Py_ssize_t n_rows, float *out)
    void take_rows_double(const double *X, Py_ssize_t row_stride, Py_ssize_t col_stride,
                          Py_ssize_t n_cols, const Py_ssize_t *rows, Py_ssize_t n_rows, double *out)

    void row_argmax_float(const float *P, Py_ssize_t n, Py_ssize_t m, int64_t *out)
    void row_argmax_double(const double *P, Py_ssize_t n, Py_ssize_t m, int64_t *out)

    int all_finite_float(const float *X, Py_ssize_t outer_stride, Py_ssize_t inner_stride,
                         Py_ssize_t n_outer, Py_ssize_t n_inner)
    int all_finite_double(const double *X, Py_ssize_t outer_stride, Py_ssize_t inner_stride,
                          Py_ssize_t n_outer, Py_ssize_t n_inner)

    Py_ssize_t csr_product_int32_float(const float *data, const int32_t *indices,
                                       const int32_t *indptr, Py_ssize_t n, const float *W,
                                       Py_ssize_t n_features, Py_ssize_t m, float *out)
    Py_ssize_t csr_product_int64_float(const float *data, const int64_t *indices,
                                       const int64_t *indptr, Py_ssize_t n, const float *W,
                                       Py_ssize_t n_features, Py_ssize_t m, float *out)
    Py_ssize_t csr_product_int32_double(const double *data, const int32_t *indices,
                                        const int32_t *indptr, Py_ssize_t n, const double *W,
                                        Py_ssize_t n_features, Py_ssize_t m, double *out)
    Py_ssize_t csr_product_int64_double(const double *data, const int64_t *indices,
                                        const int64_t *indptr, Py_ssize_t n, const double *W,
                                        Py_ssize_t n_features, Py_ssize_t m, double *out)

    void activation_prepare_float(float *Z, const float *b, Py_ssize_t n, Py_ssize_t m, int kind,
                                  float *T, float *pre)
    void activation_prepare_double(double *Z, const double *b, Py_ssize_t n, Py_ssize_t m,
                                   int kind, double *T, double *pre)
    void activation_finish_float(float *Z, const float *T, Py_ssize_t n, Py_ssize_t m, int kind)
    void activation_finish_double(double *Z, const double *T, Py_ssize_t n, Py_ssize_t m, int kind)

    void multiply_into_float(float *out, const float *a, const float *b, Py_ssize_t size)
    void multiply_into_double(double *out, const double *a, const double *b, Py_ssize_t size)

    void derivative_prepare_float(float *D, float *A, const float *mask, Py_ssize_t size, int kind)
    void derivative_prepare_double(double *D, double *A, const double *mask, Py_ssize_t size,
                                   int kind)
    void derivative_float(float *D, const float *A, const float *pre, const float *T,
                          Py_ssize_t size, int kind)
    void derivative_double(double *D, const double *A, const double *pre, const double *T,
                           Py_ssize_t size, int kind)

    double delta_and_loss_float(const float *P, const float *Y, const float *w, float *D,
                                Py_ssize_t n, Py_ssize_t m, int output)
    double delta_and_loss_double(const double *P, const double *Y, const double *w, double *D,
                                 Py_ssize_t n, Py_ssize_t m, int output)

    void column_sums_float(const float *D, Py_ssize_t n, Py_ssize_t m, float *out)
    void column_sums_double(const double *D, Py_ssize_t n, Py_ssize_t m, double *out)

    ctypedef struct sknn_step_settings:
        double learning_rate
        double momentum
        int nesterov
        double beta_1
        double beta_2
        double rho
        double epsilon
        double decay

    ctypedef double (*step_block_float)(float *p, const float *raw, float *state_1,
                                        float *state_2, Py_ssize_t size,
                                        const sknn_step_settings *settings, double alpha,
                                        double weight_sum, int exact_inverse)
    ctypedef double (*step_block_double)(double *p, const double *raw, double *state_1,
                                         double *state_2, Py_ssize_t size,
                                         const sknn_step_settings *settings, double alpha,
                                         double weight_sum, int exact_inverse)

    double sgd_block_float(float *, const float *, float *, float *, Py_ssize_t,
                           const sknn_step_settings *, double, double, int)
    double sgd_block_double(double *, const double *, double *, double *, Py_ssize_t,
                            const sknn_step_settings *, double, double, int)
    double adam_block_float(float *, const float *, float *, float *, Py_ssize_t,
                            const sknn_step_settings *, double, double, int)
    double adam_block_double(double *, const double *, double *, double *, Py_ssize_t,
                             const sknn_step_settings *, double, double, int)
    double rmsprop_block_float(float *, const float *, float *, float *, Py_ssize_t,
                               const sknn_step_settings *, double, double, int)
    double rmsprop_block_double(double *, const double *, double *, double *, Py_ssize_t,
                                const sknn_step_settings *, double, double, int)

    double optimizer_step_float(step_block_float block, float *p, const float *raw,
                                float *state_1, float *state_2, Py_ssize_t size,
                                Py_ssize_t n_coefs, const sknn_step_settings *settings,
                                double alpha, double weight_sum)
    double optimizer_step_double(step_block_double block, double *p, const double *raw,
                                 double *state_1, double *state_2, Py_ssize_t size,
                                 Py_ssize_t n_coefs, const sknn_step_settings *settings,
                                 double alpha, double weight_sum)
