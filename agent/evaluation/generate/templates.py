"""The machinery every question family shares: templates, a deck that deals them so that each is used
before any is used twice, the generated question, and the noun phrases that name things.

A template is a sentence with slots (``{obj}``, ``{objs}``, ``{colour}`` ...) and the root op of the
program that answers it. A family's builder fills one template for one scene, or returns None when
the scene cannot answer it truthfully (no unique referent, an unclear relation ...).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from argus.agent.evaluation.generate.language import (
    ABSENT_CLASSES,
    SHAPE_WORDS,
    SOLID_THING_WORDS,
    SOLID_WORDS,
    THING_WORDS,
    article,
    colour_answers,
    colour_name,
    colour_spelling,
    number_word,
    plural,
)
from argus.agent.evaluation.generate.scene import Scene, Selector, Thing

KIND_WORDS: dict[str, tuple[str, ...]] = {
    **{k: tuple(v) for k, v in SHAPE_WORDS.items()},
    **{k: tuple(v) for k, v in SOLID_WORDS.items()},
    **ABSENT_CLASSES,
}
SIZE_WORDS = {"small": ("small", "little"), "large": ("large", "big")}
SIZE_ANSWERS = {"small": ["small", "little", "tiny"], "large": ["large", "big", "huge"]}


@dataclass(frozen=True)
class Template:
    family: str
    key: str  # family/number, stable across runs
    kind: str  # what the template asks within its family (colour, left_of, read, ...)
    text: str
    op: str  # the expected root op of the program
    negated: bool = False  # a yes/no template whose answer is the negation of what it names


def templates(family: str, rows: list[tuple[str, str, str] | tuple[str, str, str, bool]]) -> list[Template]:
    """Templates from (kind, op, text[, negated]) rows, numbered in order."""
    return [
        Template(family, f"{family}/{n:02d}", row[0], row[2], row[1], bool(row[3]) if len(row) > 3 else False)
        for n, row in enumerate(rows, start=1)
    ]


@dataclass
class Question:
    """A filled template: its text and what answers it."""

    text: str
    op: str
    short_answer: list[str] | None = None
    mentions: list[list[str]] | None = None
    refused: bool | None = None
    tags: set[str] = field(default_factory=set)
    protect: tuple[str, ...] = ()  # words the typo injector must leave alone


Builder = Callable[[Template, Scene, random.Random], Question | None]


class Deck:
    """Deals a family's templates least recently used first, skipping those a scene cannot answer."""

    def __init__(self, items: list[Template], rng: random.Random) -> None:
        self._queue = list(items)
        rng.shuffle(self._queue)
        self.used: dict[str, int] = {t.key: 0 for t in items}

    def deal(self, scene: Scene, rng: random.Random, build: Builder) -> tuple[Template, Question] | None:
        for index, template in enumerate(self._queue):
            question = build(template, scene, rng)
            if question is not None:
                self._queue.append(self._queue.pop(index))
                self.used[template.key] += 1
                return template, question
        return None


# ------------------------------------------------------------------------------- filling slots


class Slots(dict):
    """Template slots; ``{colour}`` is spelled colour or color at random and recorded as a tag."""

    def __init__(self, rng: random.Random, tags: set[str], **values: str) -> None:
        super().__init__(values)
        spelling = colour_spelling(rng)
        self["colour"] = spelling
        self._tags = tags
        self._spelling = spelling

    def __getitem__(self, key: str) -> str:
        if key == "colour":
            self._tags.add(self._spelling)
        return super().__getitem__(key)


def fill(template: Template, rng: random.Random, tags: set[str], **values: str) -> str:
    if "{objs" in template.text:
        tags.add("plural")
    text = template.text.format_map(Slots(rng, tags, **values))
    return text[:1].upper() + text[1:]


def say_number(n: int, rng: random.Random, tags: set[str]) -> str:
    if rng.random() < 0.35:
        tags.add("number word")
        return number_word(n)
    return str(n)


def thing_word(scene: Scene, rng: random.Random, plural_form: bool = False) -> str:
    """A generic noun for the scene's things: shape, object, thing ..."""
    words = (
        SOLID_THING_WORDS
        if scene.family == "solids"
        else ("object", "thing", "item")
        if scene.family == "pasted"
        else THING_WORDS
    )
    word = rng.choice(words)
    return plural(word) if plural_form else word


def kind_word(scene: Scene, kind: str, rng: random.Random, tags: set[str]) -> str:
    """A noun for ``kind`` that fits every thing of that kind in the scene (so "women" is never used
    when one of the people is a man); synonyms are tagged."""
    sources = [t.words for t in scene.things if t.kind == kind] or [KIND_WORDS.get(kind, (kind,))]
    shared = [w for w in sources[0] if all(w in s for s in sources)]
    word = rng.choice(shared)
    if word != sources[0][0]:
        tags.add("synonym")
    return word


def words_for_kind(scene: Scene, kind: str) -> tuple[str, ...]:
    for thing in scene.things:
        if thing.kind == kind:
            return thing.words
    return KIND_WORDS.get(kind, (kind,))


def phrase(scene: Scene, sel: Selector, rng: random.Random, tags: set[str], plural_form: bool = False) -> str:
    """Words that name the selector's things: "small red circle", "big cubes", "gray objects"."""
    parts = []
    if sel.size:
        parts.append(rng.choice(SIZE_WORDS[sel.size]))
    if sel.colour:
        name = colour_name(sel.colour, rng)
        if name == "grey":
            tags.add("grey")
        parts.append(name)
    noun = kind_word(scene, sel.kind, rng, tags) if sel.kind else thing_word(scene, rng)
    text = " ".join([*parts, noun])
    return plural(text) if plural_form else text


def name_slots(
    template: Template, scene: Scene, sel: Selector, rng: random.Random, tags: set[str], suffix: str = ""
) -> dict[str, str]:
    """The ``{obj}``, ``{a_obj}`` and ``{objs}`` slots (with ``suffix``: ``{objs2}`` ...) that the
    template uses, naming the selector's things; slots it does not use are not made (nor tagged)."""
    values: dict[str, str] = {}
    if f"{{obj{suffix}}}" in template.text or f"{{a_obj{suffix}}}" in template.text:
        obj = phrase(scene, sel, rng, tags)
        values |= {f"obj{suffix}": obj, f"a_obj{suffix}": article(obj)}
    if f"{{objs{suffix}}}" in template.text:
        values[f"objs{suffix}"] = phrase(scene, sel, rng, tags, plural_form=True)
    return values


def with_article(text: str) -> str:
    return article(text)


def names_for(thing: Thing) -> list[str]:
    """Every short answer that names ``thing``: its nouns, alone or with its colour and size."""
    names: list[str] = []
    colours = colour_answers(thing.colour) if thing.colour else []
    sizes = SIZE_ANSWERS.get(thing.size or "", [])
    for word in thing.words:
        names.append(word)
        names += [f"{c} {word}" for c in colours]
        names += [f"{s} {word}" for s in sizes]
        names += [f"{s} {c} {word}" for s in sizes for c in colours]
    return list(dict.fromkeys(names))


def selector_answers(scene: Scene, sel: Selector, others: Selector) -> list[str]:
    """Short answers that pick ``sel`` out against ``others`` ("red circles", or just "red")."""
    nouns = words_for_kind(scene, sel.kind) if sel.kind else ("",)
    colours = colour_answers(sel.colour) if sel.colour else [""]
    sizes = SIZE_ANSWERS[sel.size] if sel.size else [""]
    answers = [" ".join(p for p in (s, c, n) if p) for s in sizes for c in colours for n in nouns]
    if sel.colour and sel.colour != others.colour:
        answers += colour_answers(sel.colour)
    if sel.kind and sel.kind != others.kind:
        answers += list(nouns)
    if sel.size and sel.size != others.size:
        answers += SIZE_ANSWERS[sel.size]
    return list(dict.fromkeys(a for a in answers if a))


def yes_no(value: bool) -> list[str]:
    return ["yes"] if value else ["no"]
