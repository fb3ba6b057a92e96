"""The ``run-python`` directive: a code block, run when the docs build, and what it printed.

In a MyST page::

    ```{run-python}
    from sknn import MLPClassifier
    ...
    clf.summary()
    ```

shows the code, then a block with everything the code printed, so a page's
output always comes from the current sknn and cannot go stale. As in a REPL,
a final bare expression that printed nothing shows its ``repr`` (unless it is
None). Code that raises makes the build fail, with the traceback.

(matplotlib's plot directive does the same for figures; the mainstream
extensions that run code and capture its output, myst-nb and jupyter-sphinx,
need a Jupyter kernel.)
"""

import ast
import contextlib
import io
import traceback

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

_LOGGER = logging.getLogger(__name__)


def run_python(source, filename):
    """Run ``source`` in a fresh ``__main__`` namespace; return what it printed."""
    module = ast.parse(source, filename)
    if not module.body:
        return ""
    *body, last = module.body
    namespace = {"__name__": "__main__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(ast.Module(body, []), filename, "exec"), namespace)
        if not isinstance(last, ast.Expr):
            exec(compile(ast.Module([last], []), filename, "exec"), namespace)
            return printed.getvalue()
        before = printed.tell()
        value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
        if value is not None and printed.tell() == before:
            print(repr(value))
    return printed.getvalue()


class RunPython(SphinxDirective):
    """A code block and, below it, the output of running it."""

    has_content = True

    def run(self):
        source = "\n".join(self.content)
        filename = f"<{self.env.docname}.md, line {self.lineno}>"
        try:
            output = run_python(source, filename)
        except Exception:  # the page's code is wrong: fail the build, say why
            _LOGGER.warning(
                "run-python: the code raised\n%s",
                traceback.format_exc(),
                location=(self.env.docname, self.lineno),
            )
            output = ""
        code = nodes.literal_block(source, source, language="python")
        blocks = [code]
        if output.strip():
            blocks.append(nodes.literal_block(output, output.rstrip("\n"), language="none"))
        return blocks


def setup(app):
    app.add_directive("run-python", RunPython)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
