"""Ctrl-C during a fit: the first press stops after the current batch, a second aborts.

While a stochastic fit runs in the main thread with Python's default SIGINT
handler, ``CtrlC`` replaces that handler with one that counts presses:

- the first press raises the ``pressed`` flag, and the training loop stops
  after the current batch, keeping the weights trained so far;
- a second press raises ``KeyboardInterrupt`` at once, however soon it comes,
  and the fit leaves the estimator as it was.

Python runs a signal handler only between bytecodes, so two presses during
one long compiled batch reach the handler as one call. Every press is also
written, as a byte, to a wakeup pipe (``signal.set_wakeup_fd``), which the
handler and the loop count: presses are never merged. (Windows accepts only
a socket there; on Windows the handler's calls are counted alone.)

A fit stopped by a press is usually run by something that goes on fitting
(a grid search, a cross-validation, a loop of ``partial_fit``): a fit that
starts within ``FOLLOW_SECONDS`` of a fit stopped by Ctrl-C therefore does
not start but raises ``KeyboardInterrupt``, so one press stops the search
too (after the current batch) and its results never include a cut-short fit.

Elsewhere (other threads, a handler someone else installed) nothing is
changed: Ctrl-C does what it does without sknn.
"""

import contextlib
import os
import signal
import threading
import time

FOLLOW_SECONDS = 2.0  # a fit started this soon after a stopped one is refused
_clock = time.monotonic  # module attribute so that tests can replace it
_stopped_at = None  # when the last fit stopped by Ctrl-C returned
_wakeup = None  # (reader, writer): the pipe the presses are written to


class CtrlC:
    """Context manager around a stochastic fit; ``pressed`` tells the loop to stop."""

    def __init__(self):
        self._installed = False
        self._handler_calls = 0
        self._bytes = 0
        self._previous_fd = -1

    def __enter__(self):
        in_main = threading.current_thread() is threading.main_thread()
        if in_main and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            if os.name == "posix":
                reader, writer = _wakeup_pipe()
                _drain(reader)
                self._previous_fd = signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
            signal.signal(signal.SIGINT, self._on_press)
            self._installed = True
        return self

    @property
    def pressed(self):
        """Whether Ctrl-C was pressed; raises ``KeyboardInterrupt`` on a second press."""
        if not self._handler_calls:
            return False
        self._count_presses()
        return True

    def _on_press(self, signum, frame):
        self._handler_calls += 1
        self._count_presses()

    def _count_presses(self):
        """Read the wakeup bytes; raise ``KeyboardInterrupt`` from the second press on."""
        received = _drain(_wakeup[0]) if _wakeup is not None else b""
        self._forward(received)
        self._bytes += received.count(signal.SIGINT)
        # A byte can lag its handler call (written by another thread), and a
        # handler call can stand for several presses: count the larger.
        if max(self._handler_calls, self._bytes) >= 2:
            raise KeyboardInterrupt

    def _forward(self, received):
        """Pass the bytes on to a wakeup fd installed before ours (asyncio's, say)."""
        if received and self._previous_fd != -1:
            with contextlib.suppress(OSError):
                os.write(self._previous_fd, received)

    def __exit__(self, exc_type, exc, traceback):
        if self._installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            if os.name == "posix":
                signal.set_wakeup_fd(self._previous_fd)
        if self._handler_calls and exc_type is None:
            global _stopped_at
            _stopped_at = _clock()
        return False


def refuse_after_a_stopped_fit():
    """Raise ``KeyboardInterrupt`` when this fit (in the main thread) follows,
    within ``FOLLOW_SECONDS``, one that Ctrl-C stopped: the press was meant for
    the code running both. The refusal passes the press on once."""
    global _stopped_at
    if threading.current_thread() is not threading.main_thread() or _stopped_at is None:
        return
    since, _stopped_at = _clock() - _stopped_at, None
    if since < FOLLOW_SECONDS:
        raise KeyboardInterrupt(
            f"Ctrl-C stopped a fit {since:.1f}s before this one, which was therefore "
            "not started: the press also stops the search, cross-validation or loop "
            "that runs the fits. Fit again to train."
        )


def forget_stopped_fits():
    """Let the next fit start, however soon after a fit stopped by Ctrl-C."""
    global _stopped_at
    _stopped_at = None


def _wakeup_pipe():
    """The process's one non-blocking pipe for ``set_wakeup_fd``, made once."""
    global _wakeup
    if _wakeup is None:
        reader, writer = os.pipe()
        os.set_blocking(reader, False)
        os.set_blocking(writer, False)
        _wakeup = (reader, writer)
    return _wakeup


def _drain(reader):
    """Every byte waiting in the pipe ``reader``."""
    chunks = []
    while True:
        try:
            chunk = os.read(reader, 4096)
        except (BlockingIOError, InterruptedError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)
