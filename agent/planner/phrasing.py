"""The plain question inside the many ways people put it, so that every form reads one phrasing.

People wrap a question in courtesy ("hey, could you tell me ..., please"), embed it ("I wonder whether
there is a dog", "can you tell me where the cat is"), hedge it ("would you say the star is big?", "could
this be an MRI?"), or cut it short ("motorcycle colour?", "purple shape bigger than green star?"). Each
is rewritten here to the direct question ("is there a dog", "where is the cat", "is the star big", "is
this an MRI", "what colour is the motorcycle"), on text already made regular by ``normalize``.
"""

from __future__ import annotations

import re

from argus.agent.core.lexicon import AUX_WORDS, COLOUR_WORDS, SIZE_WORDS, WH_START, WH_WORDS
from argus.agent.planner.clauses import AUXILIARIES, SUBJECT_STARTS, ask, ask_wh, reorder
from argus.tools.words import number_value

# Words no noun phrase in a short question is made of: "is it in colour" names no thing.
STOP = (
    AUXILIARIES
    | SUBJECT_STARTS
    | frozenset(
        [
            "in",
            "of",
            "on",
            "at",
            "to",
            "for",
            "with",
            "a",
            "an",
            "any",
            "some",
            "what",
            "which",
            "who",
            "where",
            "how",
            "not",
            "no",
            "or",
            "and",
            "same",
        ]
    )
)
NEGATIVE = re.compile(r"\b(?:not|no|none|never|nothing|nobody|neither|without|zero)\b")

COURTESY_BEFORE = (
    r"^(?:(?:hey|hi|hello|hiya|ok|okay|um|uhm|er|well|right|excuse me|sorry|quick question|"
    r"just (?:wondering|curious|checking)|out of curiosity|question|please|pls|plz|kindly|one more thing)\b\s*)+"
)
COURTESY_AFTER = (
    r"(?:\s+\b(?:please|pls|plz|thanks|thank you|thx|for me|if you can|if you could|if possible|"
    r"if you do not mind|by any chance|for me please))+$"
)
# A request around a question: what follows is the question itself, embedded ("whether ...", "where ...").
WRAPPER = (
    r"^(?:(?:can|could|would|will) you (?:please )?(?:tell|let|show) me(?: know)?|(?:please )?tell me|"
    r"(?:please )?let me know|i would (?:like|love|want) to know|i (?:want|need|would like|would love) to know|"
    r"i am (?:curious|wondering|asking)(?: about)?|i was wondering|i wonder|i am not sure|"
    r"do you (?:know|think you can tell me)|any idea|(?:can|could) you (?:please )?(?:tell|say|check|see|"
    r"figure out|work out|determine|find out)|(?:please )?(?:check|find out|figure out|work out|see)|"
    r"(?:are|would) you (?:be )?able to (?:tell|say)(?: me)?|(?:please )?count|i need to know|(?:please )?say me)\s+"
)
# Requests that name what they want rather than ask it: "tell me the colour of the bus".
NAMING_WRAPPER = (
    r"^(?:(?:can|could|would|will) you (?:please )?tell me|(?:please )?tell me|(?:please )?let me know|"
    r"i would (?:like|love|want) to know|i (?:want|need|would like) to know|do you know|i need to know)\s+"
    r"(?=the |this |that |its |his |her |their )"
)
# Commands put as questions: "can you identify this object?" is "identify this object".
COMMANDS = (
    r"^(?:(?:can|could|would|will) you (?:please )?|please )(?=(?:identify|name|describe|read|count|list|"
    r"summari[sz]e|transcribe|outline|segment|classify|recogni[sz]e|caption|spell|give me|write|explain)\b)"
)
HEDGES = (
    (
        r"^(?:could|might|can|may|would|will) (this|it|that) (?:possibly |perhaps |maybe |really )?be\b"
        r"(?! (?:wrong|right|true|false|correct|incorrect|fair|accurate|untrue|a mistake|ok|okay|possible)\b)",
        r"is \1",
    ),
    (r"^(?:am i|are we|are you) (?:looking at|seeing|viewing)\b", "is this"),
    # "where do you think this was taken?" -> "where was this taken", "what do you think the man is
    # holding?" -> "what is the man holding", "how many people do you think are there?"
    (
        r"^((?:what|where|who|which|when|why|how)(?: \w+){0,2}) (?:do|would|did) you (?:think|reckon|suppose|guess|say|believe) "
        r"(?!(?:is|are|was|were)\b)(.+?) (is|are|was|were|will be) ?(.*)$",
        r"\1 \3 \2 \4",
    ),
    (
        r"^((?:what|where|who|which|how)(?: \w+){0,2}) (?:do|would|did) you (?:think|reckon|suppose|guess|say|believe) "
        r"((?:is|are|was|were)\b.*)$",
        r"\1 \2",
    ),
    (r"^(is|are|was) (this|it|that) (?:maybe|possibly|perhaps|probably|likely|really|actually)\b", r"\1 \2"),
    (r"\b(?:mostly|mainly|primarily|predominantly|largely|generally|basically|actually|overall)$", ""),
    (r"\b(?:mostly|mainly|primarily|predominantly|largely|basically|actually) (?=\w)", ""),
    (r"\b(is|are|was|were) (?:located|situated|positioned|placed)\b", r"\1"),
    (r"\b(\w+er) then\b", r"\1 than"),  # "bigger then" for "bigger than"
    (r"\b(?:colou?red|painted) the same(?: colou?r)?\b", "the same colour"),
    (r"\b(?:of|in) the same colou?r\b", "the same colour"),
)
SIZES = r"(?:big|large|small|little|tiny|huge)"
PLACES = r"(?:on|in|inside|under|beside|next to|near|behind|in front of)"
# Other word orders for the same question.
# Words that judge a whole picture or place: "safe scene?" asks whether the scene is safe.
PREDICATES = (
    r"(?:safe|secure|dangerous|unsafe|blurry|blurred|sharp|dark|bright|noisy|urgent|normal|abnormal|clear|"
    r"empty|crowded|focused|overexposed|underexposed)"
)
IMAGE_NOUNS = r"(?:image|picture|photo|photograph|scene|frame|shot|scan)"
REWORDINGS = (
    # "who is closest to the camera?", "who is holding the ball?": which of the people in view
    (
        r"^who (is|are|'s) (?=(?:the )?(?:taller|tallest|shorter|shortest|closer|closest|nearer|nearest|further|"
        r"furthest|farther|farthest|bigger|biggest|larger|largest|smaller|smallest)\b|(?!being\b)[a-z]{2,}ing\b)",
        r"which person is ",
    ),
    # "what colour eyes does the cat have" -> "what colour are the eyes of the cat"
    (r"^what (colou?r|shape|size) (\w+s) (?:does|do) (the .+?) have$", r"what \1 are the \2 of \3"),
    (r"^what (colou?r|shape|size) (\w+) (?:does|do) (the .+?) have$", r"what \1 is the \2 of \3"),
    # "name the colours in this image", "what are the colours present in the picture"
    (
        r"^(?:name|list|give me|identify|what are|what is) the (colou?rs|shapes) (?:present |visible |shown |used )?",
        r"what \1 are ",
    ),
    # "how big is the star, large or small" -> "is the star large or small"
    (rf"^(?:how (?:big|large|small)|what size) (is|are) (.+?) ({SIZES}) or ({SIZES})$", r"\1 \2 \3 or \4"),
    # "what side of the picture is the man standing on" -> "... is the man on"
    (r"^((?:what|which) side .+?) (?:standing|sitting|lying|located|placed|positioned) on$", r"\1 on"),
    # "does the table have a cup on it" -> "is there a cup on the table"
    (
        rf"^(?:does|do) (the .+?) (?:have|hold|carry) (an?|any|some) (.+?) ({PLACES}) (?:it|them)$",
        r"is there \2 \3 \4 \1",
    ),
    # "which side of the cup is the spoon on" -> "is the spoon to the left or to the right of the cup"
    (
        r"^(?:which|what) side of (the (?!(?:image|picture|photo|photograph|frame|scene|screen) (?:is|are) )[\w ]+?) (?:is|are) (the .+?) on(?: (?:the )?left or (?:the )?right)?$",
        r"is \2 to the left or to the right of \1",
    ),
    # "is the image too dark to see" -> "is the image too dark"
    (r"\btoo (dark|bright|light|dim) to (?:see|make out|view)(?: anything| much)?$", r"too \1"),
    # "what colour shirt is the man on the left wearing", "what colour is the coat the man wears"
    (
        r"^what colou?r (\w+) (?:is|are) (?:the )?(.+?) (?:wearing|dressed in|in)$",
        r"what colour is the \1 of the \2",
    ),
    (
        r"^what (?:is the )?colou?r (?:is |of )?the (\w+) (?:that |which )?(?:the )?(.+?) (?:is |are )?(?:wearing|wears|has on)$",
        r"what colour is the \1 of the \2",
    ),
    (r"\bthe (\w+) of the (?:she|her)$", r"her \1"),
    (r"\bthe (\w+) of the (?:he|him)$", r"his \1"),
    (r"\bthe (\w+) of the (?:they|them)$", r"their \1"),
    # "how much persons are there" -> "how many persons are there"
    (r"\bhow much (?!(?:is|does|was|has|this|less|more|space|area|percent)\b)(?=\w+(?:s|ple) )", "how many "),
    # "is the number of coins more than 20" -> "are there more than 20 coins"
    (
        r"^(?:is|are) the (?:number|count|amount|total) of (.+?) (more|greater|bigger|higher|larger|over|above) than (\S+)$",
        r"are there more than \3 \1",
    ),
    (
        r"^(?:is|are) the (?:number|count|amount|total) of (.+?) (fewer|less|smaller|lower|under|below) than (\S+)$",
        r"are there fewer than \3 \1",
    ),
    # "by how many do the blue items outnumber the small rectangles", "blue items minus little rectangles"
    (r"^by how many (?:do|does) (.+?) outnumber (.+)$", r"how many more \1 than \2 are there"),
    (
        r"^(?:the )?(?:number of )?((?:\w+ ){0,3}\w+s) minus (?:the )?(?:number of )?((?:\w+ ){0,3}\w+s)$",
        r"what is the difference between the number of \1 and the number of \2",
    ),
    # "which object is the only pink one" -> "which object is pink"
    (r"^(what|which) (\w+) (is|are) the only (\w+) (?:one|ones|thing|object|item)$", r"\1 \2 \3 \4"),
    (
        r"^(what|which) (\w+) (is|are) the only (?:one|thing|object|item) (?:that|which) (?:is|are) (\w+)$",
        r"\1 \2 \3 \4",
    ),
    # "does it have craters", "does the picture show a dog" -> "is there ..."
    (
        rf"^(?:does|do) (?:it|this|the {IMAGE_NOUNS}|this {IMAGE_NOUNS}) (?:have|contain|show|include|feature) (.+)$",
        r"is there \1",
    ),
    # "on the right side of the cup", "on the left-hand side of" -> "to the right of"
    (r"\b(?:on|to|at) the (left|right)(?:[- ]hand)? side of\b", r"to the \1 of"),
    # "is water visible in this photo" -> "is there water visible in this photo"
    (
        r"^(is|are) (?!(?:the|this|that|these|those|it|there|any|anything|anyone|not|no)\b)((?:\w+ ){0,2}\w+ (?:visible|present|shown|to be seen)\b)",
        r"\1 there \2",
    ),
    # "is this an outdoor photo" -> "is this outdoors"
    (r"\b(?:an? )?(indoor|outdoor) (?:photo|photograph|picture|image|shot|scene|setting|snapshot)$", r"\1s"),
    # "is this image enough sharp" -> "is this image sharp enough"
    (r"\benough (sharp|clear|bright|focused|big|large|good|detailed|crisp|readable)$", r"\1 enough"),
)
CASUAL_WORDS = {"pic": "picture", "pics": "pictures", "snap": "picture", "snaps": "pictures", "img": "image",
               "pict": "picture", "foto": "photo", "fotos": "photos", "piccy": "picture", "u": "you", "ur": "your",
               "r": "are", "ppl": "people", "ppls": "people", "folks": "people", "folk": "people"}  # fmt: skip
ATTRIBUTE_NOUNS = r"(?:colou?rs?|shape|size)"
NOT_A_THING = (
    r"(?:same|main|dominant|primary|predominant|overall|exact|actual|real|general|what|which|other|whole)"
)
THING_NOUNS = frozenset(["shape", "object", "thing", "item", "figure", "one"])  # "the yellow shape's shape"
COMPARATIVE = r"(?:\w+er than|more \w+ than|as \w+ as)"


def plain(text: str) -> str:
    """The direct question that ``text`` (normalised) asks; ``text`` itself when it is already direct."""
    text = " ".join(CASUAL_WORDS.get(w, w) for w in text.split() if w not in ("-", "--", "—"))
    text = re.sub(r"\b(a|one|two|three|four|five|six|seven|eight|nine) hundred\b", _hundreds, text)
    text = _trim(text)
    for _ in range(2):  # "hey, can you tell me whether ..., please": a courtesy around a wrapper
        unwrapped = _unwrap(text)
        if unwrapped == text:
            break
        text = _trim(unwrapped)
    text = reorder(text)
    for pattern, repl in HEDGES:
        text = re.sub(pattern, repl, text).strip()
    for pattern, repl in REWORDINGS:
        text = re.sub(pattern, repl, text).strip()
    text = _hedged_statement(text)
    text = _attribute_after_noun(text)
    text = _relative_attribute(text)
    text = _counted_attribute(text)
    text = _shared_noun(text)
    return _terse(text)


def _hundreds(match: re.Match[str]) -> str:
    """'a hundred' -> '100', 'two hundred' -> '200'."""
    return str(100 * (number_value(match.group(1)) or 1))


def _trim(text: str) -> str:
    text = re.sub(COURTESY_BEFORE, "", text)
    return re.sub(COURTESY_AFTER, "", text).strip()


def _unwrap(text: str) -> str:
    """'i wonder whether there is a dog' -> 'is there a dog'; 'tell me where the cat is' -> 'where is the
    cat'; 'tell me the colour of the bus' -> 'what is the colour of the bus'."""
    command = re.match(COMMANDS, text)
    if command:
        return text[command.end() :]
    wrapped = re.match(WRAPPER, text)
    if wrapped:
        rest = text[wrapped.end() :]
        embedded = re.match(r"^(?:if|whether) (.+?)(?: or not)?$", rest)
        if embedded:
            asked = ask(embedded.group(1))
            return asked if asked else text
        if WH_START.match(rest):
            return ask_wh(rest)
    naming = re.match(NAMING_WRAPPER, text)
    if naming:
        rest = text[naming.end() :]
        return f"what {'are' if _plural_head(rest) else 'is'} {rest}"
    return text


def _plural_head(phrase: str) -> bool:
    head = phrase.split(" of ")[0].split()[-1]
    return head.endswith("s") and not head.endswith("ss")


def _hedged_statement(text: str) -> str:
    """'would you say the star is large?' -> 'is the star large'; 'would you call this scan normal?' ->
    'is this scan normal'. A negative statement is left to the confirmation forms."""
    say = re.match(
        r"^(?:would|do|did) you (?:say|think|agree|reckon|believe)(?: that)? (.+)$|^i (?:think|guess|suppose)(?: that)? (.+?)(?: right| correct)?$",
        text,
    )
    if say:
        clause = say.group(1) or say.group(2)
        if NEGATIVE.search(clause):
            return text
        return ask(clause) or text
    call = re.match(r"^(?:would|do) you (?:call|consider|rate|judge) (.+) (\w+)$", text)
    if call and not NEGATIVE.search(call.group(1)):
        return f"is {call.group(1)} {call.group(2)}"
    return text


def _attribute_after_noun(text: str) -> str:
    """'the horse colour' (from "the horse's colour") -> 'the colour of the horse'; 'motorcycle colour'
    alone -> 'what colour is the motorcycle'."""
    terse = re.match(rf"^(?:the )?((?:\w+ ){{0,3}}?\w+) ({ATTRIBUTE_NOUNS})$", text)
    if (
        terse
        and not re.match(rf"^{NOT_A_THING}\b", terse.group(1))
        and not STOP & set(terse.group(1).split())
    ):
        noun = terse.group(1)
        return f"what {terse.group(2)} {'are' if _plural_head(noun) else 'is'} the {noun}"

    def of_noun(match: re.Match[str]) -> str:
        noun, attribute = match.group(1), match.group(2)
        if STOP & set(noun.split()) or re.match(rf"^{NOT_A_THING}\b", noun):
            return match.group(0)
        if attribute == "shape" and noun.split()[-1] not in THING_NOUNS:
            return match.group(0)  # "what shape is the yellow shape": the shape is the thing
        return f"the {attribute} of the {noun}"

    return re.sub(
        rf"\bthe ((?:\w+ ){{0,2}}?\w+) ({ATTRIBUTE_NOUNS})\b(?! of\b)(?=$| (?:is|are|like)\b)", of_noun, text
    )


def _relative_attribute(text: str) -> str:
    """'a triangle that is green' -> 'a green triangle', 'stars which are big' -> 'big stars'."""
    words = "|".join(sorted({*COLOUR_WORDS, *SIZE_WORDS}, key=len, reverse=True))
    return re.sub(
        rf"\b(\w+) (?:that|which) (?:is|are) ({words})(?=$| (?:in|on|here|there|anywhere)\b)", r"\2 \1", text
    )


def _counted_attribute(text: str) -> str:
    """'how many squares are black on this board' -> 'how many black squares are on this board'."""
    words = "|".join(sorted({*COLOUR_WORDS, *SIZE_WORDS}, key=len, reverse=True))
    return re.sub(rf"^how many (\w+) (are|is) ({words}) (?=(?:on|in|at) )", r"how many \3 \1 \2 ", text)


def _shared_noun(text: str) -> str:
    """'white and black squares' -> 'white squares and black squares': one noun for two kinds; 'which
    circle is bigger, the orange one or the purple one?' -> '..., the orange circle or the purple circle'."""
    words = "|".join(sorted({*COLOUR_WORDS, *SIZE_WORDS}, key=len, reverse=True))
    text = re.sub(rf"\b({words}) and ({words}) (\w+s)\b", r"\1 \3 and \2 \3", text)
    named = re.match(r"^which (\w+) ", text)
    if named and named.group(1) not in ("one", "ones", "of", "is", "are", "way", "side"):
        noun = named.group(1)
        text = re.sub(rf"\bthe ({words}) ones?\b", rf"the \1 {noun}", text)
        text = re.sub(rf"\bthe ({words}) or the ({words})$", rf"the \1 {noun} or the \2 {noun}", text)
        # "which circle is bigger the orange circle or the purple circle" -> "which is bigger ..."
        text = re.sub(
            rf"^which {noun} (is|are) (\w+er|more \w+|less \w+) (the .+ or the .+)$", r"which \1 \2 \3", text
        )
    return text


def _terse(text: str) -> str:
    """A question cut to its words: 'purple shape bigger than green star' -> 'is the purple shape bigger
    than the green star'; 'green star big or small' -> 'is the green star big or small'."""
    if re.match(rf"^(?:{WH_WORDS}|{AUX_WORDS}|there|any|no)\b", text):
        return text
    compared = re.match(rf"^((?:\w+ ){{0,3}}\w+) ({COMPARATIVE}) ((?:\w+ ){{0,3}}\w+)$", text)
    if compared and not compared.group(1).startswith(("more", "fewer", "less")):
        return f"is the {compared.group(1)} {compared.group(2)} the {compared.group(3).removeprefix('the ')}"
    anywhere = re.match(
        r"^((?:an? |any |some )?(?:\w+ ){0,2}\w+) (anywhere|somewhere|visible|present|around)\b(.*)$", text
    )
    if anywhere:  # "dog anywhere in this shot" -> "is there a dog anywhere in this shot"
        return f"is there {anywhere.group(1)} {anywhere.group(2)}{anywhere.group(3)}"
    judged = re.match(
        rf"^({PREDICATES}) (?:the |this )?({IMAGE_NOUNS}|area|place|study|situation|room)$", text
    )
    if judged:  # "safe scene" -> "is the scene safe"
        return f"is the {judged.group(2)} {judged.group(1)}"
    words = "|".join(sorted(SIZE_WORDS, key=len, reverse=True))
    offered = re.match(rf"^((?:\w+ ){{0,3}}\w+) ((?:{words}) or (?:{words}))$", text)
    if offered:
        return f"is the {offered.group(1).removeprefix('the ')} {offered.group(2)}"
    return text
