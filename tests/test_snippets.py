"""Every ```python block of README.md and the docs runs as written.

Each page's blocks run in order, in one fresh Python process (a reader
following the page), in an empty folder, with matplotlib's Agg backend and
without ``SCIPY_ARRAY_API`` (unless a block asks for it). A block that cannot
run here says so in an HTML comment on the line before its fence (invisible
on GitHub and in the built docs), always with a reason:

- ``<!-- snippet: skip REASON -->``: never run (a cluster's address, a call
  signature);
- ``<!-- snippet: gpu -->``: needs CuPy and an NVIDIA GPU; run, with the rest
  of its page, by ``test_gpu_snippets_run`` where there is one;
- ``<!-- snippet: env NAME=VALUE -->``: run alone, in its own process, with
  that environment variable set (the block must be self-contained).
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from sknn._arrays._device import gpu_available

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    *sorted(
        path
        for path in (ROOT / "docs").rglob("*.md")
        if not {"_build", "auto_examples"} & set(path.relative_to(ROOT / "docs").parts)
    ),
]
DIRECTIVE = re.compile(r"^<!--\s*snippet:\s*(\w+)\s*(.*?)\s*-->$")
KINDS = {"skip", "gpu", "env"}


@dataclass
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    source: str
    kind: str = "run"  # run, skip, gpu or env
    argument: str = ""

    @property
    def label(self):
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def python_blocks(page):
    """The page's ```python blocks, with the directive before each, if any."""
    blocks, lines = [], page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() != "```python":
            index += 1
            continue
        end = index + 1
        while lines[end].strip() != "```":
            end += 1
        block = Block(page, index + 1, textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n")
        previous = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        directive = DIRECTIVE.match(previous)
        if directive:
            block.kind, block.argument = directive.groups()
        blocks.append(block)
        index = end + 1
    return blocks


ALL_BLOCKS = [block for page in PAGES for block in python_blocks(page)]

RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
for label, source in json.load(open(sys.argv[1])):
    print(f"--- {label}", file=sys.stderr, flush=True)
    exec(compile(source, label, "exec"), namespace)
"""


def run_blocks(blocks, tmp_path, env_updates=None, timeout=900):
    """Run ``blocks`` in order in one fresh process in ``tmp_path``; fail with
    the output of the block that failed."""
    (tmp_path / "blocks.json").write_text(json.dumps([(b.label, b.source) for b in blocks]))
    env = {key: value for key, value in os.environ.items() if key != "SCIPY_ARRAY_API"}
    env.update(MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    env.update(env_updates or {})
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, "blocks.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-6000:]


def page_ids(pages):
    return [str(page.relative_to(ROOT)) for page in pages]


def pages_with(kinds):
    return [page for page in PAGES if any(b.kind in kinds for b in python_blocks(page))]


def test_every_directive_is_known_and_has_what_it_needs():
    for block in ALL_BLOCKS:
        assert block.kind in KINDS | {"run"}, f"{block.label}: unknown directive {block.kind!r}"
        if block.kind == "skip":
            assert len(block.argument) > 10, f"{block.label}: a skip needs its reason"
        if block.kind == "env":
            assert re.fullmatch(r"\w+=\S+", block.argument), f"{block.label}: env NAME=VALUE"


def test_most_blocks_run():
    """Skipping is the exception: a guard against marking blocks instead of fixing them."""
    skipped = [block.label for block in ALL_BLOCKS if block.kind == "skip"]
    assert len(ALL_BLOCKS) >= 30 and len(skipped) <= len(ALL_BLOCKS) // 4, skipped


@pytest.mark.parametrize("page", pages_with({"run"}), ids=page_ids(pages_with({"run"})))
def test_page_snippets_run(page, tmp_path):
    run_blocks([block for block in python_blocks(page) if block.kind == "run"], tmp_path)


ENV_BLOCKS = [block for block in ALL_BLOCKS if block.kind == "env"]


@pytest.mark.parametrize("block", ENV_BLOCKS, ids=[block.label for block in ENV_BLOCKS])
def test_snippets_with_an_environment_run_alone_with_it(block, tmp_path):
    name, value = block.argument.split("=", 1)
    run_blocks([block], tmp_path, {name: value})


@pytest.mark.gpu
@pytest.mark.skipif(not gpu_available(), reason="needs CuPy and an NVIDIA GPU")
@pytest.mark.parametrize("page", pages_with({"gpu"}), ids=page_ids(pages_with({"gpu"})))
def test_gpu_snippets_run(page, tmp_path):
    run_blocks([block for block in python_blocks(page) if block.kind in ("run", "gpu")], tmp_path)


def test_readme_speed_claims_are_the_committed_results():
    """The ratios README.md quotes are those of benchmarks/results/cpu.md."""
    results = (ROOT / "benchmarks" / "results" / "cpu.md").read_text()
    readme = (ROOT / "README.md").read_text()
    claimed = set(re.findall(r"(\d+\.\d+)× (?:faster|in float|with)", readme))
    assert claimed, "README.md quotes no speed-up"
    for case in ("fmnist-f64", "fmnist-f32", "fmnist-f64-as-f32"):
        (ratio,) = re.findall(rf"^\| {case} \| sknn \|[^|]*\|[^|]*\| ([\d.]+) \|", results, re.M)
        assert ratio in claimed, (case, ratio, claimed)
