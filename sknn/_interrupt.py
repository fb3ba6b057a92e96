"""Ctrl-C during a fit: the first press stops after the current batch, the second is not caught.

While a stochastic fit runs in the main thread with Python's default SIGINT
handler, ``CtrlC`` replaces that handler with one that only raises a flag
and puts the default handler back, so a second press raises
``KeyboardInterrupt`` at once. Elsewhere (other threads, a handler someone
else installed) nothing is changed and Ctrl-C aborts the fit as usual,
leaving the estimator as it was.
"""

import signal
import threading


class CtrlC:
    """Context manager; ``pressed`` tells the training loop to stop."""

    def __init__(self):
        self.pressed = False
        self._installed = False

    def __enter__(self):
        in_main = threading.current_thread() is threading.main_thread()
        if in_main and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, self._first_press)
            self._installed = True
        return self

    def _first_press(self, signum, frame):
        self.pressed = True
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the next press raises

    def __exit__(self, *exc):
        if self._installed and signal.getsignal(signal.SIGINT) == self._first_press:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        return False
