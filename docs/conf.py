"""Sphinx configuration of sknn's documentation.

Build (warnings are errors; nothing is fetched from the network)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The pages are the Markdown files in docs/ (MyST), the API reference is
generated from the docstrings (autodoc, autosummary, numpydoc), the gallery
from docs/gallery/ (sphinx-gallery) and the benchmarks page includes the
files in benchmarks/results/.
"""

import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

import sknn

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))  # run_python, the run-python directive

project = "sknn"
author = "the sknn developers"
copyright = "the sknn developers"
release = sknn.__version__
version = sknn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
    "run_python",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# No network: no intersphinx (its inventories would be downloaded), and no
# extension here fetches anything. References to scikit-learn's or
# matplotlib's objects in docstrings stay plain text (nitpicky is off).
nitpicky = False

# ------------------------------------------------------------------ MyST
myst_enable_extensions = ["colon_fence"]
# Anchors for headings down to ####, GitHub's slugs, so links such as
# ``differences.md#b-learning_rateadaptive-with-adam`` resolve as on GitHub.
myst_heading_anchors = 4

# ------------------------------------------------- autodoc and autosummary
autosummary_generate = True
autosummary_imported_members = False
# undoc-members: a public method without a docstring is listed all the same,
# so that numpydoc's GL08 below reports it instead of autodoc leaving it out.
autodoc_default_options = {"members": True, "inherited-members": True, "undoc-members": True}
autodoc_typehints = "none"
autoclass_content = "class"  # the class docstring: __init__ has none

# ---------------------------------------------------------------- numpydoc
numpydoc_show_class_members = True
numpydoc_show_inherited_class_members = True
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Every public parameter, attribute and method documented: a docstring that
# is missing (GL08), that lacks a parameter of the signature (PR01), that
# documents one the signature does not have (PR02), that lacks a parameter's
# type or description (PR04, PR07), that returns without a Returns section
# (RT01) or without saying what it returns (RT03) is a warning, so an error
# under -W. The scikit-learn
# methods that the estimators inherit (get_params, score, the metadata
# routing ones) are scikit-learn's docstrings, checked there.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "PR04", "PR07", "RT01", "RT03"}
numpydoc_validation_exclude = {
    r"\.get_params$",
    r"\.set_params$",
    r"\.score$",
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
}

# The docstrings of those scikit-learn methods cite labels and glossary terms
# of scikit-learn's documentation: they link to its pages (a plain link; no
# inventory is fetched). Any other unresolved reference stays a warning.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_REFERENCES = {
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "r2_score"): "modules/model_evaluation.html#r2-score",
    ("ref", "metadata_routing"): "metadata_routing.html",
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
}

# ---------------------------------------------------------- sphinx-gallery
# The Fashion-MNIST example trains for a minute or more on the full data
# set, writes its figures to files (nothing for sphinx-gallery to capture)
# and needs the Debian package dataset-fashion-mnist: the docs build never
# runs it (plot_gallery False). The page shows the code, cell by cell, and
# the figures of the last full run, committed in docs/gallery/output/ and
# referenced from the example's text cells. tests/test_gallery.py runs the
# example on miniature data instead.
sphinx_gallery_conf = {
    "examples_dirs": ["gallery"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "plot_gallery": False,
    "download_all_examples": False,
    "default_thumb_file": str(DOCS / "gallery" / "output" / "training_curves.png"),
    "remove_config_comments": True,
    "show_signature": False,
    "write_computation_times": False,
}

# ---------------------------------------------- code run when the docs build
# The training-curves page draws its figure from a real fit (matplotlib's
# plot directive); the summary and training-log pages show what their code
# prints (run-python, docs/_ext/run_python.py). Both run small, fast fits on
# scikit-learn's digits, so the pages show what the current sknn does.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

# ------------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"sknn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "getting_started": [], "benchmarks": []}
html_show_sourcelink = False

# ------------------------------------------- links out of docs/, rewritten
# The pages link to the benchmark files by their place in the repository
# (``../benchmarks/...``), which works on GitHub; the built site has them on
# the benchmarks page, which includes them. Any other link out of docs/ is
# left alone, and Sphinx warns that its target is missing.
BENCHMARK_LINKS = {
    "../benchmarks/README.md": "benchmarks.md#how-the-benchmarks-run",
    "../benchmarks/results/cpu.md": "benchmarks.md#sknn-vs-scikit-learn-on-the-cpu",
    "../benchmarks/results/scaling.md": "benchmarks.md#scaling-of-sknns-time-per-epoch",
    "../benchmarks/results/parity.md": "benchmarks.md#parity-with-scikit-learn",
    "../benchmarks/results/engines.md": (
        "benchmarks.md#the-compiled-engine-against-the-portable-one"
    ),
    "../benchmarks/results/load.md": "benchmarks.md#sknn-under-load",
}
_LINK_OUT = re.compile(r"\]\((\.\./benchmarks/[^)#\s]*)(#[^)\s]*)?\)")


def _rewrite_benchmark_links(app, docname, source):
    """``](../benchmarks/X.md#a)`` becomes a link into the benchmarks page."""

    def replace(match):
        target = BENCHMARK_LINKS.get(match[1])
        if target is None:
            return match[0]
        if match[2]:  # an anchor of the included file: it is on the benchmarks page
            target = target.split("#")[0] + match[2]
        return f"]({target})"

    source[0] = _LINK_OUT.sub(replace, source[0])


def _check_benchmark_results_included(app):
    """Every benchmarks/results/*.md is included by docs/benchmarks.md."""
    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    for result in sorted((ROOT / "benchmarks" / "results").glob("*.md")):
        if f"../benchmarks/results/{result.name}" not in page:
            logging.getLogger(__name__).warning(
                "benchmarks/results/%s is not included by docs/benchmarks.md", result.name
            )


def _sklearn_reference(app, env, node, contnode):
    """A link to scikit-learn's documentation for a label its docstrings cite."""
    if node.get("refdomain") != "std":
        return None
    page = SKLEARN_REFERENCES.get((node.get("reftype"), node.get("reftarget", "").lower()))
    if page is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=SKLEARN_DOCS + page)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _sklearn_reference)
    app.connect("source-read", _rewrite_benchmark_links)
    app.connect("builder-inited", _check_benchmark_results_included)
