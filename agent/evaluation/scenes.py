"""The synthetic scenes of the evaluation suite, drawn with Pillow so their truth is known by
construction. ``python -m argus.agent.evaluation.scenes`` writes them beside this file; a test checks that the
committed PNGs still hold these pixels.

- shapes.png: on white, 3 red circles, 2 blue squares and 1 green triangle, well apart.
- circles.png: on white, 5 orange circles of different sizes.
- dark.png: astronaut.png at 6% brightness (underexposed).
- blurred.png: camera.png under a Gaussian blur of radius 6 (not sharp).
- card.png: black text "ARGUS EVAL 2024" and "GATE 7 OPEN" on white.
- blank.png: one flat gray.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent / "suites"


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable font (no system fonts needed)."""
    return ImageFont.load_default(size=size)


def shapes() -> Image.Image:
    image = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(image)
    for x, y in ((70, 70), (200, 70), (330, 70)):
        draw.ellipse((x - 40, y - 40, x + 40, y + 40), fill=(220, 30, 30))
    for x in (60, 200):
        draw.rectangle((x, 180, x + 80, 260), fill=(30, 60, 210))
    draw.polygon([(360, 260), (440, 260), (400, 180)], fill=(30, 170, 60))
    return image


def circles() -> Image.Image:
    image = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(image)
    for x, y, r in ((70, 80, 40), (200, 90, 30), (340, 80, 50), (120, 230, 45), (330, 240, 35)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(245, 140, 20))
    return image


def dark() -> Image.Image:
    from argus.tools.base import package_sample

    with Image.open(package_sample("skimage", "data/astronaut.png")) as im:
        picture = im.convert("RGB").resize((256, 256))
    return ImageEnhance.Brightness(picture).enhance(0.06)


def blurred() -> Image.Image:
    from argus.tools.base import package_sample

    with Image.open(package_sample("skimage", "data/camera.png")) as im:
        picture = im.convert("L").resize((256, 256))
    return picture.filter(ImageFilter.GaussianBlur(6))


def card() -> Image.Image:
    image = Image.new("RGB", (640, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "ARGUS EVAL 2024", fill="black", font=font(56))
    draw.text((40, 140), "GATE 7 OPEN", fill="black", font=font(56))
    return image


def blank() -> Image.Image:
    return Image.new("RGB", (320, 240), (128, 128, 128))


SCENES = {
    "shapes.png": shapes,
    "circles.png": circles,
    "dark.png": dark,
    "blurred.png": blurred,
    "card.png": card,
    "blank.png": blank,
}


def main() -> None:
    for name, draw in SCENES.items():
        draw().save(HERE / name)


if __name__ == "__main__":
    main()
