"""The release artifacts: an sdist that holds every source the build needs, and a
wheel built from that sdist that installs into a fresh virtual environment without
a compiler and runs ``python -m sknn``.

Both builds run without build isolation (the test extra holds the build
requirements), so nothing is downloaded; about a minute, most of it the compiler.
"""

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME_VERSION = "sknn-0.1.0"
BUILD_SOURCES = (".py", ".pyx", ".pxd", ".h")  # what sknn/ holds that the build reads
COMPILED_SUFFIXES = (".so", ".pyd")


def run(command, timeout=600, **kwargs):
    """Run ``command``; fail with the end of its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, (
        f"{command} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def build(source, kind, outdir):
    """``python -m build --<kind>`` of ``source`` (a folder or an sdist) into ``outdir``."""
    run(
        [
            sys.executable,
            "-m",
            "build",
            f"--{kind}",
            "--no-isolation",
            "--outdir",
            str(outdir),
            str(source),
        ],
        cwd=outdir,
    )
    (artifact,) = [
        p
        for p in outdir.iterdir()
        if p.suffix in (".gz", ".whl") and (p.suffix == ".whl") == (kind == "wheel")
    ]
    return artifact


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    return build(ROOT, "sdist", tmp_path_factory.mktemp("sdist"))


@pytest.fixture(scope="module")
def wheel(sdist, tmp_path_factory):
    """The wheel built from the unpacked sdist alone, as pip builds one from PyPI."""
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    return build(unpacked / NAME_VERSION, "wheel", tmp_path_factory.mktemp("wheel"))


def sdist_files(sdist):
    with tarfile.open(sdist) as archive:
        return {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}


def test_sdist_holds_every_source_of_the_build(sdist):
    files = sdist_files(sdist)
    package = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "sknn").rglob("*")
        if p.suffix in BUILD_SOURCES and "__pycache__" not in p.parts
    }

    assert {
        "sknn/_engine/_cpu/kernels.h",
        "sknn/_engine/_cpu/kernels_real.h",
        "sknn/_engine/_cpu/kernels.pxd",
        "sknn/_engine/_cpu/_dense.pyx",
        "sknn/_engine/_cpu/_steps.pyx",
        "sknn/_engine/_cpu/_data.pyx",
    } <= package
    assert package - files == set()
    assert {
        "setup.py",
        "pyproject.toml",
        "MANIFEST.in",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "tests/conftest.py",
        "docs/conf.py",
    } <= files


def test_sdist_holds_no_build_output(sdist):
    made_by_builds = [
        name for name in sdist_files(sdist) if name.endswith((".c", *COMPILED_SUFFIXES, ".pyc"))
    ]

    assert made_by_builds == []


def test_wheel_holds_the_compiled_engine_and_no_generated_c(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    compiled = {
        Path(name).name.split(".")[0]
        for name in names
        if name.startswith("sknn/_engine/_cpu/") and name.endswith(COMPILED_SUFFIXES)
    }

    assert compiled == {p.stem for p in (ROOT / "sknn" / "_engine" / "_cpu").glob("*.pyx")}
    assert [name for name in names if name.endswith(".c")] == []
    assert f"{NAME_VERSION}.dist-info/licenses/LICENSE" in names


def venv_python(venv):
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def without_a_compiler(venv):
    """The environment of a process that finds the virtual environment's programs
    and nothing else on PATH (no compiler), and no sknn source on sys.path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "CC", "CXX", "LDSHARED")
    }
    env["PATH"] = str(venv_python(venv).parent)
    return env


def fresh_venv(venv):
    """A new virtual environment that sees this one's packages (NumPy, SciPy,
    scikit-learn... so nothing is downloaded) but not its sknn, wherever and
    however that is installed: the folders of this environment's site-packages
    come after the new one's own, and their .pth files (editable installs) are
    not read."""
    run([sys.executable, "-m", "venv", str(venv)])
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    own = Path(run([str(venv_python(venv)), "-c", code]).stdout.strip())
    here = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (own / "_test_packaging_parent.pth").write_text("\n".join(here) + "\n")
    return venv_python(venv)


def test_wheel_installs_without_a_compiler_and_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    python = str(fresh_venv(venv))
    env = without_a_compiler(venv)
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-deps",
            "--ignore-installed",
            str(wheel),
        ],
        env=env,
        cwd=tmp_path,
    )

    where = run(
        [
            python,
            "-c",
            "import sknn, sknn._engine._cpu._dense as d; print(sknn.__file__); print(d.__file__)",
        ],
        env=env,
        cwd=tmp_path,
    ).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where

    trained = run([python, "-m", "sknn", "--epochs", "3"], env=env, cwd=tmp_path).stdout
    assert "Training on digits" in trained and "test accuracy:" in trained
    script = run([str(venv_python(venv).parent / "sknn"), "--help"], env=env, cwd=tmp_path)
    assert "usage: python -m sknn" in script.stdout
