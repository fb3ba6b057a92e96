"""MLPClassifier: softmax for multiclass, logistic for binary and multilabel."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, unique_labels

from sknn._arrays._backend import device_of
from sknn._estimators import _convert, _labels
from sknn._estimators._base import BaseMultilayerPerceptron
from sknn._estimators._class_weight import class_sample_weights
from sknn._estimators._docstrings import ATTRIBUTES, PARAMETERS


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer perceptron classifier, a drop-in for scikit-learn's.

    Optimizes the log-loss with L-BFGS or stochastic gradient descent, on
    NumPy, or on any array-API library (CuPy, array-api-strict) under
    ``sklearn.set_config(array_api_dispatch=True)``. With the same data,
    parameters and ``random_state`` it fits the same network as
    ``sklearn.neural_network.MLPClassifier``.

    Parameters
    ----------
{PARAMETERS}
    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight`` (and into
        ``sample_weight_val``): a dict ``{{label: weight}}`` of finite,
        non-negative numbers, not all 0 (a multilabel target takes one dict
        per label), or 'balanced' for ``n_samples / (n_classes * class
        count)`` of the training data. ``partial_fit`` refuses 'balanced'.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels.

{ATTRIBUTES}
    See Also
    --------
    MLPRegressor : Multi-layer perceptron regressor.
    sklearn.neural_network.MLPClassifier : The scikit-learn estimator this replaces.

    Examples
    --------
    >>> from sknn import MLPClassifier
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_classification(n_samples=100, random_state=1)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
    ...                                                     random_state=1)
    >>> clf = MLPClassifier(random_state=1, max_iter=300).fit(X_train, y_train)
    >>> clf.predict_proba(X_test[:1]).round(3)
    array([[0.038, 0.962]])
    >>> clf.predict(X_test[:5, :])
    array([1, 0, 1, 0, 1])
    >>> clf.score(X_test, y_test)
    0.88
    """

    __module__ = "sknn"  # the public path, which pickles and skops files name

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }
    _y_numeric = False
    loss = "log_loss"  # an attribute of scikit-learn's classifier too (not a parameter)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        rho=0.9,
        init="glorot_uniform",
        scoring=None,
        dropout=0.0,
        dtype=None,
        device=None,
        class_weight=None,
    ):
        self.class_weight = class_weight
        shared = {
            k: v for k, v in locals().items() if k not in ("self", "class_weight", "__class__")
        }
        super().__init__(**shared)  # the parameters both estimators share

    def _class_weights(self, y, coding, incremental, y_train=None):
        return class_sample_weights(self, y, coding, incremental, y_train)

    # ---------------------------------------------------------------- targets
    def _encode_targets(self, y, first_pass, incremental, classes=None):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        _labels.check_label_types(y, "y")
        check_classification_targets(y)
        if classes is not None:
            coding = _coding_for(y if _is_multilabel(y) else classes)
            _labels.check_known_labels(y, coding["_label_kind"], coding["classes_"], False)
        elif not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            coding = _coding_for(y)
        else:
            coding = {"classes_": self.classes_, "_label_kind": self._label_kind}
            _labels.check_known_labels(
                y, self._label_kind, self.classes_, require_all=self.warm_start and not incremental
            )
        Y = _labels.encode(y, coding["_label_kind"], coding["classes_"])
        return Y, coding

    def _encode_validation_targets(self, y_val, coding):
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        _labels.check_label_types(y_val, "y_val")
        kind, classes = coding["_label_kind"], coding["classes_"]
        _labels.check_known_labels(y_val, kind, classes, require_all=False, name="y_val")
        return _labels.encode(y_val, kind, classes)

    def _output_activation(self, coding):
        return "softmax" if coding["_label_kind"] == _labels.MULTICLASS else "logistic"

    def _stratify_labels(self, y, coding):
        # Stratify binary and multiclass splits alike (scikit-learn: binary only).
        return None if coding["_label_kind"] == _labels.MULTILABEL else y

    def _score_outputs(self, y_true, y_out, sample_weight, coding):
        y_pred = self._decode(np, y_out, "cpu", coding)
        return float(accuracy_score(y_true, y_pred, sample_weight=sample_weight))

    def _decode(self, xp, y_out, device, coding=None):
        kind = self._label_kind if coding is None else coding["_label_kind"]
        classes = self.classes_ if coding is None else coding["classes_"]
        if type(y_out) is np.ndarray:
            return _labels.numpy_labels(y_out, kind, classes)
        indices = _labels.decode_indices(xp, y_out, kind)
        return _labels.indices_to_labels(xp, indices, kind, classes, device)

    # ------------------------------------------------------------ public API
    def predict(self, X):
        """Predict using the multi-layer perceptron classifier.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray, shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        xp, y_out = self._forward(X, "predict")
        return self._decode(xp, y_out, device_of(y_out))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The predicted probability of the sample for each class in the
            model, where classes are ordered as they are in ``self.classes_``.
        """
        return self._probabilities(X, "predict_proba")[1]

    def predict_log_proba(self, X):
        """Return the log of probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            The predicted log-probability of the sample for each class in the
            model, where classes are ordered as they are in ``self.classes_``.
            Equivalent to ``log(predict_proba(X))``.
        """
        xp, y_prob = self._probabilities(X, "predict_log_proba")
        return xp.log(y_prob)

    def _probabilities(self, X, method):
        xp, y_out = self._forward(X, method)
        if self._label_kind == _labels.BINARY:
            return xp, xp.concat([1.0 - y_out, y_out], axis=1)
        return xp, y_out

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy on the given test data and labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels for ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``self.predict(X)`` with respect to ``y``.
        """
        _labels.check_label_types(np.asarray(y) if isinstance(y, (list, tuple)) else y, "y")
        return super().score(X, y, sample_weight=sample_weight)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with a single iteration over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            Classes across all calls to partial_fit. Required on the first
            call, optional afterwards (it must then equal the first one).
            ``y`` need not contain all labels in ``classes``.

        Returns
        -------
        self : object
            Trained MLP model.
        """
        first_call = _check_partial_fit_classes(self, classes)
        return self._fit(
            X, y, sample_weight, incremental=True, classes=classes if first_call else None
        )

    def to_sklearn(self):
        """The fitted network as a fitted ``sklearn.neural_network.MLPClassifier``.

        Same weights (NumPy copies, also of a GPU model), classes and fitted
        attributes, so it predicts the same within floating-point rounding
        (for ONNX, ``import sknn.onnx`` converts the sknn model itself).
        sknn-only parameters (``dropout``, ``class_weight``, ``init``,
        ``scoring``, ``rho``, ``dtype``, ``device``) are dropped: they only
        shape training. ``solver='rmsprop'`` and ``'adamw'`` become ``'adam'``
        (what further training would use). See docs/interoperability.md.

        Returns
        -------
        estimator : sklearn.neural_network.MLPClassifier
            A new, fitted scikit-learn estimator; this one is unchanged.

        Raises
        ------
        ValueError
            When scikit-learn cannot compute the network: a hidden activation
            other than 'identity', 'logistic', 'tanh' or 'relu', or different
            activations per hidden layer.

        Examples
        --------
        >>> import numpy as np
        >>> from sknn import MLPClassifier
        >>> X, y = [[0.0, 0.0], [1.0, 1.0]], [0, 1]
        >>> clf = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", random_state=0)
        >>> skl = clf.fit(X, y).to_sklearn()
        >>> type(skl).__module__, type(skl).__name__
        ('sklearn.neural_network._multilayer_perceptron', 'MLPClassifier')
        >>> bool(np.allclose(skl.predict_proba(X), clf.predict_proba(X), rtol=1e-12))
        True
        >>> MLPClassifier.from_sklearn(skl).predict(X)
        array([0, 1])
        """
        return _convert.to_sklearn(self)

    @classmethod
    def from_sklearn(cls, estimator):
        """An sknn MLPClassifier equal to a fitted scikit-learn one.

        Parameters
        ----------
        estimator : sklearn.neural_network.MLPClassifier
            A fitted estimator; its parameters, weights, classes and training
            state (optimizer included) are copied, so the result predicts the
            same and can go on with ``partial_fit`` or ``warm_start``.

        Returns
        -------
        estimator : MLPClassifier
            A new, fitted sknn estimator; ``estimator`` is unchanged.
        """
        return _convert.from_sklearn(cls, estimator)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _is_multilabel(y):
    return y.ndim == 2 and y.shape[1] > 1


def _coding_for(y):
    y = np.asarray(y)
    kind = _labels.target_kind(y)
    return {"classes_": _labels.classes_of(y, kind), "_label_kind": kind}


def _check_partial_fit_classes(estimator, classes):
    """True on the first partial_fit call; raise when ``classes`` is missing or changed."""
    fitted = getattr(estimator, "classes_", None)
    if fitted is None and classes is None:
        raise ValueError("classes must be passed on the first call to partial_fit.")
    if classes is None:
        return False
    raw = np.asarray(classes, dtype=object) if isinstance(classes, (list, tuple)) else classes
    _labels.check_label_types(raw, "classes")  # [0, 'a'] mixes (NumPy would make '0')
    if fitted is not None and not np.array_equal(fitted, unique_labels(classes)):
        raise ValueError(
            f"`classes={classes!r}` is not the same as on last call to partial_fit, was: {fitted!r}"
        )
    return fitted is None
