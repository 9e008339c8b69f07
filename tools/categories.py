"""Kinds of things: the COCO supercategories of the detector's 80 classes, so "what animal is this?"
or "is there a vehicle?" is answered from the classes that are animals or vehicles."""

from __future__ import annotations

# The 12 supercategories of the COCO 2017 annotations, with their classes; "electronic" includes
# phones and laptops, "kitchen" the tableware.
COCO_SUPERCATEGORIES: dict[str, tuple[str, ...]] = {
    "person": ("person",),
    "vehicle": ("bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"),
    "outdoor": ("traffic light", "fire hydrant", "stop sign", "parking meter", "bench"),
    "animal": ("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"),
    "accessory": ("backpack", "umbrella", "handbag", "tie", "suitcase"),
    "sports": (
        "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
        "skateboard", "surfboard", "tennis racket",
    ),
    "kitchen": ("bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl"),
    "food": ("banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake"),
    "furniture": ("chair", "couch", "potted plant", "bed", "dining table", "toilet"),
    "electronic": ("tv", "laptop", "mouse", "remote", "keyboard", "cell phone"),
    "appliance": ("microwave", "oven", "toaster", "sink", "refrigerator"),
    "indoor": ("book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"),
}  # fmt: skip

# What people call the categories.
CATEGORY_WORDS = {
    "animal": "animal", "animals": "animal", "creature": "animal", "creatures": "animal", "pet": "animal",
    "pets": "animal", "beast": "animal", "wildlife": "animal",
    "vehicle": "vehicle", "vehicles": "vehicle", "transport": "vehicle", "transportation": "vehicle",
    "food": "food", "foods": "food", "fruit": "food", "fruits": "food", "vegetable": "food", "vegetables": "food",
    "snack": "food", "meal": "food", "dish": "food",
    "furniture": "furniture", "electronic": "electronic", "electronics": "electronic", "device": "electronic",
    "devices": "electronic", "gadget": "electronic", "appliance": "appliance", "appliances": "appliance",
    "accessory": "accessory", "accessories": "accessory", "bag": "accessory", "bags": "accessory",
    "sports": "sports", "sport": "sports", "equipment": "sports", "kitchenware": "kitchen",
    "utensil": "kitchen", "utensils": "kitchen", "tableware": "kitchen", "dishware": "kitchen",
}  # fmt: skip


def category_of(label: str) -> str | None:
    """The supercategory of a COCO class, or None."""
    for category, labels in COCO_SUPERCATEGORIES.items():
        if label in labels:
            return category
    return None


def labels_in(category: str) -> tuple[str, ...]:
    """The COCO classes of a supercategory (empty for an unknown one)."""
    return COCO_SUPERCATEGORIES.get(category, ())
