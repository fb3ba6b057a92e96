"""The engine: the network's math and where it runs.

Network passes, activations, losses, initialisation, the flat parameter
layout, the optimizers, in-place helpers, the choice of engine, prediction's
cached networks, BLAS threads, and the compiled CPU engine (``_cpu``). It
calls only the arrays layer (``sknn._arrays``).
"""
