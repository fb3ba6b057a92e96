"""scikit-learn code on sknn without a changed line: ``sknn.accel``.

While installed, ``sklearn.neural_network.MLPClassifier`` and ``MLPRegressor``
(and the same names in ``sklearn.neural_network._multilayer_perceptron``) are
sknn's estimators, so a script and every library it imports train sknn's
networks::

    python -m sknn.accel script.py [args ...]      # or: -m module [args ...]
    python -m sknn.accel --device cuda --report script.py

    import sknn.accel; sknn.accel.install()         # in a program
    %load_ext sknn.accel                            # in IPython or Jupyter

What sknn cannot do falls back to scikit-learn's own class with a one-line
``FallbackWarning``. See docs/accel.md.
"""

from contextlib import contextmanager

from sknn.accel import _install
from sknn.accel._estimators import ESTIMATORS as ESTIMATORS  # sknn.onnx reads it here
from sknn.accel._estimators import FallbackWarning, MLPClassifier, MLPRegressor

_OPTIONS = """\
    device : {'cpu', 'cuda', 'cuda:N'} or None, default=None
        The default of the estimators' ``device`` parameter; None reads
        ``SKNN_ACCEL_DEVICE``, and where that is unset too, the estimators
        follow the data. A GPU on a machine without one runs on the CPU, with
        a ``FallbackWarning``.
    dtype : {'float32', 'float64'} or None, default=None
        The default of the estimators' ``dtype`` parameter; None reads
        ``SKNN_ACCEL_DTYPE``, and where that is unset too, the computation
        follows the data, as scikit-learn's does.
    report : bool or None, default=None
        Print the report (see ``report``) to stderr when the program exits;
        None reads ``SKNN_ACCEL_REPORT`` (``1``, ``true``, ``yes``, ``on``).

"""

__all__ = [
    "FallbackWarning",
    "MLPClassifier",
    "MLPRegressor",
    "disabled",
    "enabled",
    "install",
    "is_installed",
    "load_ipython_extension",
    "report",
    "uninstall",
    "unload_ipython_extension",
]


def install(device=None, dtype=None, report=None):
    return _install.install(device, dtype, report)


install.__doc__ = f"""Make scikit-learn's MLP names resolve to sknn's estimators.

    Install before the code that imports scikit-learn's MLPs: a name bound
    earlier (``from sklearn.neural_network import MLPClassifier``) keeps
    scikit-learn's class. Installing again changes the options.

    Parameters
    ----------
{_OPTIONS}
    Returns
    -------
    settings : Settings
        The device, dtype and report in force.
    """


def uninstall():
    """Put scikit-learn's own classes back into its modules.

    Estimators made while installed stay sknn's (they still pickle, clone
    and predict).
    """
    _install.uninstall()


def is_installed():
    """Whether scikit-learn's MLP names resolve to sknn's estimators.

    Returns
    -------
    installed : bool
        True between ``install()`` and ``uninstall()``.
    """
    return _install.installed() is not None


@contextmanager
def enabled(device=None, dtype=None, report=None):
    with _install.restored(_install.installed()):
        yield _install.install(device, dtype, report)


enabled.__doc__ = f"""A block of code with sknn.accel installed; what was in force before after it.

    Parameters
    ----------
{_OPTIONS}
    Yields
    ------
    settings : Settings
        The device, dtype and report in force in the block.
    """


@contextmanager
def disabled():
    """A block of code with scikit-learn's own classes; sknn.accel again after it.

    Yields
    ------
    None
        Names looked up in scikit-learn's modules inside the block are its own.
    """
    with _install.restored(_install.installed()):
        _install.uninstall()
        yield


def report():
    """What ran where: the fits and predictions sknn served, and the fallbacks.

    Returns
    -------
    text : str
        A table with one line per estimator, method and place (sknn, the
        device and the dtype): calls, rows and seconds; then the number of
        fallbacks to scikit-learn, with their reasons.
    """
    return _install.report_text()


def load_ipython_extension(ipython):
    """``%load_ext sknn.accel``: install, with the options of the environment.

    Parameters
    ----------
    ipython : IPython.core.interactiveshell.InteractiveShell
        The shell loading the extension.
    """
    install()


def unload_ipython_extension(ipython):
    """``%unload_ext sknn.accel``: uninstall.

    Parameters
    ----------
    ipython : IPython.core.interactiveshell.InteractiveShell
        The shell unloading the extension.
    """
    uninstall()
