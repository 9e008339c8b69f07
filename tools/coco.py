"""COCO class names in the two numberings detectors use, and matching a user's label to a model's.

The TF object detection API numbers the 80 COCO classes 1..90 with ten gaps (ids the dataset
paper defined but never annotated), as in its ``mscoco_label_map.pbtxt``; Ultralytics numbers
the same 80 names 0..79. A user (or a planner) asks for "people", "cellphones" or "TV"; the
helpers here turn that into the model's own class name, or fail with the closest names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from argus.tools.errors import ToolInputError

COCO_80: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
    "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip

# Ids the TF label map skips (street sign, hat, shoe, eye glasses, plate, mirror, window, desk, door, blender).
TF_COCO_GAPS: frozenset[int] = frozenset({12, 26, 29, 30, 45, 66, 68, 69, 71, 83})

# TF object detection API ids 1..90 -> name; the SSD-MobileNet COCO graphs emit these ids.
COCO_90: dict[int, str] = dict(zip((i for i in range(1, 91) if i not in TF_COCO_GAPS), COCO_80, strict=True))

# Ultralytics COCO ids 0..79 -> name.
ULTRALYTICS_COCO: dict[int, str] = dict(enumerate(COCO_80))

# The dataset's own 12 supercategories (instances_*.json "supercategory"), each with its classes.
COCO_SUPERCATEGORIES: dict[str, tuple[str, ...]] = {
    "person": ("person",),
    "vehicle": ("bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"),
    "outdoor": ("traffic light", "fire hydrant", "stop sign", "parking meter", "bench"),
    "animal": ("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"),
    "accessory": ("backpack", "umbrella", "handbag", "tie", "suitcase"),
    "sports": (
        "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard",
        "surfboard", "tennis racket",
    ),
    "kitchen": ("bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl"),
    "food": ("banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake"),
    "furniture": ("chair", "couch", "potted plant", "bed", "dining table", "toilet"),
    "electronic": ("tv", "laptop", "mouse", "remote", "keyboard", "cell phone"),
    "appliance": ("microwave", "oven", "toaster", "sink", "refrigerator"),
    "indoor": ("book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"),
}  # fmt: skip

# Other words people use for a class, keyed by their compact form (see ``compact``).
SYNONYMS: dict[str, str] = {
    "people": "person",
    "persons": "person",
    "human": "person",
    "pedestrian": "person",
    "man": "person",
    "men": "person",
    "woman": "person",
    "women": "person",
    "child": "person",
    "children": "person",
    "kid": "person",
    "boy": "person",
    "girl": "person",
    "baby": "person",
    "toddler": "person",
    "adult": "person",
    "lady": "person",
    "guy": "person",
    "automobile": "car",
    "bike": "bicycle",
    "motorbike": "motorcycle",
    "aeroplane": "airplane",
    "plane": "airplane",
    "jet": "airplane",
    "airliner": "airplane",
    "aircraft": "airplane",
    "minibus": "bus",
    "pickuptruck": "truck",
    "puppy": "dog",
    "kitten": "cat",
    "kitty": "cat",
    "pony": "horse",
    "foal": "horse",
    "lamb": "sheep",
    "cattle": "cow",
    "calf": "cow",
    "bull": "cow",
    "ox": "cow",
    "oxen": "cow",
    "settee": "couch",
    "armchair": "chair",
    "houseplant": "potted plant",
    "mug": "cup",
    "teacup": "cup",
    "coffeecup": "cup",
    "wineglass": "wine glass",
    "computermouse": "mouse",
    "remotecontrol": "remote",
    "laptopcomputer": "laptop",
    "microwaveoven": "microwave",
    "telly": "tv",
    "televisionset": "tv",
    "football": "sports ball",
    "soccerball": "sports ball",
    "basketball": "sports ball",
    "tennisball": "sports ball",
    "volleyball": "sports ball",
    "racket": "tennis racket",
    "racquet": "tennis racket",
    "ski": "skis",
    "purse": "handbag",
    "luggage": "suitcase",
    "rucksack": "backpack",
    "parasol": "umbrella",
    "hydrant": "fire hydrant",
    "stoplight": "traffic light",
    "sofa": "couch",
    "television": "tv",
    "tvmonitor": "tv",
    "monitor": "tv",
    "phone": "cell phone",
    "mobilephone": "cell phone",
    "smartphone": "cell phone",
    "cellphone": "cell phone",
    "table": "dining table",
    "plant": "potted plant",
    "pottedplant": "potted plant",
    "hairdryer": "hair drier",
    "ball": "sports ball",
    "fridge": "refrigerator",
    "doughnut": "donut",
    "lorry": "truck",
    "ship": "boat",
    "bag": "handbag",
    "mice": "mouse",
    "knives": "knife",
    "teddy": "teddy bear",
    "necktie": "tie",
    "taxi": "car",
    "cab": "car",
    "motorcar": "car",
    "pup": "dog",
    "doggy": "dog",
    "doggie": "dog",
    "gentleman": "person",
    "gentlemen": "person",
    "sailboat": "boat",
    "yacht": "boat",
    "canoe": "boat",
    "kayak": "boat",
}

MAX_LABEL_LENGTH = 64
MAX_LABELS = 80  # labels one call may ask for: every COCO class


def split_labels(value: object) -> object:
    """A ``labels`` argument as a list: "person, bus" or a list, stripped, empty entries dropped,
    None when nothing is left; at most MAX_LABELS. Other types pass on for pydantic to refuse."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list):
        value = [v.strip() if isinstance(v, str) else v for v in value]
        value = [v for v in value if v != ""]
        if len(value) > MAX_LABELS:
            raise ValueError(f"at most {MAX_LABELS} labels, got {len(value)}")
        return value or None
    return value


class UnknownLabelError(ToolInputError):
    """A label in a filter that the model cannot detect."""


def compact(label: str) -> str:
    """Lower case with everything but letters and digits removed: "Cell-Phone" -> "cellphone"."""
    return re.sub(r"[^0-9a-z]", "", label.lower())


def singular_forms(word: str) -> list[str]:
    """Candidate singular forms of a compact word, most specific first."""
    out = []
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        out.append(word[:-2])
    if word.endswith("s") and len(word) > 2:
        out.append(word[:-1])
    return out


@lru_cache(maxsize=64)
def _compact_index(vocabulary: tuple[str, ...]) -> dict[str, str]:
    """Compact form -> name, built once per vocabulary (the verifier matches every noun of every answer)."""
    return {compact(name): name for name in vocabulary}


def match_label(label: str, vocabulary: Iterable[str]) -> str | None:
    """The name in ``vocabulary`` that ``label`` means, or None.

    Matching ignores case, spaces, hyphens and underscores, knows common synonyms
    ("people" -> "person") and plurals ("buses" -> "bus", "cellphones" -> "cell phone").
    """
    by_compact = _compact_index(tuple(vocabulary))
    key = compact(label)
    for candidate in (key, *singular_forms(key)):
        if candidate in by_compact:
            return by_compact[candidate]
        synonym = SYNONYMS.get(candidate)
        if synonym is not None and compact(synonym) in by_compact:
            return by_compact[compact(synonym)]
    return None


def resolve_labels(labels: Iterable[str], vocabulary: Iterable[str], model: str) -> list[str]:
    """The model's own names for the labels a user asked for, in order and without repeats.

    Raises:
        UnknownLabelError: for the first label the model has no class for, naming close matches.
    """
    names = list(vocabulary)
    resolved: list[str] = []
    for label in labels:
        if len(label) > MAX_LABEL_LENGTH:
            raise UnknownLabelError(
                f"label filter: a label is at most {MAX_LABEL_LENGTH} characters, got {len(label)}"
            )
        name = match_label(label, names)
        if name is None:
            close = difflib.get_close_matches(label.strip().lower(), names, n=4, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownLabelError(
                f"label {label!r} is not a class of {model} ({len(names)} classes{hint}); "
                f"its classes are: {', '.join(names[:12])}{' ...' if len(names) > 12 else ''}"
            )
        if name not in resolved:
            resolved.append(name)
    return resolved
