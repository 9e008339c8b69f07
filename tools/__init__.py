"""The vision tools. Importing this package loads no model and no heavy library.

``TOOLS`` maps each tool's name to where its class lives; ``get_tool`` imports it on demand.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argus.tools.base import ImageTool
    from argus.tools.runtime import Runtime

TOOLS: dict[str, str] = {
    "detect_objects": "argus.tools.detect_objects:DetectObjects",
    "detect_falls": "argus.tools.detect_falls:DetectFalls",
    "segment": "argus.tools.segment:Segment",
    "describe_image": "argus.tools.describe_image:DescribeImage",
    "classify_image": "argus.tools.classify_image:ClassifyImage",
    "estimate_pose": "argus.tools.estimate_pose:EstimatePose",
    "read_text": "argus.tools.read_text:ReadText",
    "assess_quality": "argus.tools.assess_quality:AssessQuality",
    "analyze_colors_shapes": "argus.tools.analyze_colors_shapes:AnalyzeColorsShapes",
    "find_objects": "argus.tools.find_objects:FindObjects",
    "annotate": "argus.tools.annotate:Annotate",
    "classify_chest_xray": "argus.tools.classify_chest_xray:ClassifyChestXray",
    "classify_modality": "argus.tools.classify_modality:ClassifyModality",
}


def tool_class(name: str) -> type[ImageTool]:
    from argus.tools.errors import ToolInputError

    try:
        target = TOOLS[name]
    except KeyError:
        raise ToolInputError(f"unknown tool {name!r}; known tools: {', '.join(TOOLS)}") from None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def get_tool(name: str, runtime: Runtime | None = None) -> ImageTool:
    """An instance of the named tool sharing ``runtime`` (the process default when None)."""
    return tool_class(name)(runtime)
