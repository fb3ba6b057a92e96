"""Full-batch training with SciPy's L-BFGS-B on the flat parameter buffer."""

import time

import numpy as np
import scipy.optimize
from sklearn.utils.optimize import _check_optimize_result

from sknn._arrays._backend import device_of, move_to, to_float, to_numpy
from sknn._engine._threads import other_blas_single_threaded
from sknn._fitting._log import TrainingLog


def fit_lbfgs(network, params, grads, X, Y, sample_weight, alpha, settings):
    """Minimise the penalised loss over all of (X, Y); ``params`` ends at the optimum.

    SciPy works on a float64 host copy of the flat buffer; each evaluation
    writes it into ``params`` (any namespace, any float dtype) and returns the
    gradient as float64.

    Parameters
    ----------
    settings : dict
        ``max_iter``, ``max_fun``, ``tol`` and ``verbose``.

    Returns
    -------
    n_iter : int
    loss : float
    loss_curve : list of float
        The loss after each iteration.
    """
    xp = network.xp
    loss_curve = []

    device, dtype = device_of(params.flat), params.flat.dtype

    def set_parameters(x):
        params.flat[...] = move_to(x, xp, device, dtype)

    def loss_and_gradient(x):
        set_parameters(x)
        loss = network.loss_and_gradient(params, grads, X, Y, sample_weight, alpha)
        return to_float(loss), np.asarray(to_numpy(grads.flat), dtype=np.float64)

    log = TrainingLog(settings["verbose"], settings["max_iter"], None)
    clock = [time.perf_counter()]

    def record(intermediate_result):
        loss_curve.append(float(intermediate_result.fun))
        now = time.perf_counter()
        log.epoch_done(len(loss_curve), loss_curve[-1], seconds=now - clock[0])
        clock[0] = now

    with other_blas_single_threaded():
        result = scipy.optimize.minimize(
            loss_and_gradient,
            np.asarray(to_numpy(params.flat), dtype=np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=record,
            options={
                "maxfun": settings["max_fun"],
                "maxiter": settings["max_iter"],
                "gtol": settings["tol"],
            },
        )
    # scikit-learn's own check: the same n_iter_ and the same ConvergenceWarning
    n_iter = _check_optimize_result("lbfgs", result, settings["max_iter"])
    set_parameters(result.x)
    return n_iter, float(result.fun), loss_curve
