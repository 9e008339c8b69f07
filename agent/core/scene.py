"""Where and when a picture was taken, from what is in it: indoors or outdoors, the kind of room or
place, a city or the countryside, day or night.

No bundled model classifies scenes, so the setting is read from the things the detector finds (an oven
is seen indoors, a bus outdoors), from the ImageNet classes that are places or fixtures (seashore,
palace, library, four-poster) and from open sky at the top of the picture. Things seen in both (people,
chairs, dogs) say nothing. The time of day is read from the sky's brightness, or from a bright picture
of a place judged outdoors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from argus.tools.words import first_name

Setting = Literal["indoors", "outdoors"]

# COCO classes seen almost only inside (furniture, appliances, household things) or outside.
INDOOR_OBJECTS = frozenset(
    [
        "couch", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "microwave",
        "oven", "toaster", "sink", "refrigerator", "book", "vase", "scissors", "teddy bear", "hair drier",
        "toothbrush",
    ]
)  # fmt: skip
OUTDOOR_OBJECTS = frozenset(
    [
        "car", "bus", "truck", "train", "airplane", "boat", "traffic light", "fire hydrant",
        "stop sign", "parking meter", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
        "kite", "skis", "snowboard", "surfboard",
    ]
)  # fmt: skip
# ImageNet classes (first names) that are places, buildings, landscapes or fixtures of one setting.
INDOOR_CLASSES = frozenset(
    [
        "library", "restaurant", "bakery", "barbershop", "bookshop", "butcher shop", "confectionery",
        "grocery store", "shoe shop", "tobacco shop", "toyshop", "home theater", "wardrobe", "studio couch",
        "four-poster", "quilt", "dining table", "desk", "desktop computer", "monitor", "refrigerator",
        "microwave", "dishwasher", "washer", "stove", "toilet seat", "bathtub", "shower curtain",
        "medicine chest", "window shade", "china cabinet", "bookcase", "entertainment center", "file",
        "espresso maker", "rotisserie", "cradle", "crib", "pool table", "prison", "altar", "organ",
        "cinema", "planetarium", "theater curtain", "television", "rocking chair", "folding chair",
        "table lamp", "lampshade", "pillow", "sleeping bag", "photocopier", "printer",
    ]
)  # fmt: skip
OUTDOOR_CLASSES = frozenset(
    [
        "alp", "cliff", "coral reef", "geyser", "lakeside", "promontory", "sandbar", "seashore", "valley",
        "volcano", "boathouse", "palace", "church", "mosque", "monastery", "castle", "barn", "greenhouse",
        "dock", "pier", "suspension bridge", "steel arch bridge", "viaduct", "dam", "breakwater",
        "park bench", "street sign", "traffic light", "parking meter", "fountain", "triumphal arch",
        "obelisk", "totem pole", "megalith", "stupa", "thatch", "yurt", "mobile home", "space shuttle",
        "cab", "streetcar", "trolleybus", "school bus", "passenger car", "freight car", "go-kart",
        "snowplow", "tractor", "harvester", "lawn mower", "picket fence", "worm fence", "stone wall",
        "chainlink fence", "water tower", "beacon", "flagpole", "swing", "maze", "tile roof", "dome",
        "minibus", "police van", "ambulance", "fire engine", "garbage truck", "pickup", "tow truck",
        "trailer truck", "moving van", "jeep", "limousine", "convertible", "sports car", "minivan",
        "beach wagon", "recreational vehicle",
    ]
)  # fmt: skip
# A city or the countryside: street furniture and traffic, or farm animals, fields and wild places.
CITY_OBJECTS = frozenset(
    ["car", "bus", "truck", "traffic light", "fire hydrant", "stop sign", "parking meter", "train"]
)
COUNTRY_OBJECTS = frozenset(["horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"])
CITY_CLASSES = frozenset(
    [
        "streetcar", "trolleybus", "cab", "school bus", "minibus", "police van", "fire engine", "garbage truck",
        "tow truck", "moving van", "limousine", "street sign", "traffic light", "parking meter",
        "triumphal arch", "obelisk", "fountain", "church", "mosque", "cinema", "bookshop", "restaurant",
        "barbershop", "tobacco shop", "toyshop", "shoe shop", "grocery store", "bakery", "butcher shop",
        "confectionery", "steel arch bridge", "suspension bridge", "viaduct", "water tower",
    ]
)  # fmt: skip
COUNTRY_CLASSES = frozenset(
    [
        "alp", "valley", "cliff", "lakeside", "seashore", "promontory", "sandbar", "volcano", "geyser",
        "coral reef", "barn", "hay", "thatch", "yurt", "worm fence", "stone wall", "tractor", "harvester",
        "ox", "hog", "ram", "bighorn", "maze", "megalith",
    ]
)  # fmt: skip
# Rooms, by the COCO classes that name them (the first match wins: a toilet makes a sink a bathroom's).
ROOMS: tuple[tuple[str, frozenset[str]], ...] = (
    ("bathroom", frozenset(["toilet", "toothbrush", "hair drier"])),
    ("kitchen", frozenset(["oven", "microwave", "refrigerator", "toaster", "sink"])),
    ("bedroom", frozenset(["bed", "teddy bear"])),
    ("living room", frozenset(["couch", "tv", "remote"])),
    ("office", frozenset(["laptop", "keyboard", "mouse"])),
    ("dining room", frozenset(["dining table"])),
)
# Outdoor places, by the COCO classes that suggest them.
PLACES: tuple[tuple[str, frozenset[str]], ...] = (
    ("on a street", frozenset(["car", "bus", "truck", "motorcycle", "traffic light", "fire hydrant", "stop sign", "parking meter"])),
    ("on or by the water", frozenset(["boat", "surfboard"])),
    ("in the snow", frozenset(["skis", "snowboard"])),
    ("in a field or on a farm", frozenset(["horse", "sheep", "cow"])),
    ("in the wild or at a zoo", frozenset(["elephant", "bear", "zebra", "giraffe"])),
    ("by a railway", frozenset(["train"])),
    ("at an airport or in the sky", frozenset(["airplane"])),
)  # fmt: skip
CLASS_FLOOR = 0.1  # classifier guesses below this are not evidence of a setting
DAY_SKY = 0.45  # open sky at least this bright (mean luminance, 0-1) is daylight ...
NIGHT_SKY = 0.3  # ... and at most this dark is dusk or night
DAY_PICTURE = 0.45  # an outdoor picture without open sky this bright overall is taken by day
DETECTION_FLOOR = 0.6  # nor are detections below this: a stray 'mouse' makes no office


@dataclass
class SceneJudgement:
    """The setting the evidence points to (None when nothing does), with the items behind it."""

    setting: Setting | None
    indoor: list[Any] = field(default_factory=list)  # detections and classifier labels, by evidence id
    outdoor: list[Any] = field(default_factory=list)
    room: tuple[str, list[Any]] | None = None
    place: tuple[str, list[Any]] | None = None


def _confident(detections: Sequence[Any], labels: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The detections and classifier guesses sure enough to vote."""
    sure = [d for d in detections if (d.score or 0) >= DETECTION_FLOOR]
    return sure, [lab for lab in labels if (lab.score or 0) >= CLASS_FLOOR]


def _voters(detections: list[Any], guesses: list[Any], objects: Any, classes: Any) -> list[Any]:
    """The detections of ``objects`` and the guesses among ``classes``: one vote each for one side."""
    return [d for d in detections if d.label in objects] + [
        lab for lab in guesses if first_name(lab.label).lower() in classes
    ]


def judge(detections: Sequence[Any], labels: Sequence[Any], sky: Any = None) -> SceneJudgement:
    """Weigh the things seen: each confident indoor or outdoor detection is one vote, a classifier guess
    above ``CLASS_FLOOR`` one more, open sky (an evidence item, when given) one more; a tie is no verdict."""
    detections, guesses = _confident(detections, labels)
    indoor = _voters(detections, guesses, INDOOR_OBJECTS, INDOOR_CLASSES)
    outdoor = _voters(detections, guesses, OUTDOOR_OBJECTS, OUTDOOR_CLASSES)
    outdoor += [sky] if sky is not None else []
    setting: Setting | None = None
    if len(indoor) != len(outdoor):
        setting = "indoors" if len(indoor) > len(outdoor) else "outdoors"
    judgement = SceneJudgement(setting, indoor, outdoor)
    named = {d.label for d in detections}
    if setting == "indoors":
        judgement.room = next(
            ((room, [d for d in detections if d.label in kinds]) for room, kinds in ROOMS if named & kinds),
            None,
        )
    if setting == "outdoors":
        judgement.place = next(
            (
                (place, [d for d in detections if d.label in kinds])
                for place, kinds in PLACES
                if named & kinds
            ),
            None,
        )
    return judgement


@dataclass
class AreaJudgement:
    """A city or the countryside (None when nothing says), with the items behind it."""

    area: Literal["city", "countryside"] | None
    city: list[Any] = field(default_factory=list)
    country: list[Any] = field(default_factory=list)


def judge_area(detections: Sequence[Any], labels: Sequence[Any]) -> AreaJudgement:
    """Traffic and street furniture against farm animals, fields and wild places, voted as ``judge`` votes."""
    detections, guesses = _confident(detections, labels)
    city = _voters(detections, guesses, CITY_OBJECTS, CITY_CLASSES)
    country = _voters(detections, guesses, COUNTRY_OBJECTS, COUNTRY_CLASSES)
    area: Literal["city", "countryside"] | None = None
    if len(city) != len(country):
        area = "city" if len(city) > len(country) else "countryside"
    return AreaJudgement(area, city, country)


def daylight(
    sky_luminance: float | None, picture_luminance: float, outdoors: bool
) -> Literal["day", "night"] | None:
    """Day or night from the open sky's brightness (0-1), else from a bright outdoor picture; None when
    neither tells (a room, a mid-bright sky at dusk, a dark picture that may just be underexposed)."""
    if sky_luminance is not None:
        if sky_luminance >= DAY_SKY:
            return "day"
        return "night" if sky_luminance <= NIGHT_SKY else None
    if outdoors and picture_luminance >= DAY_PICTURE:
        return "day"
    return None
