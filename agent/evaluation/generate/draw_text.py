"""Signs, labels and short pages in Pillow's bundled font, with the text they hold as their truth.

- a sign: one or two words on a coloured panel on a wall;
- a label: a white sticker on a cardboard-brown box;
- a page: a title line over two to four lines of body text.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from argus.agent.evaluation.generate.scene import Scene

WIDTH, HEIGHT = 320, 240

SIGNS = (
    "EXIT", "NO ENTRY", "STOP", "KEEP OUT", "WET FLOOR", "PLATFORM 4", "GATE 12", "CAFE OPEN", "PRIVATE",
    "FREE PARKING", "SLOW DOWN", "FIRE DOOR", "LOADING BAY", "RECEPTION", "STAFF ONLY", "NO SMOKING",
    "TOILETS", "LIBRARY", "BUS STOP", "ROOM 101", "DANGER", "QUIET PLEASE", "ONE WAY", "TICKETS",
    "OUT OF ORDER", "PUSH", "CLOSED", "WELCOME", "FRESH BREAD", "MIND THE GAP", "NO CYCLING",
    "DEEP WATER", "HIGH VOLTAGE", "FIRST AID", "LOST PROPERTY", "DRINKING WATER",
)  # fmt: skip
LABELS = (
    "FRAGILE", "THIS SIDE UP", "KEEP DRY", "BATCH 42", "KEEP FROZEN", "SIZE M", "FLOUR 1 KG", "GLASS",
    "HANDLE WITH CARE", "LOT 7781", "SAMPLE B3", "HEAVY", "ORGANIC", "SPARE PARTS", "RETURN TO SENDER",
)  # fmt: skip
TITLES = (
    "Garden Club Notes", "Harbour Repairs", "Winter Timetable", "Kitchen Rules", "Lab Safety",
    "Library Hours", "Museum Guide", "Picnic Plan", "Bike Repair", "Choir Practice", "Science Fair",
    "Recycling Guide", "Ferry Times", "Book Sale", "Football Training", "Art Class", "Bakery Orders",
    "Camping Checklist", "Pool Opening", "Chess Tournament",
)  # fmt: skip
SENTENCES = (
    "Meet at the north gate at nine.", "Bring water and a warm coat.", "Tickets cost four pounds.",
    "The hall opens on Monday.", "Please wash your hands first.", "Lunch is served at noon.",
    "Gloves are in the blue cupboard.", "Ask Maria about the keys.", "Parking is behind the station.",
    "The ferry leaves every hour.", "No dogs on the beach today.", "Return books by Friday.",
    "Paint brushes need rinsing.", "The oven stays hot for hours.", "Goggles must be worn.",
    "Seeds arrive next week.", "Sign up at the front desk.", "Practice starts at six sharp.",
    "Bread is baked every morning.", "Tents go on the east field.", "The pool closes at dusk.",
    "Boards are set up in pairs.", "Helmets are free to borrow.", "Chairs go back in rows.",
)  # fmt: skip
PANELS = (
    ((200, 30, 30), (255, 255, 255)),
    ((20, 130, 60), (255, 255, 255)),
    ((25, 70, 170), (255, 255, 255)),
    ((245, 210, 30), (0, 0, 0)),
    ((250, 250, 250), (0, 0, 0)),
    ((20, 20, 20), (245, 210, 30)),
)
WALLS = ((150, 140, 130), (200, 195, 185), (110, 120, 130), (185, 200, 210), (95, 85, 80))


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable font (no system fonts needed)."""
    return ImageFont.load_default(size=size)


def _fitting(draw: ImageDraw.ImageDraw, lines: list[str], width: int, size: int) -> int:
    while size > 10 and max(draw.textlength(line, font=font(size)) for line in lines) > width:
        size -= 2
    return size


def _split(text: str) -> list[str]:
    """Long sign texts go on two lines, split at the space nearest the middle."""
    words = text.split()
    if len(words) < 3:
        return [text]
    best = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def sign_scene(scene_id: str, rng: random.Random, text: str) -> tuple[Image.Image, Scene]:
    wall, (panel, ink) = rng.choice(WALLS), rng.choice(PANELS)
    image = Image.new("RGB", (WIDTH, HEIGHT), wall)
    draw = ImageDraw.Draw(image)
    lines = _split(text)
    pw, ph = rng.randint(230, 290), rng.randint(110, 150) if len(lines) == 1 else rng.randint(150, 190)
    x0, y0 = (WIDTH - pw) // 2 + rng.randint(-10, 10), (HEIGHT - ph) // 2 + rng.randint(-15, 15)
    draw.rectangle((x0, y0, x0 + pw, y0 + ph), fill=panel, outline=(40, 40, 40), width=3)
    size = _fitting(draw, lines, pw - 30, rng.choice((40, 44, 48)))
    _centred(draw, lines, (x0, y0, x0 + pw, y0 + ph), size, ink)
    return image, _scene(scene_id, "sign", sign=text)


def label_scene(scene_id: str, rng: random.Random, text: str) -> tuple[Image.Image, Scene]:
    box = rng.choice(((176, 132, 84), (160, 118, 72), (190, 150, 100)))
    image = Image.new("RGB", (WIDTH, HEIGHT), box)
    draw = ImageDraw.Draw(image)
    draw.line((0, rng.randint(20, 40), WIDTH, rng.randint(20, 40)), fill=(140, 100, 60), width=6)  # tape seam
    lines = _split(text)
    lw, lh = rng.randint(200, 260), 90 if len(lines) == 1 else 130
    x0, y0 = (WIDTH - lw) // 2 + rng.randint(-20, 20), (HEIGHT - lh) // 2 + rng.randint(0, 20)
    draw.rectangle((x0, y0, x0 + lw, y0 + lh), fill=(250, 250, 245), outline=(90, 90, 90), width=2)
    size = _fitting(draw, lines, lw - 24, rng.choice((32, 36)))
    _centred(draw, lines, (x0, y0, x0 + lw, y0 + lh), size, (15, 15, 15))
    return image, _scene(scene_id, "label", sign=text)


def page_scene(scene_id: str, rng: random.Random, title: str, body: list[str]) -> tuple[Image.Image, Scene]:
    paper = rng.choice(((255, 255, 255), (250, 246, 232), (242, 242, 236)))
    image = Image.new("RGB", (WIDTH, HEIGHT), paper)
    draw = ImageDraw.Draw(image)
    title_size = _fitting(draw, [title], WIDTH - 30, 28)
    draw.text((15, 16), title, fill=(10, 10, 10), font=font(title_size))
    draw.line((15, 58, WIDTH - 15, 58), fill=(120, 120, 120), width=2)
    body_size = _fitting(draw, body, WIDTH - 30, 17)
    for k, line in enumerate(body):
        draw.text((15, 74 + k * 36), line, fill=(30, 30, 30), font=font(body_size))
    return image, _scene(scene_id, "page", title=title, body=body)


def _scene(scene_id: str, surface, **text) -> Scene:
    return Scene(
        id=scene_id,
        family="signs",
        image=f"img/{scene_id}.png",
        width=WIDTH,
        height=HEIGHT,
        surface=surface,
        **text,
    )


def _centred(
    draw: ImageDraw.ImageDraw, lines: list[str], box: tuple[int, int, int, int], size: int, ink
) -> None:
    step = size + 12
    top = (box[1] + box[3]) // 2 - (step * len(lines) - 12) // 2
    for k, line in enumerate(lines):
        w = draw.textlength(line, font=font(size))
        draw.text(((box[0] + box[2] - w) / 2, top + k * step), line, fill=ink, font=font(size))
