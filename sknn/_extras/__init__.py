"""User-facing extras built on the estimators.

The training-curve display, the command line (``python -m sknn``) and the
recipe it runs, and the ONNX graph that ``sknn.onnx`` exports. Nothing in the
lower layers imports them.
"""
