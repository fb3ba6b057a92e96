"""The classes scikit-learn's MLP names resolve to under sknn.accel.

``sknn.accel.MLPClassifier`` and ``MLPRegressor`` are sknn's estimators,
standing in for scikit-learn's:

- ``isinstance`` holds both ways: they are registered as virtual subclasses
  of scikit-learn's classes (``isinstance(m, <scikit-learn's class>)`` in code
  that imported it before ``install()``), and an instance of scikit-learn's
  class is an instance of them (code that checks against the name after
  ``install()``);
- scikit-learn's private API (``_forward_pass_fast``, ``_init_coef``,
  ``_best_coefs``, ...), which sknn does not have, makes the estimator fall
  back: it turns, in place, into scikit-learn's estimator (fitted ones
  through ``to_sklearn()``) with a one-line ``FallbackWarning``, and the call
  goes on there. ``_label_binarizer`` is read without falling back;
- a subclass that overrides scikit-learn's private methods (which sknn never
  calls) is built on scikit-learn's class, with a one-line note;
- the defaults of ``device`` and ``dtype`` are those given to ``install()``;
- every fit and prediction is counted for the report.
"""

import types
import warnings
from abc import ABCMeta

from sklearn.neural_network import _multilayer_perceptron as _sklearn_mlp

import sknn
from sknn._estimators import _convert
from sknn.accel import _report


class FallbackWarning(UserWarning):
    """scikit-learn's own MLP runs where sknn cannot: a one-line note."""


def _original(name):
    """scikit-learn's class, even while the module holds the stand-in."""
    found = getattr(_sklearn_mlp, name)
    return found.__dict__.get("_sklearn_class", found)


def _private_api(sklearn_class):
    """Private names scikit-learn's MLP classes define (methods and constraints)."""
    names = set()
    for klass in sklearn_class.__mro__:
        if klass.__module__.startswith("sklearn.neural_network"):
            names.update(n for n in vars(klass) if n.startswith("_") and not n.startswith("__"))
    return frozenset(names - {"_abc_impl"})


def note(message, stacklevel=3):
    """Record a fallback and say so in one line (attributed to the caller's caller)."""
    _report.fell_back(message)
    warnings.warn(f"sknn.accel: {message}", FallbackWarning, stacklevel=stacklevel)


class _AccelMeta(ABCMeta):
    """Metaclass of the stand-ins: ``isinstance`` for scikit-learn's instances,
    and subclasses that override scikit-learn's internals built on its class."""

    def __new__(mcls, name, bases, namespace, **kwargs):
        stand_ins = [b for b in bases if isinstance(b, _AccelMeta)]
        if "_sklearn_name" not in namespace and stand_ins:
            private = stand_ins[0]._subclass_fallback
            overridden = sorted(set(namespace) & private)
            if overridden and all("_sklearn_class" in b.__dict__ for b in stand_ins):
                note(
                    f"{name} overrides scikit-learn's {', '.join(overridden)}, which sknn "
                    f"does not call: it is built on scikit-learn's class"
                )
                bases = tuple(b.__dict__.get("_sklearn_class", b) for b in bases)
                return ABCMeta(name, bases, namespace, **kwargs)
            if overridden:
                note(
                    f"{name} overrides scikit-learn's {', '.join(overridden)}, but its "
                    f"base already runs on sknn, which never calls them; define its "
                    f"bases under sknn.accel.disabled() to run them on scikit-learn"
                )
        return super().__new__(mcls, name, bases, namespace, **kwargs)

    def __instancecheck__(cls, instance):
        return super().__instancecheck__(instance) or cls._holds_sklearn(type(instance))

    def __subclasscheck__(cls, subclass):
        return super().__subclasscheck__(subclass) or cls._holds_sklearn(subclass)

    def _holds_sklearn(cls, klass):
        # By inheritance only: asking scikit-learn's ABC here would recurse.
        original = cls.__dict__.get("_sklearn_class")
        return original is not None and original in getattr(klass, "__mro__", ())


class _StandIn:
    """What both stand-ins add to sknn's estimators."""

    _sklearn_name = None

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None, validation_data=None):
        # scikit-learn's private _fit(X, y, sample_weight=None, incremental=False)
        # is called the same way.
        with _report.timed(self, "partial_fit" if incremental else "fit", X):
            return super()._fit(X, y, sample_weight, incremental, classes, validation_data)

    def _forward(self, X, method):
        with _report.timed(self, method, X):
            return super()._forward(X, method)

    def __getattr__(self, name):
        # Only for names not found: scikit-learn's private methods, and its
        # fitted private attributes of a fitted model.
        kind = type(self)
        fitted = "coefs_" in self.__dict__
        if name in kind._method_fallback or (fitted and name in kind._fitted_fallback):
            fall_back(self, f"{kind.__name__}.{name} is scikit-learn's private API")
            return getattr(self, name)
        raise AttributeError(f"{kind.__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        kind = type(self)
        if name in kind._method_fallback or name in kind._write_fallback:
            fall_back(self, f"{kind.__name__}.{name} is set: scikit-learn's private API")
        object.__setattr__(self, name, value)


def fall_back(estimator, reason):
    """Turn ``estimator``, in place, into scikit-learn's estimator."""
    stand_in = type(estimator)
    original = stand_in.__dict__.get("_sklearn_class")
    if original is None:  # a subclass with methods of its own: they would be lost
        raise AttributeError(
            f"{reason}; {stand_in.__name__} subclasses sknn's {stand_in.__mro__[1].__name__} "
            "and cannot turn into scikit-learn's. Define it under sknn.accel.disabled()."
        )
    if "_training_device" in estimator.__dict__:  # fitted by sknn
        try:
            state = _convert.to_sklearn(estimator).__dict__
        except ValueError as error:
            raise AttributeError(f"{reason}, and {error}") from error
    else:  # unfitted, or assembled attribute by attribute
        state = _unfitted_state(estimator, original)
    estimator.__dict__.clear()
    estimator.__dict__.update(state)
    object.__setattr__(estimator, "__class__", original)
    note(f"{reason}: this {original.__name__} runs on scikit-learn from now on", stacklevel=4)


def _unfitted_state(estimator, original):
    """scikit-learn's parameters from ``estimator``, and the attributes set on it."""
    known = original().get_params(deep=False)
    sknn_only = set(type(estimator)().get_params(deep=False)) - set(known)
    state = original(
        **{k: v for k, v in estimator.get_params(deep=False).items() if k in known}
    ).__dict__
    for name, value in estimator.__dict__.items():
        if name not in sknn_only and name not in state:
            state[name] = value
    return state


def _init_with_defaults(init):
    """A copy of ``init`` whose keyword defaults ``set_defaults`` may change."""
    copy = types.FunctionType(
        init.__code__, init.__globals__, init.__name__, init.__defaults__, init.__closure__
    )
    copy.__kwdefaults__ = dict(init.__kwdefaults__)
    copy.__doc__, copy.__qualname__ = init.__doc__, init.__qualname__
    return copy


def _stand_in(sknn_class):
    original = _original(sknn_class.__name__)
    private = _private_api(original)
    sknn_names = {n for klass in sknn_class.__mro__ for n in vars(klass)}
    fitted = {"_best_coefs", "_best_intercepts"}  # what to_sklearn() sets
    scratch = {"_random_state", "_coef_indptr", "_intercept_indptr"}  # what its _fit sets
    namespace = {
        "__module__": "sknn.accel",
        "__qualname__": sknn_class.__name__,
        "__doc__": f"sknn's {sknn_class.__name__} in scikit-learn's place (sknn.accel).",
        "__init__": _init_with_defaults(sknn_class.__init__),
        "_sklearn_name": sknn_class.__name__,
        # sknn validates parameters and checks the solver as scikit-learn does
        "_subclass_fallback": private - {"_parameter_constraints", "_check_solver"},
        "_method_fallback": private - sknn_names,
        "_fitted_fallback": frozenset(fitted),
        "_write_fallback": frozenset(fitted | scratch),
    }
    if sknn_class is sknn.MLPClassifier:
        namespace["_label_binarizer"] = property(_convert._label_binarizer)
        namespace["_write_fallback"] = frozenset(fitted | scratch | {"_label_binarizer"})
    stand_in = _AccelMeta(sknn_class.__name__, (_StandIn, sknn_class), namespace)
    original.register(stand_in)  # before _sklearn_class: no inheritance cycle
    stand_in._sklearn_class = original
    return stand_in


MLPClassifier = _stand_in(sknn.MLPClassifier)
MLPRegressor = _stand_in(sknn.MLPRegressor)
ESTIMATORS = (MLPClassifier, MLPRegressor)


def set_defaults(device, dtype):
    """The defaults of ``device`` and ``dtype`` for new stand-ins."""
    for stand_in in ESTIMATORS:
        stand_in.__init__.__kwdefaults__.update(device=device, dtype=dtype)
