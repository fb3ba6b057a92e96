"""What ``python -m sknn`` trains, as objects to run and as Python code to copy.

A ``Recipe`` names the data (digits or Fashion-MNIST, at most ``max_samples``
training rows), how the pixels are scaled and the ``MLPClassifier``
parameters. ``load`` and ``build`` give what the command line fits; ``code``
gives the same run as a script, which prints the same test accuracy.
"""

import inspect
from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from sknn._estimators._classifier import MLPClassifier
from sknn.datasets import load_fashion_mnist

DIGITS_TEST_SIZE = 0.25
FASHION_MNIST_PIXEL_MAX = 255

_DIGITS_CODE = """\
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sknn import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size={test_size}, stratify=y, random_state={seed}
)
{subsample}model = make_pipeline(StandardScaler(), MLPClassifier(
{params}
))
"""

_FASHION_MNIST_CODE = """\
from sknn import MLPClassifier
from sknn.datasets import load_fashion_mnist

X_train, X_test, y_train, y_test = load_fashion_mnist({data_dir}return_X_y=True)
X_train, X_test = X_train / {pixel_max}, X_test / {pixel_max}  # pixels in [0, 1]
{subsample}model = MLPClassifier(
{params}
)
"""

_SUBSAMPLE_CODE = """\
rows = np.random.RandomState({seed}).permutation(len(X_train))[:{max_samples}]
X_train, y_train = X_train[rows], y_train[rows]
"""

_FIT_CODE = """\
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.4f}")
"""


@dataclass(frozen=True)
class Recipe:
    """A run of the command line: the data and the classifier's parameters.

    Parameters
    ----------
    dataset : {'digits', 'fashion-mnist'}
        Digits are split 75/25 (stratified) and standardised in a pipeline;
        Fashion-MNIST keeps its official split, pixels divided by 255.
    params : dict
        The ``MLPClassifier`` parameters; ``random_state`` also draws the
        digits split and the ``max_samples`` rows.
    data_dir : str or None
        Where the Fashion-MNIST files are; None: the default directory.
    max_samples : int or None
        Train on at most this many rows, drawn at random; None: all.
    """

    dataset: str
    params: dict = field(default_factory=dict)
    data_dir: str | None = None
    max_samples: int | None = None

    @property
    def seed(self):
        """The ``random_state`` parameter."""
        return self.params.get("random_state")

    def load(self):
        """``(X_train, X_test, y_train, y_test)``, as the code loads them."""
        if self.dataset == "fashion-mnist":
            X_train, X_test, y_train, y_test = load_fashion_mnist(
                data_dir=self.data_dir, return_X_y=True
            )
            # The same values as the code's X / 255 (then float32), in float32 at once.
            pixel_max = np.float32(FASHION_MNIST_PIXEL_MAX)
            X_train, X_test = X_train / pixel_max, X_test / pixel_max
        else:
            X, y = load_digits(return_X_y=True)
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=DIGITS_TEST_SIZE, stratify=y, random_state=self.seed
            )
        X_train, y_train = subsample(X_train, y_train, self.max_samples, self.seed)
        return X_train, X_test, y_train, y_test

    def build(self):
        """The unfitted model: the classifier, behind a StandardScaler for digits."""
        classifier = MLPClassifier(**self.params)
        if self.dataset == "fashion-mnist":
            return classifier
        return make_pipeline(StandardScaler(), classifier)

    def code(self):
        """The run as a Python script that prints the test accuracy."""
        template = _FASHION_MNIST_CODE if self.dataset == "fashion-mnist" else _DIGITS_CODE
        script = template.format(
            test_size=DIGITS_TEST_SIZE,
            seed=self.seed,
            pixel_max=FASHION_MNIST_PIXEL_MAX,
            data_dir="" if self.data_dir is None else f"data_dir={str(self.data_dir)!r}, ",
            subsample=self._subsample_code(),
            params=parameter_lines(self.params),
        )
        if self.max_samples is not None:
            script = "import numpy as np\n" + script
        return script + _FIT_CODE

    def _subsample_code(self):
        if self.max_samples is None:
            return ""
        return _SUBSAMPLE_CODE.format(seed=self.seed, max_samples=self.max_samples)


def subsample(X, y, max_samples, random_state):
    """At most ``max_samples`` rows of ``(X, y)``, drawn at random without replacement
    (all of them, shuffled, when there are fewer)."""
    if max_samples is None:
        return X, y
    rows = check_random_state(random_state).permutation(len(X))[:max_samples]
    return X[rows], y[rows]


def parameter_lines(params):
    """``name=value,`` lines for the parameters that differ from the defaults,
    in the order of ``MLPClassifier``'s signature; ``random_state`` always, last."""
    signature = inspect.signature(MLPClassifier).parameters
    names = [
        name
        for name, parameter in signature.items()
        if name in params and name != "random_state" and params[name] != parameter.default
    ]
    names += ["random_state"] if "random_state" in params else []
    return "\n".join(f"    {name}={params[name]!r}," for name in names)


def classifier_of(model):
    """The MLPClassifier of ``model`` (the last step of a pipeline)."""
    return model[-1] if isinstance(model, Pipeline) else model
