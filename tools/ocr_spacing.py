"""Put back the spaces between words that RapidOCR's recogniser drops.

The PP-OCRv4 recognition model that ships in ``rapidocr-onnxruntime`` often joins Latin words
("Region-basedsegmentation" from scikit-image ``page.png``). RapidOCR's maintainers confirm the
cause is the model (RapidAI/RapidOCR#341) and none of its options (``text_score``, ``use_cls``,
``box_thresh``, ``unclip_ratio``, ``return_word_box``) brings the space back; ``return_word_box``
only gives one box per character, placed where the CTC decoder fired.

Those boxes are synthetic (equal width, centred on each character's CTC column), so the gap
between two boxes reflects glyph widths more than word breaks: in "based segmentation" the
distance d->s across the space (20 px) is close to g->m inside a word (17 px). The ink is what
tells the two apart, so we look at it: the line is cut out of the image the way RapidOCR cuts it,
its letters are found as ink blobs, and between every two neighbouring characters the widest run
of columns without ink is measured; runs clearly wider than the line's letter spacing are word
breaks (``GAP_ADVANCE``, ``GAP_TYPICAL``). No space goes before closing punctuation or after an
opening bracket, and characters of CJK scripts, written without spaces, are never separated.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Two neighbouring characters are a word apart when the blank run between them is at least
# GAP_ADVANCE of the line's median character advance (centre to centre) more than GAP_TYPICAL of
# the line's median blank run (its letter spacing). Fitted on 11,705 character pairs (1,788 word
# breaks) of 520 lines rendered in 33 DejaVu and Liberation faces at 15-28 px, dark on light and
# light on dark: 0.8% of pairs judged wrong there, against 1.2% for the best threshold on the
# advance alone; page.png is read right with either.
GAP_ADVANCE = 0.3
GAP_TYPICAL = 0.6
# A break the recogniser missed is at least this share of the narrowest break it wrote on the line.
KNOWN_SPACE_SHARE = 0.7
# The middle band of the cut-out line's rows, where lower-case letters have their bodies: ink blobs
# reaching it are this line's letters; blobs above or below it belong to the neighbouring lines.
BAND = (0.3, 0.7)
CJK_START = "\u2e80"  # CJK radicals onwards: scripts written without spaces between words
NO_SPACE_BEFORE = frozenset(".,:;!?%)]}'\"")
NO_SPACE_AFTER = frozenset("([{")


def restore_spaces(
    gray: np.ndarray,
    polygon: Sequence[Sequence[float]],
    chars: Sequence[str],
    char_boxes: Sequence[Sequence[Sequence[float]]],
) -> str | None:
    """The line's text with dropped spaces put back, or None when nothing changed.

    Args:
        gray: the whole image, (H, W) uint8.
        polygon: the line's four corners as RapidOCR returns them (top-left, top-right,
            bottom-right, bottom-left), in ``gray``'s pixels.
        chars: the recognised characters, spaces included, one per ``char_boxes`` entry.
        char_boxes: RapidOCR's per-character boxes (``return_word_box=True``), four points each.
    """
    import cv2

    if len(chars) < 2 or len(chars) != len(char_boxes):
        return None
    corners = np.asarray(polygon, np.float32)
    width = int(max(np.linalg.norm(corners[0] - corners[1]), np.linalg.norm(corners[2] - corners[3])))
    height = int(max(np.linalg.norm(corners[0] - corners[3]), np.linalg.norm(corners[1] - corners[2])))
    if width < 2 or height < 2 or height > width:  # vertical lines are cut and read differently
        return None
    target = np.asarray([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    crop = cv2.warpPerspective(
        gray, cv2.getPerspectiveTransform(corners, target), (width, height), borderMode=cv2.BORDER_REPLICATE
    )
    blank = _blank_columns(crop)
    if blank is None:
        return None

    # Each character's centre along the line, in the cut-out's columns.
    axis = corners[1] - corners[0]
    length = float(np.linalg.norm(axis))
    if length == 0:
        return None
    centres = np.asarray(char_boxes, np.float32).reshape(len(chars), -1, 2).mean(axis=1)
    along = (centres - corners[0]) @ (axis / length) * (width / length)

    pairs = [
        (i, i + 1)
        for i in range(len(chars) - 1)
        if not chars[i].isspace()
        and not chars[i + 1].isspace()
        and chars[i] < CJK_START
        and chars[i + 1] < CJK_START
    ]
    if not pairs:
        return None
    advance = float(np.median([along[j] - along[i] for i, j in pairs]))
    if advance <= 0:
        return None
    gaps = {i: _widest_run(blank, along[i], along[j]) for i, j in pairs}
    threshold = GAP_ADVANCE * advance + GAP_TYPICAL * float(np.median(list(gaps.values())))
    # Spaces the recogniser did write show how wide this line's word breaks are: a new one must come
    # close (large capitals have letter gaps wider than the fitted threshold, ARGUS is one word).
    kept = [
        _widest_run(blank, along[k - 1], along[k + 1])
        for k in range(1, len(chars) - 1)
        if chars[k].isspace() and not chars[k - 1].isspace() and not chars[k + 1].isspace()
    ]
    if kept:
        threshold = max(threshold, KNOWN_SPACE_SHARE * min(kept))
    breaks = {
        i
        for i, j in pairs
        if chars[j] not in NO_SPACE_BEFORE and chars[i] not in NO_SPACE_AFTER and gaps[i] >= threshold
    }
    if not breaks:
        return None
    return "".join(c + (" " if i in breaks else "") for i, c in enumerate(chars))


def _blank_columns(crop: np.ndarray) -> np.ndarray | None:
    """Per column of the cut-out line: True where none of the line's letters has ink; None if no ink.

    The paper or sign behind the text is rarely even (page.png darkens from right to left), so ink
    is found by its darkness relative to a local background estimate (a median over a window the
    line's height) rather than by one global threshold. The line's letters are the ink blobs that
    reach the middle band of rows, taken whole (a T keeps its crossbar); blobs only in the top or
    bottom rows are the descenders and ascenders of the lines above and below.
    """
    import cv2

    height = crop.shape[0]
    top, bottom = (round(f * height) for f in BAND)
    bottom = max(bottom, top + 1)
    # The cut-out's edges are mostly paper: text is dark when the edges are lighter than the line as a
    # whole. Light text is inverted so that ink is always darker than the paper. (Comparing the middle
    # rows with the rest fails on capitals, whose bars sit at the top and bottom.)
    edges = np.concatenate((crop[0], crop[-1], crop[:, 0], crop[:, -1])).astype(np.float32)
    if float(np.median(edges)) < float(crop.mean()):
        crop = 255 - crop
    background = cv2.medianBlur(crop, max(3, height // 2 * 2 + 1)).astype(np.float32)
    # Darkness relative to the local paper: a shadow dims paper and ink alike and leaves this alone.
    relative = np.clip((background - crop) / np.maximum(background, 1.0), 0.0, 1.0)
    contrast = np.round(relative * 255).astype(np.uint8)
    if int(contrast.max()) == 0:
        return None
    _, ink = cv2.threshold(contrast, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    _, blobs = cv2.connectedComponents(ink, connectivity=8)
    letters = np.setdiff1d(np.unique(blobs[top:bottom]), [0])
    return np.logical_not(np.isin(blobs, letters).any(axis=0))


def _widest_run(blank: np.ndarray, start: float, stop: float) -> int:
    """Width of the widest run of blank columns between two character centres."""
    segment = blank[max(0, int(round(start))) : max(0, int(round(stop)))]
    if not segment.any():
        return 0
    # Run lengths of True values: split at the False positions.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], segment.view(np.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max())
