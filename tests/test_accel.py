"""sknn.accel: scikit-learn code and the libraries it imports run sknn's MLPs unchanged.

Unmodified scripts run as subprocesses with plain ``python`` and under
``python -m sknn.accel`` print the same; the API (install, uninstall, the
context managers, options, the report) is checked in this process, always
restoring scikit-learn's classes.
"""

import os
import pickle
import subprocess
import sys
import warnings
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
import sklearn.neural_network
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import _multilayer_perceptron
from sklearn.utils.estimator_checks import parametrize_with_checks

import sknn
import sknn.accel
from sknn.accel import FallbackWarning, _report
from sknn.accel._install import ORIGINALS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent / "accel_scripts"
SKLEARN_CLASSIFIER = ORIGINALS["MLPClassifier"]
SKLEARN_REGRESSOR = ORIGINALS["MLPRegressor"]


def run_python(*args, cwd=None, env=None):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=environment,
        timeout=600,
    )


@pytest.fixture
def accel():
    """sknn.accel installed for the test, scikit-learn's classes restored after it."""
    _report.clear()
    with sknn.accel.enabled() as settings:
        yield settings
    assert sklearn.neural_network.MLPClassifier is SKLEARN_CLASSIFIER


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


# ------------------------------------------------------- unmodified scripts
def test_gallery_script_prints_the_same_under_sknn_accel():
    script = str(SCRIPTS / "gallery_mlp.py")
    plain = run_python(script, "--flag", "value")
    accelerated = run_python("-m", "sknn.accel", "--report", script, "--flag", "value")
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert accelerated.returncode == 0, accelerated.stderr[-2000:]
    assert "arguments: ['--flag', 'value']" in plain.stdout
    assert "mean R^2:" in plain.stdout and "classifier test accuracy" in plain.stdout
    assert accelerated.stdout == plain.stdout
    report = accelerated.stderr[accelerated.stderr.index("sknn.accel report") :]
    lines = report.splitlines()
    assert any(
        line.split()[:3] == ["MLPRegressor", "fit", "5"] and "sknn, cpu, float64" in line
        for line in lines
    ), report
    assert any(line.split()[:3] == ["MLPClassifier", "fit", "1"] for line in lines), report
    assert "fell back to scikit-learn: never" in report


def test_a_module_runs_with_dash_m(tmp_path):
    (tmp_path / "which_mlp.py").write_text(
        "import sys\n"
        "from sklearn.neural_network import MLPClassifier\n"
        "print(__name__, MLPClassifier.__module__, sys.argv[1:])\n"
        "sys.exit(3)\n"
    )
    result = run_python("-m", "sknn.accel", "-m", "which_mlp", "x", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout.split() == ["__main__", "sknn.accel", "['x']"]
    plain = run_python("-m", "which_mlp", "x", cwd=tmp_path)
    assert plain.stdout.split()[1] == "sklearn.neural_network._multilayer_perceptron"


def test_command_line_options_and_environment(tmp_path):
    script = tmp_path / "defaults.py"
    script.write_text(
        "from sklearn.neural_network import MLPRegressor\n"
        "model = MLPRegressor()\n"
        "print(model.dtype, model.device)\n"
    )
    result = run_python("-m", "sknn.accel", "--dtype", "float32", "--device", "cpu", str(script))
    assert result.stdout.split() == ["float32", "cpu"]
    result = run_python("-m", "sknn.accel", str(script), env={"SKNN_ACCEL_DTYPE": "float64"})
    assert result.stdout.split() == ["float64", "None"]
    result = run_python("-m", "sknn.accel", "--device", "tpu", str(script))
    assert result.returncode == 2 and "device='tpu'" in result.stderr
    assert run_python("-m", "sknn.accel").returncode == 2  # nothing to run


def test_report_at_exit_from_the_environment(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(
        "from sklearn.datasets import load_iris\n"
        "from sklearn.neural_network import MLPClassifier\n"
        "MLPClassifier(max_iter=5).fit(*load_iris(return_X_y=True))\n"
    )
    result = run_python("-m", "sknn.accel", str(script), env={"SKNN_ACCEL_REPORT": "1"})
    assert "sknn.accel report" in result.stderr
    quiet = run_python("-m", "sknn.accel", str(script), env={"SKNN_ACCEL_REPORT": "0"})
    assert "sknn.accel report" not in quiet.stderr


def test_third_party_library_that_imports_scikit_learns_mlp_itself():
    # lazypredict lists scikit-learn's estimators (sklearn.utils.all_estimators)
    # when it is imported, and builds its MLPRegressor from that list.
    pytest.importorskip("lazypredict")
    script = str(SCRIPTS / "lazypredict_mlp.py")
    plain = run_python(script)
    accelerated = run_python("-m", "sknn.accel", "--report", script)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "MLPRegressor" in plain.stdout
    assert accelerated.stdout == plain.stdout
    report = accelerated.stderr[accelerated.stderr.index("sknn.accel report") :]
    assert any(line.split()[:3] == ["MLPRegressor", "fit", "1"] for line in report.splitlines())


def test_skl2onnx_imported_under_accel_converts_both_kinds_of_model(tmp_path):
    pytest.importorskip("onnxruntime")
    script = tmp_path / "export.py"
    script.write_text(
        "import numpy as np, onnxruntime as ort\n"
        "from sklearn.datasets import load_iris\n"
        "from sklearn.neural_network import MLPClassifier\n"
        "from skl2onnx import to_onnx\n"
        "from skl2onnx._supported_operators import sklearn_operator_name_map\n"
        "X, y = load_iris(return_X_y=True)\n"
        "model = MLPClassifier(max_iter=50, random_state=0).fit(X, y)\n"
        "for m in (model, model.to_sklearn()):\n"
        "    onx = to_onnx(m, X[:1].astype(np.float32), options={'zipmap': False})\n"
        "    s = ort.InferenceSession(\n"
        "        onx.SerializeToString(), providers=['CPUExecutionProvider'])\n"
        "    labels, probabilities = s.run(None, {s.get_inputs()[0].name: X.astype(np.float32)})\n"
        "    print(type(m).__module__, np.array_equal(labels, m.predict(X)),\n"
        "          np.allclose(probabilities, m.predict_proba(X), atol=1e-5))\n"
        "print(sorted(k.__module__ for k in sklearn_operator_name_map\n"
        "             if k.__name__ == 'MLPClassifier'))\n"
    )
    result = run_python("-m", "sknn.accel", str(script))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "sknn.accel True True"
    assert lines[1] == "sklearn.neural_network._multilayer_perceptron True True"
    # skl2onnx keyed its own converter on scikit-learn's class, sknn's on the others
    assert lines[2] == str(
        sorted(["sklearn.neural_network._multilayer_perceptron", "sknn", "sknn.accel"])
    )


def test_load_ext_in_ipython():
    pytest.importorskip("IPython")
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'sknn.accel')\n"
        "shell.run_cell('from sklearn.neural_network import MLPClassifier', store_history=False)\n"
        "print(shell.user_ns['MLPClassifier'].__module__)\n"
        "shell.run_line_magic('unload_ext', 'sknn.accel')\n"
        "shell.run_cell('from sklearn.neural_network import MLPClassifier', store_history=False)\n"
        "print(shell.user_ns['MLPClassifier'].__module__)\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["sknn.accel", "sklearn.neural_network._multilayer_perceptron"]


def test_note_when_main_imported_scikit_learns_class_first():
    code = (
        "import warnings\n"
        "from sklearn.neural_network import MLPClassifier\n"
        "import sknn.accel\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    sknn.accel.install()\n"
        "print([str(w.message) for w in caught])\n"
    )
    result = run_python("-c", code)
    assert "MLPClassifier in __main__ is scikit-learn's own class" in result.stdout


def test_importing_sknn_accel_imports_no_optional_tooling():
    code = (
        "import sys, sknn.accel; "
        "print([m for m in ('skl2onnx', 'onnx', 'IPython', 'cupy') if m in sys.modules],"
        " sknn.accel.is_installed())"
    )
    assert run_python("-c", code).stdout.strip() == "[] False"


# -------------------------------------------------------- install/uninstall
def test_install_puts_sknn_in_both_modules_and_uninstall_takes_it_back():
    assert not sknn.accel.is_installed()
    with sknn.accel.enabled():
        assert sknn.accel.is_installed()
        for module in (sklearn.neural_network, _multilayer_perceptron):
            assert module.MLPClassifier is sknn.accel.MLPClassifier
            assert module.MLPRegressor is sknn.accel.MLPRegressor
        with sknn.accel.disabled():
            assert sklearn.neural_network.MLPClassifier is SKLEARN_CLASSIFIER
            assert _multilayer_perceptron.MLPRegressor is SKLEARN_REGRESSOR
        assert sklearn.neural_network.MLPClassifier is sknn.accel.MLPClassifier
    assert not sknn.accel.is_installed()
    assert sklearn.neural_network.MLPClassifier is SKLEARN_CLASSIFIER
    sknn.accel.install()
    sknn.accel.uninstall()
    assert _multilayer_perceptron.MLPClassifier is SKLEARN_CLASSIFIER


def test_options_set_the_defaults_of_new_estimators(iris):
    X, y = iris
    with sknn.accel.enabled(dtype="float32", device="cpu"):
        model = sklearn.neural_network.MLPClassifier(max_iter=5)
        assert (model.dtype, model.device) == ("float32", "cpu")
        assert repr(model) == "MLPClassifier(max_iter=5)"
        assert clone(model).get_params() == model.get_params()
        assert model.fit(X, y).coefs_[0].dtype == np.float32
    assert sknn.accel.MLPClassifier().dtype is None
    assert model.dtype == "float32"  # made while installed: keeps its parameters
    with pytest.raises(ValueError, match="dtype"):
        sknn.accel.install(dtype="float16")
    assert not sknn.accel.is_installed()


def test_options_from_the_environment(monkeypatch):
    monkeypatch.setenv("SKNN_ACCEL_DTYPE", "float32")
    with sknn.accel.enabled() as settings:
        assert settings.dtype == "float32"
        assert sklearn.neural_network.MLPRegressor().dtype == "float32"
    with sknn.accel.enabled(dtype="float64") as settings:  # the argument wins
        assert settings.dtype == "float64"


@pytest.mark.skipif(sknn._arrays._device.gpu_available(), reason="this machine has a GPU")
def test_gpu_asked_for_without_one_runs_on_the_cpu(iris):
    with ExitStack() as stack:
        with pytest.warns(FallbackWarning, match="runs? on the CPU"):  # on entering
            settings = stack.enter_context(sknn.accel.enabled(device="cuda"))
        assert settings.device is None
        model = sklearn.neural_network.MLPClassifier(max_iter=5).fit(*iris)
        assert model.device is None


# ----------------------------------------------------- scikit-learn's tools
def test_clone_get_params_and_grid_search(accel, iris):
    X, y = iris
    model = sklearn.neural_network.MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=30, random_state=0
    )
    assert type(clone(model)) is sknn.accel.MLPClassifier
    assert set(SKLEARN_CLASSIFIER().get_params()) <= set(model.get_params())
    search = GridSearchCV(model, {"alpha": [1e-4, 1e-1]}, cv=3).fit(X, y)
    assert type(search.best_estimator_) is sknn.accel.MLPClassifier
    reference = GridSearchCV(
        SKLEARN_CLASSIFIER(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
        {"alpha": [1e-4, 1e-1]},
        cv=3,
    ).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )
    assert "MLPClassifier  fit                     7" in sknn.accel.report()


def test_grid_search_in_worker_processes(accel, iris):
    X, y = iris
    model = sklearn.neural_network.MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    search = GridSearchCV(model, {"alpha": [1e-4, 1e-1]}, cv=2, n_jobs=2).fit(X, y)
    assert type(search.best_estimator_) is sknn.accel.MLPRegressor


@parametrize_with_checks([sknn.accel.MLPClassifier(), sknn.accel.MLPRegressor()])
def test_stand_ins_pass_scikit_learns_estimator_checks(estimator, check):
    check(estimator)


# ------------------------------------------------------------- isinstance
def test_isinstance_holds_both_ways(accel):
    stand_in = sklearn.neural_network.MLPClassifier()
    assert isinstance(stand_in, SKLEARN_CLASSIFIER)  # a name bound before install()
    assert isinstance(stand_in, sknn.MLPClassifier)
    assert isinstance(SKLEARN_CLASSIFIER(), sklearn.neural_network.MLPClassifier)
    assert issubclass(SKLEARN_REGRESSOR, sklearn.neural_network.MLPRegressor)
    assert not isinstance(SKLEARN_REGRESSOR(), sklearn.neural_network.MLPClassifier)
    assert not isinstance(sknn.MLPClassifier(), SKLEARN_CLASSIFIER)  # sknn itself: no


# --------------------------------------------- scikit-learn's private API
def test_label_binarizer_is_read_without_falling_back(accel, iris):
    X, y = iris
    model = sklearn.neural_network.MLPClassifier(max_iter=5).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        binarizer = model._label_binarizer
    np.testing.assert_array_equal(binarizer.classes_, model.classes_)
    assert binarizer.y_type_ == "multiclass"
    assert type(model) is sknn.accel.MLPClassifier
    assert not hasattr(sklearn.neural_network.MLPClassifier(), "_label_binarizer")


def test_private_method_falls_back_to_scikit_learn_in_place(accel, iris):
    X, y = iris
    model = sklearn.neural_network.MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    before = model.predict_proba(X)
    with pytest.warns(FallbackWarning, match="_forward_pass_fast is scikit-learn's private API"):
        outputs = model._forward_pass_fast(X)
    assert type(model) is SKLEARN_CLASSIFIER
    np.testing.assert_allclose(outputs, before, rtol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X), before, rtol=1e-12)
    model.partial_fit(X, y)  # goes on training, on scikit-learn
    assert "1 x MLPClassifier._forward_pass_fast" in sknn.accel.report()


def test_private_method_of_an_unfitted_model(accel):
    model = sklearn.neural_network.MLPRegressor(hidden_layer_sizes=(3,), random_state=0)
    with pytest.warns(FallbackWarning):
        model._random_state = np.random.RandomState(0)  # scikit-learn's _fit sets it
    coef, _intercept = model._init_coef(4, 3, np.float64)
    assert type(model) is SKLEARN_REGRESSOR and coef.shape == (4, 3)
    assert model.get_params()["hidden_layer_sizes"] == (3,)


def test_sklearn_style_private_fit_call(accel, iris):
    X, y = iris
    model = sklearn.neural_network.MLPClassifier(max_iter=5, random_state=0)
    model._fit(X, y, incremental=False)
    assert model.n_iter_ == 5 and type(model) is sknn.accel.MLPClassifier


def test_model_assembled_attribute_by_attribute(accel, iris):
    # How model serialisers (sklearn-json and the like) load an MLP.
    X, y = iris
    reference = SKLEARN_CLASSIFIER(max_iter=20, random_state=0).fit(X, y)
    model = sklearn.neural_network.MLPClassifier(**reference.get_params())
    for name in (
        "coefs_",
        "intercepts_",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "n_features_in_",
    ):
        setattr(model, name, getattr(reference, name))
    with pytest.warns(FallbackWarning, match="_label_binarizer is set"):
        model._label_binarizer = reference._label_binarizer
    model.classes_ = reference.classes_
    np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


def test_subclass_overriding_private_methods_is_built_on_scikit_learn(accel, iris):
    X, y = iris
    calls = []
    with pytest.warns(FallbackWarning, match="overrides scikit-learn's _init_coef"):

        class ZeroBiasMLP(sklearn.neural_network.MLPClassifier):
            def _init_coef(self, fan_in, fan_out, dtype):
                calls.append((fan_in, fan_out))
                coef, intercept = super()._init_coef(fan_in, fan_out, dtype)
                return coef, intercept * 0

    assert SKLEARN_CLASSIFIER in ZeroBiasMLP.__mro__
    assert isinstance(ZeroBiasMLP(), sklearn.neural_network.MLPClassifier)
    ZeroBiasMLP(hidden_layer_sizes=(5,), max_iter=1).fit(X, y)
    assert calls == [(4, 5), (5, 3)]


def test_subclass_with_public_methods_only_stays_on_sknn(accel, iris):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)

        class Named(sklearn.neural_network.MLPRegressor):
            def describe(self):
                return f"{self.hidden_layer_sizes}"

    assert sknn.accel.MLPRegressor in Named.__mro__
    assert Named(hidden_layer_sizes=(3,)).describe() == "(3,)"
    with pytest.raises(AttributeError, match="cannot turn into scikit-learn"):
        Named()._forward_pass_fast(iris[0])


# ---------------------------------------------------------------- pickles
def test_pickle_made_under_accel_loads_without_it(accel, iris, tmp_path):
    X, y = iris
    model = sklearn.neural_network.MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    np.save(tmp_path / "expected.npy", model.predict_proba(X))
    code = (
        "import pickle, sys, numpy as np\n"
        "from sklearn.datasets import load_iris\n"
        "import sklearn.neural_network\n"
        f"model = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "import sknn.accel\n"
        f"expected = np.load({str(tmp_path / 'expected.npy')!r})\n"
        "print(type(model).__module__, type(model).__name__, sknn.accel.is_installed(),\n"
        "      isinstance(model, sklearn.neural_network.MLPClassifier),\n"
        "      np.array_equal(model.predict_proba(load_iris(return_X_y=True)[0]), expected))\n"
    )
    result = run_python("-c", code)
    assert result.stdout.split() == ["sknn.accel", "MLPClassifier", "False", "True", "True"], (
        result.stderr[-2000:]
    )
