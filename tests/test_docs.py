"""The documentation site builds with Sphinx, warnings as errors (what CI checks).

numpydoc's validation is on for the public classes, so a public parameter,
attribute, return value or method without its entry fails this build.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("myst_parser")
pytest.importorskip("pydata_sphinx_theme")
pytest.importorskip("sphinx_gallery")

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path):
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-E",
        "-q",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        str(DOCS),
        str(tmp_path / "html"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    html = (tmp_path / "html" / "index.html").read_text()
    assert "sknn" in html
    api = (tmp_path / "html" / "generated" / "sknn.MLPClassifier.html").read_text()
    for name in ("hidden_layer_sizes", "device", "coefs_", "predict_proba", "to_sklearn"):
        assert name in api, name
    # Pages that show what their code does, run when the docs build.
    summary = (tmp_path / "html" / "summary.html").read_text()
    assert summary.count("Total params: 6,570") == 1  # the table, shown once
    log = (tmp_path / "html" / "training_log.html").read_text()
    assert "Iteration 1/200 - 9 batches - " in log and "Stopping." in log
    curves = (tmp_path / "html" / "training_curves.html").read_text()
    figure = re.search(r'<img[^>]+src="(_images/training_curves-1\.png)"', curves)
    assert (tmp_path / "html" / figure[1]).read_bytes()[:4] == b"\x89PNG"
