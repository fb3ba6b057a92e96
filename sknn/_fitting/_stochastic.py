"""The stochastic training loop: epochs of mini-batches, monitoring, stopping.

Cut into small steps (``run_epoch`` → ``end_epoch`` → ``plateau_reached``);
stopping is a return value, never an exception. Everything the loop changes
lives in a ``TrainingState``, copied in before and out after the fit, so a
failed fit leaves the estimator as it was.
"""

import math
import time
import warnings
from dataclasses import dataclass, field

from sklearn.exceptions import ConvergenceWarning

from sknn._arrays._backend import to_float
from sknn._fitting._interrupt import FOLLOW_SECONDS, CtrlC
from sknn._fitting._log import TrainingLog


@dataclass
class TrainingState:
    """What the loop reads and writes; named after the fitted attributes."""

    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = float("inf")
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_validation_score: float | None = None
    no_improvement_count: int = 0
    best_params: object = None  # flat copy of the best weights, early stopping
    trained: bool = False  # whether any epoch (this fit or an earlier one) has finished
    loss_type: type = float  # what the losses are stored as (NumPy's, as scikit-learn's)

    def watch_validation(self, params):
        """Start tracking a validation score (also after a fit without one)."""
        if self.validation_scores is None:
            self.validation_scores = []
        if self.validation_loss_curve is None:
            self.validation_loss_curve = []
        if self.best_validation_score is None:
            self.best_validation_score = -float("inf")
        if self.best_params is None:
            self.best_params = params.copy_flat()


@dataclass
class StoppingRule:
    """When a plateau is declared, and what is monitored."""

    tol: float
    n_iter_no_change: float
    validation: object = None  # callable(params) -> (score, loss), or None
    log: TrainingLog = field(default_factory=lambda: TrainingLog(0, 0, None))

    @property
    def watches_validation(self):
        return self.validation is not None


def run_epoch(network, params, grads, optimizer, batches, alpha, log, ctrl_c=None):
    """One pass over the training rows: ``(mean penalised training loss, finished,
    last X batch)``.

    The loss stays on the device until the epoch ends (one host sync). A
    Ctrl-C (``ctrl_c.pressed``) ends the epoch after the current batch, with
    ``finished`` False. A batch whose sample weights are all 0 (None from
    ``batches``) contributes nothing: no step, and no share of the epoch's loss.
    """
    accumulated, seen = 0.0, 0
    for index, batch in enumerate(batches.epoch()):
        if batch is None:
            log.batch_done(index)
            continue
        X_batch, Y_batch, weight_batch = batch
        total, weight_sum = network.gradient(params, grads, X_batch, Y_batch, weight_batch)
        # The step forms the penalised mean gradient; it returns ||W||^2
        # before the step, which the batch's loss adds as scikit-learn does.
        norm = optimizer.step(params.flat, grads.flat, alpha, weight_sum)
        batch_loss = total / weight_sum
        if alpha:
            batch_loss = batch_loss + (0.5 * alpha) * norm / weight_sum
        accumulated = accumulated + batch_loss * X_batch.shape[0]
        seen += X_batch.shape[0]
        log.batch_done(index)
        if ctrl_c is not None and ctrl_c.pressed:
            return to_float(accumulated) / seen, False, X_batch
    return to_float(accumulated) / seen, True, X_batch


def record_validation(state, rule, params):
    """Score the epoch on the validation set; keep the best weights.

    A score that is not a number (NaN) never improves: it counts as an epoch
    without improvement (``rule.validation`` refuses one before any usable score).
    """
    score, loss = rule.validation(params)
    state.validation_scores.append(score)
    state.validation_loss_curve.append(state.loss_type(loss))
    if not score >= state.best_validation_score + rule.tol:
        state.no_improvement_count += 1
    else:
        state.no_improvement_count = 0
    if score > state.best_validation_score:
        state.best_validation_score = score
        state.best_params = params.copy_flat()


def record_training_loss(state, rule):
    """Track the best training loss and how long it has not improved."""
    if state.best_loss is None:
        state.best_loss = float("inf")
    if state.loss > state.best_loss - rule.tol:
        state.no_improvement_count += 1
    else:
        state.no_improvement_count = 0
    state.best_loss = min(state.best_loss, state.loss)


def plateau_message(rule):
    what = "Validation score" if rule.watches_validation else "Training loss"
    return (
        f"{what} did not improve more than tol={rule.tol:f} for "
        f"{rule.n_iter_no_change:d} consecutive epochs."
    )


def end_epoch(state, rule, optimizer, params, epoch_loss, n_samples, seconds):
    """Bookkeeping after an epoch; True when training should stop."""
    state.n_iter += 1
    state.t += n_samples
    state.loss = state.loss_type(epoch_loss)
    state.loss_curve.append(state.loss)
    if rule.watches_validation:
        record_validation(state, rule, params)
    else:
        record_training_loss(state, rule)
    log_epoch(state, rule, optimizer, seconds)
    optimizer.iteration_ends(state.t)
    if state.no_improvement_count <= rule.n_iter_no_change:
        return False
    if optimizer.on_plateau(plateau_message(rule), rule.log.verbose):
        return True
    state.no_improvement_count = 0
    return False


def log_epoch(state, rule, optimizer, seconds):
    validation = rule.watches_validation
    rule.log.epoch_done(
        state.n_iter,
        state.loss,
        seconds=seconds,
        validation_loss=state.validation_loss_curve[-1] if validation else None,
        validation_score=state.validation_scores[-1] if validation else None,
        learning_rate=optimizer.schedule_rate(),
    )


def fit_epochs(
    network, params, grads, optimizer, batches, state, rule, alpha, max_iter, incremental
):
    """Train for up to ``max_iter`` epochs (one when ``incremental``).

    Stops early on a plateau, on Ctrl-C (after the current batch) and when
    training diverges (the loss or the weights stop being finite); the last
    two keep the latest finite weights (the best ones under early stopping)
    and warn.
    """
    state.n_iter = 0
    last_finite = params.copy_flat()
    with CtrlC() as ctrl_c:
        for _ in range(max_iter):
            last_finite[...] = params.flat
            start = time.perf_counter()
            epoch_loss, finished, last_batch = run_epoch(
                network, params, grads, optimizer, batches, alpha, rule.log, ctrl_c
            )
            seconds = time.perf_counter() - start
            if not _finite(network, params, epoch_loss, last_batch):
                _diverged(state, params, last_finite, epoch_loss)
                break
            if not finished:
                _interrupted(state)
                break
            stop = end_epoch(state, rule, optimizer, params, epoch_loss, batches.n_samples, seconds)
            state.trained = True
            if stop or incremental:
                break
            if state.n_iter == max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({max_iter:d}) reached and "
                    "the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=1,  # scikit-learn's: the line that warns
                )
    if rule.watches_validation:
        params.flat[...] = state.best_params


def _finite(network, params, epoch_loss, last_batch):
    """Whether the epoch's loss, the weights after it and their outputs for the
    last batch are finite (a last step can leave finite weights so large that
    outputs overflow)."""
    xp = params.xp
    if not (math.isfinite(epoch_loss) and bool(xp.all(xp.isfinite(params.flat)))):
        return False
    outputs = network.forward(params.coefs, params.intercepts, last_batch)
    return bool(xp.all(xp.isfinite(outputs)))


def _diverged(state, params, last_finite, epoch_loss):
    """Keep the weights from before the diverging epoch, or raise when none were trained."""
    epoch = state.n_iter + 1
    advice = (
        "Try a smaller learning_rate_init, scale the inputs (e.g. StandardScaler "
        "in a Pipeline) or a larger alpha."
    )
    if not state.trained:
        raise ValueError(
            f"Training diverged in its first epoch (the loss became {epoch_loss}, or "
            "the weights non-finite), so there are no finite trained weights to "
            f"keep. {advice}"
        )
    params.flat[...] = last_finite
    kept = "the weights from before that epoch are kept"
    if state.best_params is not None:
        kept = "the best weights on the validation set are restored"
    warnings.warn(
        f"Training diverged in epoch {epoch}: the loss became {epoch_loss} or the "
        f"weights non-finite. Stopped; {kept}. {advice}",
        ConvergenceWarning,
        stacklevel=1,
    )


def _interrupted(state):
    warnings.warn(
        f"Training interrupted by Ctrl-C after {state.n_iter} complete epoch(s); the "
        "estimator keeps the latest weights (the best ones under early stopping) "
        "and its curves so far, and can predict. A second press aborts a fit, and a "
        f"fit started within {FOLLOW_SECONDS:g}s of this one raises KeyboardInterrupt "
        "(this stops a surrounding search, cross-validation or loop).",
        UserWarning,
        stacklevel=1,
    )
