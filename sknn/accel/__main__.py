"""``python -m sknn.accel [options] script.py [args] | -m module [args]``.

Installs sknn.accel, then runs the script or module as ``python`` would
(``__name__ == '__main__'``, ``sys.argv`` and ``sys.path[0]`` set alike).
"""

import argparse
import os
import runpy
import sys

from sknn.accel import _install


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m sknn.accel",
        description="Run a Python script or module with scikit-learn's MLPClassifier "
        "and MLPRegressor resolving to sknn's.",
    )
    parser.add_argument(
        "--device",
        help="default device of the estimators: cpu, cuda or "
        f"cuda:N (default: ${_install.ENVIRONMENT['device']}, else follow "
        "the data)",
    )
    parser.add_argument(
        "--dtype",
        choices=["float32", "float64"],
        help="default compute dtype of the estimators (default: "
        f"${_install.ENVIRONMENT['dtype']}, else follow the data)",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        default=None,
        help=f"print what ran where to stderr at exit (or set {_install.ENVIRONMENT['report']}=1)",
    )
    parser.add_argument("-m", dest="module", metavar="module", help="run a module as a script")
    parser.add_argument(
        "target",
        nargs=argparse.REMAINDER,
        help="the script and its arguments (or, after -m, the module's)",
    )
    args = parser.parse_args(argv)
    if args.module is None and not args.target:
        parser.error("give a script to run, or -m and a module")
    return args


def main(argv=None):
    """Install sknn.accel and run the target; its exit status is the program's."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        _install.install(args.device, args.dtype, args.report)
    except ValueError as error:
        print(f"python -m sknn.accel: error: {error}", file=sys.stderr)
        return 2
    if args.module is not None:
        sys.argv = [args.module, *args.target]
        runpy.run_module(args.module, run_name="__main__", alter_sys=True)
    else:
        script, *rest = args.target
        sys.argv = [script, *rest]
        sys.path[0] = os.path.dirname(os.path.abspath(script))
        runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
