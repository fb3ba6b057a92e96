"""Validation sets inside a Pipeline: the routed way trains on transformed X_val,
and ``step__X_val``, which skips the earlier steps, is told about."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sknn import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

UNTRANSFORMED = "X_val reached MLPClassifier, the last step of a Pipeline, untransformed"


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X[:900], y[:900], stratify=y[:900], random_state=0
    )
    return X_train, y_train, X_val, y_val


def mlp(**params):
    return MLPClassifier(
        hidden_layer_sizes=(32,), early_stopping=True, max_iter=15, random_state=0, **params
    )


def test_routed_validation_set_is_transformed_like_x(digits):
    X, y, X_val, y_val = digits
    with sklearn.config_context(enable_metadata_routing=True), warnings.catch_warnings():
        warnings.filterwarnings("error", message="X_val reached")
        routed = Pipeline(
            [("scale", StandardScaler()), ("mlp", mlp().set_fit_request(X_val=True, y_val=True))],
            transform_input=["X_val"],
        ).fit(X, y, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X)
    manual = mlp().fit(scaler.transform(X), y, X_val=scaler.transform(X_val), y_val=y_val)
    for routed_coef, manual_coef in zip(routed[-1].coefs_, manual.coefs_, strict=True):
        np.testing.assert_array_equal(routed_coef, manual_coef)
    assert routed[-1].validation_scores_ == manual.validation_scores_
    assert routed[-1].best_validation_score_ == routed.score(X_val, y_val)


def test_make_pipeline_takes_transform_input_too(digits):
    X, y, X_val, y_val = digits
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(
            StandardScaler(),
            mlp().set_fit_request(X_val=True, y_val=True),
            transform_input=["X_val"],
        )
        pipeline.fit(X, y, X_val=X_val, y_val=y_val)
    assert pipeline[-1].best_validation_score_ == pipeline.score(X_val, y_val)


def test_step_x_val_skipping_the_scaler_warns(digits):
    X, y, X_val, y_val = digits
    pipeline = make_pipeline(StandardScaler(), mlp())
    with pytest.warns(UserWarning, match=UNTRANSFORMED) as record:
        pipeline.fit(X, y, mlpclassifier__X_val=X_val, mlpclassifier__y_val=y_val)
    message = str(record[0].message)
    assert "(StandardScaler)" in message and "transform_input=['X_val']" in message
    assert record[0].filename == __file__  # points at the pipeline.fit call
    # and it did score untransformed data: not what the pipeline scores
    assert pipeline[-1].best_validation_score_ != pipeline.score(X_val, y_val)


def test_routed_without_transform_input_warns(digits):
    X, y, X_val, y_val = digits
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(StandardScaler(), mlp().set_fit_request(X_val=True, y_val=True))
        with pytest.warns(UserWarning, match=UNTRANSFORMED):
            pipeline.fit(X, y, X_val=X_val, y_val=y_val)


def test_cross_validation_with_step_x_val_warns(digits):
    X, y, X_val, y_val = digits
    with pytest.warns(UserWarning, match=UNTRANSFORMED):
        cross_val_score(
            make_pipeline(StandardScaler(), mlp()),
            X,
            y,
            cv=2,
            params={"mlpclassifier__X_val": X_val, "mlpclassifier__y_val": y_val},
        )


@pytest.mark.parametrize(
    "case", ["pre-transformed", "passthrough", "no pipeline", "identity step", "sparse"]
)
def test_no_warning_where_x_val_is_right(digits, case):
    X, y, X_val, y_val = digits
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="X_val reached")
        if case == "pre-transformed":  # scaled by the user, like the pipeline scales X
            scaled = StandardScaler().fit(X).transform(X_val)
            make_pipeline(StandardScaler(), mlp()).fit(
                X, y, mlpclassifier__X_val=scaled, mlpclassifier__y_val=y_val
            )
        elif case == "passthrough":
            Pipeline([("nothing", "passthrough"), ("mlp", mlp())]).fit(
                X, y, mlp__X_val=X_val, mlp__y_val=y_val
            )
        elif case == "no pipeline":  # a validation set on another scale, outside pipelines
            mlp().fit(StandardScaler().fit_transform(X), y, X_val=X_val, y_val=y_val)
        elif case == "identity step":
            make_pipeline(FunctionTransformer(), mlp()).fit(
                X, y, mlpclassifier__X_val=X_val, mlpclassifier__y_val=y_val
            )
        else:
            make_pipeline(StandardScaler(with_mean=False), mlp()).fit(
                sp.csr_matrix(X),
                y,
                mlpclassifier__X_val=sp.csr_matrix(X_val),
                mlpclassifier__y_val=y_val,
            )


def test_step_x_val_with_other_features_says_why(digits):
    X, y, X_val, y_val = digits
    pipeline = make_pipeline(StandardScaler(), PCA(n_components=10, random_state=0), mlp())
    with pytest.raises(ValueError, match="X_val has 64 features and MLPClassifier trains on 10"):
        pipeline.fit(X, y, mlpclassifier__X_val=X_val, mlpclassifier__y_val=y_val)


def test_regressor_is_checked_too(digits):
    X, y, X_val, y_val = digits
    pipeline = make_pipeline(
        StandardScaler(), MLPRegressor(early_stopping=True, max_iter=5, random_state=0)
    )
    with pytest.warns(UserWarning, match="X_val reached MLPRegressor"):
        pipeline.fit(X, y, mlpregressor__X_val=X_val, mlpregressor__y_val=y_val)
