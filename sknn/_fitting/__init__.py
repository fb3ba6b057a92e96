"""Fitting: from a fit's data to trained weights.

The fit's data validated, moved and typed once (``_fit_data``), the stochastic
and L-BFGS loops, batches, the validation set and early stopping, the training
state, Ctrl-C, the log and the Pipeline ``X_val`` check. It calls the engine
(``sknn._engine``) and the arrays layer (``sknn._arrays``), never the estimators.
"""
