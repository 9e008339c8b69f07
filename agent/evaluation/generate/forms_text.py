"""Reading: "What does the sign say?", "Does the page mention tickets?", "What is the title?"."""

from __future__ import annotations

import random
import re

from argus.agent.evaluation.generate.draw_text import LABELS, SENTENCES, SIGNS, TITLES
from argus.agent.evaluation.generate.scene import Scene
from argus.agent.evaluation.generate.templates import Question, Template, fill, templates, yes_no

TEXT = templates(
    "text",
    [
        ("read_sign", "read_text", "what does the sign say?"),
        ("read_sign", "read_text", "what is written on the sign?"),
        ("read_sign", "read_text", "read the sign for me."),
        ("read", "read_text", "what does this say?"),
        ("read_sign", "read_text", "what words are on the sign?"),
        ("read", "read_text", "what's written here?"),
        ("read", "read_text", "can you read the text?"),
        ("read_label", "read_text", "what does the label say?"),
        ("read_label", "read_text", "what is printed on the label?"),
        ("read_label", "read_text", "read out the label."),
        ("read_label", "read_text", "what text is on the sticker?"),
        ("read_sign", "read_text", "what's the sign telling people?"),
        ("read", "read_text", "transcribe the text in this image."),
        ("read", "read_text", "what do the letters spell?"),
        ("read_sign", "read_text", "what message is on the panel?"),
        ("read", "read_text", "which words can you make out?"),
        ("read_sign", "read_text", "what does the notice say?"),
        ("read", "read_text", "tell me what's written on it."),
        ("contains_sign", "text_contains", "does the sign mention {word}?"),
        ("contains", "text_contains", "does the text say anything about {word}?"),
        ("contains", "text_contains", "is the word {word} written here?"),
        ("contains", "text_contains", "does it say {word}?"),
        ("contains", "text_contains", "is {word} mentioned anywhere?"),
        ("contains", "text_contains", "can you find the word {word} in the text?"),
        ("contains_page", "text_contains", "does the page talk about {word}?"),
        ("contains", "text_contains", "is there anything about {word} written here?"),
        ("contains_label", "text_contains", "does the label mention {word}?"),
        ("contains", "text_contains", "do you see the word {word} anywhere?"),
        ("contains", "text_contains", "is {word} written somewhere in the image?"),
        ("contains_page", "text_contains", "does the notice contain the word {word}?"),
        ("contains", "text_contains", "any mention of {word}?"),
        ("contains", "text_contains", "does the writing include {word}?"),
        ("title", "title", "what is the title?"),
        ("title", "title", "what's the heading of this page?"),
        ("title", "title", "what does the title say?"),
        ("title", "title", "what is the page called?"),
        ("title", "title", "read me the headline."),
        ("title", "title", "what is written at the top of the page?"),
        ("title", "title", "what's the name of this document?"),
        ("title", "title", "what is the heading?"),
        ("title", "title", "which title does the page have?"),
        ("title", "title", "what does the first line say?"),
        ("title", "title", "what is this page titled?"),
        ("title", "title", "tell me the title of this notice."),
    ],
)

STOP = {
    "the", "and", "for", "are", "with", "your", "this", "that", "every", "first", "need", "must", "stays",
    "next", "out", "one", "off", "not", "per", "its", "all", "has", "was", "you", "ask", "get",
}  # fmt: skip


def words_of(text: str) -> list[str]:
    """The words of ``text`` a question may ask about: three letters or more, or numbers."""
    return [
        w for w in re.findall(r"[A-Za-z0-9]+", text) if (len(w) >= 3 or w.isdigit()) and w.lower() not in STOP
    ]


VOCABULARY = sorted(
    {w.lower() for t in (*SIGNS, *LABELS, *TITLES, *SENTENCES) for w in words_of(t) if not w.isdigit()}
)


def build_text(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family != "signs":
        return None
    kind = template.kind
    surface = kind.split("_")[1] if "_" in kind else None
    if surface is not None and surface != scene.surface:
        return None
    tags: set[str] = set()
    if kind.startswith("read"):
        if scene.sign is None:
            return None
        return Question(fill(template, rng, tags), "read_text", [scene.sign], tags=tags)
    if kind == "title":
        if scene.title is None:
            return None
        return Question(fill(template, rng, tags), "title", [scene.title], tags=tags)
    text = " ".join(scene.text_lines)
    present = rng.random() < 0.5
    mine = {w.lower() for w in words_of(text)}
    if present and not mine:
        return None
    if present:
        word = rng.choice(sorted(mine))
    else:
        others = [w for w in VOCABULARY if not any(w in m or m in w for m in mine)]
        word = rng.choice(others)
    word = rng.choice((word, word.upper(), word.capitalize())) if rng.random() < 0.3 else word
    quoted = rng.choice((word, f'"{word}"', f"'{word}'"))
    if quoted != word:
        tags.add("quoted")
    question = fill(template, rng, tags, word=quoted)
    return Question(question, "text_contains", yes_no(present), tags=tags, protect=(word,))
