"""Moving the training state between the estimator's attributes and the loop.

The loop works on a ``TrainingState``; only ``commit_state``, after a fit
succeeded, writes the fitted attributes. A fit that fails part-way leaves an
already-fitted estimator exactly as it was.
"""

import copy

from sknn._arrays._backend import device_of, move_to
from sknn._arrays._device import device_name
from sknn._fitting._stochastic import TrainingState


def initial_state(params, validation):
    """The state of a first fit, as scikit-learn's ``_initialize`` sets it.

    Only a fit with a ``validation`` set starts the early-stopping state: one
    without (lbfgs, ``partial_fit``, data too small to split) gets the state
    of ``early_stopping=False``, ``validation_scores_`` None included.
    """
    state = TrainingState()
    if validation is not None:
        state.best_loss = None
        state.validation_scores = []
        state.validation_loss_curve = []
        state.best_validation_score = -float("inf")
        state.best_params = params.copy_flat()
    return state


def state_from(estimator, params):
    """The state a warm start or ``partial_fit`` continues from."""
    scores = getattr(estimator, "validation_scores_", None)
    best_params = getattr(estimator, "_best_params", None)
    if best_params is not None:
        xp, flat = params.xp, params.flat
        best_params = move_to(best_params, xp, device_of(flat), flat.dtype)
    return TrainingState(
        t=getattr(estimator, "t_", 0),
        loss=getattr(estimator, "loss_", None),
        loss_curve=list(getattr(estimator, "loss_curve_", None) or []),
        best_loss=getattr(estimator, "best_loss_", float("inf")),
        validation_scores=_copy(scores),
        validation_loss_curve=_copy(getattr(estimator, "validation_loss_curve_", None)),
        best_validation_score=getattr(estimator, "best_validation_score_", None),
        no_improvement_count=getattr(estimator, "_no_improvement_count", 0),
        best_params=best_params,
        trained=True,
    )


def network_attributes(estimator, layout, params, coding):
    """The attributes that make ``estimator`` predict with ``params``."""
    coefs, intercepts = layout.unpack(params.xp, params.flat)
    return {
        **coding,
        "coefs_": coefs,
        "intercepts_": intercepts,
        "n_layers_": len(layout.layer_units),
        "n_outputs_": layout.layer_units[-1],
        "out_activation_": estimator._output_activation(coding),
        # the activation predict uses, whatever set_params does later
        "_fitted_activation": copy.copy(estimator.activation),
    }


def attach_network(estimator, layout, params, coding):
    """Set the attributes that make ``estimator`` predict with ``params``."""
    estimator.__dict__.update(network_attributes(estimator, layout, params, coding))


def commit_state(estimator, layout, params, state, optimizer, coding):
    """Write a finished fit into the estimator's fitted attributes, in one
    ``dict.update``: a Ctrl-C (a Python signal handler runs between
    bytecodes) cannot leave the estimator half-updated."""
    estimator.__dict__.update(
        network_attributes(estimator, layout, params, coding),
        n_iter_=state.n_iter,
        t_=state.t,
        loss_=state.loss,
        loss_curve_=state.loss_curve,
        best_loss_=state.best_loss,
        validation_scores_=state.validation_scores,
        validation_loss_curve_=state.validation_loss_curve,
        best_validation_score_=state.best_validation_score,
        _no_improvement_count=state.no_improvement_count,
        _best_params=state.best_params,
        _optimizer=optimizer,
        _training_device=device_name(params.flat),
    )


def _copy(curve):
    return None if curve is None else list(curve)
