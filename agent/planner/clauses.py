"""A question put in more than one clause, or in another word order, made one direct question.

People set the scene before they ask ("in this photo, is there a bus?", "on the saucer, is there a
spoon?"), name the topic and then ask about it ("the ribbon, which colour is it?", "squares: how many of
them are there?", "looking at the cup, is the spoon to its left?"), state what they believe and tag it
("there is a bus here, right?", "the text says python, doesn't it?"), or put the wh-word last ("the sky is
what colour?", "the cup has what drink in it?"). Each is rewritten here, on normalised text, to the
direct question the rest of the parser reads.
"""

from __future__ import annotations

import re

from argus.agent.core.lexicon import AUX_WORDS, WH_START, WH_WORDS

AUXILIARIES = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "am",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "has",
        "have",
    ]
)
# Words that open the subject of an embedded clause: "(where) the cat (is)", "(how many) there (are)".
SUBJECT_STARTS = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "there",
        "it",
        "they",
        "he",
        "she",
        "you",
        "i",
        "we",
        "my",
        "your",
        "his",
        "her",
        "its",
        "their",
        "our",
    ]
)
# Words that join a question to the one before, never a topic: "and how many of them are near the bus?".
LINKS = frozenset(
    ["and", "but", "so", "or", "then", "also", "now", "well", "ok", "okay", "yes", "no", "what", "if"]
)
IMAGE = r"(?:image|picture|photo|photograph|pic|scene|frame|shot|scan|snapshot|view)"
QUESTION_START = rf"(?:{WH_WORDS}|{AUX_WORDS}|any|count|name|tell|describe|read)"
ATTRIBUTES = r"(?:colou?rs?|shape|size|kind|type|sort)"
PRONOUN_TAG = r"(?:it|there|they|he|she|this|that|i|you|we)"
# A tag that asks to confirm the statement before it: "..., right?", "..., isn't it?", "..., yes or no?".
TAG = (
    rf"(?: (?:right|correct|true|yes|ok|okay|am i right|yes or no|or not)|"
    rf" {AUX_WORDS} not {PRONOUN_TAG}| {AUX_WORDS} {PRONOUN_TAG} not)$"
)
NEGATIVE = re.compile(r"\b(?:not|no|none|never|nothing|nobody|neither|without|zero)\b")
# Verbs a statement about a picture is made with, and their bare forms: "the text says python".
VERBS = {
    "says": "say", "shows": "show", "wears": "wear", "has": "have", "contains": "contain",
    "includes": "include", "depicts": "depict", "mentions": "mention", "reads": "read", "looks": "look",
    "seems": "seem", "appears": "appear", "holds": "hold", "carries": "carry", "faces": "face",
    "needs": "need", "wear": "wear", "have": "have", "show": "show", "look": "look", "hold": "hold",
}  # fmt: skip
FILLERS = r"\b(?:right now|just now|at the moment|at present|currently)\b"


def reorder(text: str) -> str:
    """The direct question ``text`` (normalised) asks in one clause; ``text`` itself when it is one."""
    text = re.sub(FILLERS, "", text)
    text = " ".join(text.split())
    text = _leading_context(text)
    text = _topic(text)
    text = _tagged(text)
    return _wh_last(text)


def ask(clause: str) -> str | None:
    """A statement made a yes/no question: 'there is a cat' -> 'is there a cat', 'you can see a tie' ->
    'can you see a tie', 'the table has a cup on it' -> 'does the table have a cup on it'; None when the
    statement has no auxiliary to put first."""
    tokens = clause.split()
    for i, token in enumerate(tokens):
        if token in ("that", "which", "who", "if", "whether"):
            return None  # a clause inside the clause: its verb is not the question's
        if i == 0 or token not in AUXILIARIES:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in ("has", "have") and after in ("a", "an", "any", "some", "the", "no", "many", "more"):
            return " ".join(["does" if token == "has" else "do", *tokens[:i], "have", *tokens[i + 1 :]])
        return " ".join([token, *tokens[:i], *tokens[i + 1 :]])
    return None


def ask_wh(clause: str) -> str:
    """An embedded wh-clause in question order: 'where the cat is' -> 'where is the cat', 'how many people
    there are' -> 'how many people are there', 'what you see' -> 'what do you see'."""
    tokens = clause.split()
    i = 1
    while i < len(tokens) and tokens[i] not in AUXILIARIES and tokens[i] not in SUBJECT_STARTS:
        if tokens[i] == "of" and i + 1 < len(tokens):  # "which side of the picture": still the wh-phrase
            i += 2
            while i < len(tokens) and tokens[i] not in AUXILIARIES and tokens[i] not in SUBJECT_STARTS:
                i += 1
            break
        i += 1
    if i >= len(tokens) or tokens[i] in AUXILIARIES:
        return clause  # "what is in the picture": the wh-word is the subject, already in order
    for k in range(i + 1, len(tokens)):
        if tokens[k] in AUXILIARIES:
            return " ".join([*tokens[:i], tokens[k], *tokens[i:k], *tokens[k + 1 :]])
    if tokens[i] in ("you", "i", "we", "they"):
        return " ".join([*tokens[:i], "do", *tokens[i:]])
    for k in range(i + 1, min(len(tokens), i + 6)):
        if tokens[k] in VERBS:  # "what the sign says" -> "what does the sign say"
            does = "does" if tokens[k].endswith("s") else "do"
            return " ".join([*tokens[:i], does, *tokens[i:k], VERBS[tokens[k]], *tokens[k + 1 :]])
    return clause


def _leading_context(text: str) -> str:
    """'in this photo is there a bus' -> 'is there a bus'; 'on the saucer is there a spoon' -> 'is there a
    spoon on the saucer'; 'behind the two men what vehicle is parked' -> 'what vehicle is parked behind
    the two men'."""
    match = re.match(
        rf"^((?:in|on|inside|within|at|behind|under|across|from|looking at|on top of|in front of) "
        rf"(?:the|this|that|these|those|its|her|his|their) (?:\w+ ){{0,3}}?\w+) (?={QUESTION_START}\b)(.+)$",
        text,
    )
    if match is None:
        return text
    place, question = match.group(1), match.group(2)
    if re.fullmatch(rf"(?:in|on|within|from|looking at) (?:the|this|that) {IMAGE}", place):
        return question
    if place.startswith("looking at "):
        return _pronoun_to(question, place.removeprefix("looking at "))
    if re.search(r"\b(?:its|it|them|they)\b", question):
        return _pronoun_to(question, place.split(" ", 1)[1])
    return f"{question} {place}"


def _topic(text: str) -> str:
    """'the ribbon which colour is it' -> 'which colour is the ribbon'; 'squares how many of them are
    there' -> 'how many squares are there'; 'there is one pink object what is it' -> 'what is the pink
    object'."""
    match = re.match(
        rf"^(?:there (?:is|are) (?:a |an |one |some )?)?((?:the |this |that |these |those )?(?!{QUESTION_START}\b)"
        rf"(?:\w+ ){{0,3}}?\w+) (?={WH_WORDS}\b)(.+)$",
        text,
    )
    if match is None:
        return text
    topic, question = match.group(1), match.group(2)
    if set(topic.split()) & (AUXILIARIES | LINKS):
        return text  # "the cup has what drink in it", "and how many of them ...": no topic named
    many = re.match(r"^how (?:many|much) of (?:them|those|these|they) (.+)$", question)
    if many:
        return f"how many {topic.split(' ', 1)[1] if topic.startswith('the ') else topic} {many.group(1)}"
    if not re.search(r"\b(?:it|its|them|they|one)$|\b(?:it|its|them|they) ", question):
        return text
    if not topic.startswith(("the ", "this ", "that ", "these ", "those ")):
        topic = f"the {topic}"
    return _pronoun_to(question, topic)


def _pronoun_to(question: str, thing: str) -> str:
    """The question with 'it', 'its' and 'them' standing for ``thing``, in question order."""
    if not thing.startswith(("the ", "this ", "that ", "these ", "those ")):
        thing = f"the {thing}"
    question = re.sub(
        r"\bto its (left|right) or to its (left|right)\b", rf"to the \1 or to the \2 of {thing}", question
    )
    question = re.sub(r"\bits (left|right|top|bottom)\b", rf"the \1 of {thing}", question)
    question = re.sub(r"\b(?:it|them|they)\b", thing, question, count=1)
    if WH_START.match(question):
        question = ask_wh(question)
    return question


def _tagged(text: str) -> str:
    """'there is a bus here right' -> 'is there a bus here'; 'the text says python does not it' -> 'does
    the text say python'. A negative statement is left to the parser's confirmation forms."""
    match = re.match(rf"^(.+?){TAG}", text)
    if match is None or re.search(r"\b(?:or|the|to|on|at|and|far|left|top|bottom|up) right$", text):
        return text  # "is it on the left or right", "the spoon is on the right": a side, not a tag
    statement = match.group(1)
    if re.match(rf"^{QUESTION_START}\b", statement):
        return statement  # "is it sharp enough, yes or no?", "is this an x-ray, right?"
    if NEGATIVE.search(statement) or statement.split()[0] not in SUBJECT_STARTS | {"a", "an"}:
        return text  # "triage this scan, is it urgent or not?": no statement to confirm
    return statement_question(statement) or text


def statement_question(statement: str) -> str | None:
    """'there is a cat' -> 'is there a cat'; 'she wears glasses' -> 'does she wear glasses'; None when the
    statement has no verb to ask with."""
    asked = ask(statement)
    if asked is not None:
        return asked
    tokens = statement.split()
    for i, token in enumerate(tokens[1:5], start=1):
        if token in VERBS:
            does = "does" if token.endswith("s") else "do"
            return " ".join([does, *tokens[:i], VERBS[token], *tokens[i + 1 :]])
    return None


def _wh_last(text: str) -> str:
    """'the animal shown is what' -> 'what is the animal shown'; 'the sky is what colour in this photo' ->
    'what colour is the sky in this photo'; 'the cup has what drink in it' -> 'what drink does the cup
    have in it'; 'which colour has the sky (got)' -> 'which colour is the sky'."""
    has_attribute = re.match(rf"^(what|which) ({ATTRIBUTES}) (?:has|have) (the .+?)(?: got)?$", text)
    if has_attribute:
        return f"{has_attribute.group(1)} {has_attribute.group(2)} is {has_attribute.group(3)}"
    if re.match(rf"^{QUESTION_START}\b", text):
        return text
    copula = re.match(
        rf"^((?:the|this|that|these|those|her|his|its|their) .+?) (is|are) (what|which)( {ATTRIBUTES})?(?: (.+))?$",
        text,
    )
    if copula:
        subject, verb, wh, attribute, rest = copula.groups()
        asked = f"{wh}{attribute or ''} {verb} {subject}"
        return f"{asked} {rest}" if rest else asked
    having = re.match(r"^((?:the|this|that|these|those) .+?) (has|have) (what|which) (\w+)(?: (.+))?$", text)
    if having:
        subject, verb, wh, noun, rest = having.groups()
        if re.fullmatch(ATTRIBUTES, noun):
            return f"{wh} {noun} is {subject}"
        if rest in ("in it", "on it", "inside it", "in them", "on them"):
            return f"{wh} {noun} is {rest.split()[0]} {subject}"  # "the cup has what drink in it"
        asked = f"{wh} {noun} {'does' if verb == 'has' else 'do'} {subject} have"
        return f"{asked} {rest}" if rest else asked
    return text
