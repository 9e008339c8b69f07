"""Questions that need no PyTorch model load none: a count, a declined question, a rule look-up and a rule
search run as a user runs them (a fresh process) and import neither torch nor sentence-transformers; with
no LLM configured, nothing imports LangChain either (it is most of a cold question's start-up)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import samples

TORCH = {"torch", "torchvision", "sentence_transformers", "transformers", "ultralytics"}
LANGCHAIN = {"langchain", "langchain_core", "langsmith"}
# Runs the CLI in this process and reports, on exit, the top-level modules it imported.
CODE = """
import json, sys
from argus.cli import app
sys.argv = ["argus", *sys.argv[1:]]
try:
    app()
finally:
    sys.stderr.write("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n")
"""


@pytest.fixture(scope="module", autouse=True)
def exported_embedder() -> None:
    """The ONNX export exists before the commands run (making it is the one step that needs torch)."""
    from argus.knowledge.embedding_export import exported_model

    exported_model()


def run(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return done.stdout, set(json.loads(line.removeprefix("MODULES ")))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "shown", "used"),
    [
        (
            ("kb", "search", "solid lung nodule follow-up in a smoker", "--json"),
            "MED-FLEISCHNER",
            {"faiss", "onnxruntime"},
        ),
        (("ask", str(samples.BUS), "How many people are in this image?"), "people are in the image", {"cv2"}),
        (("ask", str(samples.BUS), "Who is the man on the left?"), "can't identify people", set()),
        (("ask", str(samples.BUS), "What is the meaning of life?"), "can't tell", {"onnxruntime"}),
        (
            ("ask", str(samples.BUS), "What does Fleischner say about a 7 mm solid nodule in a 60-year-old?"),
            "MED-FLEISCHNER-03",
            {"faiss", "onnxruntime"},
        ),
    ],
    ids=["kb search", "count", "declined: identity", "declined: no tool answers it", "rule look-up"],
)
def test_imports_no_torch(args, shown, used) -> None:
    stdout, modules = run(*args)
    assert shown in " ".join(stdout.split())
    assert used <= modules  # the embedder and the index really ran where they should
    assert not modules & TORCH, sorted(modules & TORCH)
    assert not modules & LANGCHAIN, sorted(modules & LANGCHAIN)
