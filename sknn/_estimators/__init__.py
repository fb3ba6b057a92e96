"""The estimators: MLPClassifier, MLPRegressor and what only they know.

Their shared base and parameters (with their checks), the target coding
(labels, class weights), the shared docstrings, the conversion to and from
scikit-learn's estimators, and ``summary()``'s table. They call the fitting
layer (``sknn._fitting``) and the engine below it; nothing below imports them.
"""
