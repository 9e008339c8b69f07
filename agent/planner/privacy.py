"""Requests Argus must refuse, read on meaning rather than on one phrasing: who a depicted person is,
what they feel, and their sensitive attributes (age, gender, ethnicity, religion, health, orientation).

The question is read as an attacker might write it: Unicode folded (NFKC) and zero-width characters
dropped, leetspeak undone ("wh0 1s th1s"), in English, Spanish, German, French, Italian, Portuguese and
Chinese, and "Is this <Name Surname>?" counts as identification. A question about text in the image
("who is the sign addressed to") is not about a person. Questions in a language Argus cannot parse
fall to "unanswerable", so nothing is ever inferred about a person from them either.
"""

from __future__ import annotations

import re

from argus.agent.planner.normalize import clean

LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)

PERSON = (
    r"(?:he|she|they|him|her|them|this person|that person|the person|this man|that man|the man|this woman|"
    r"that woman|the woman|this guy|the guy|this girl|the girl|this boy|the boy|this lady|the lady|"
    r"the people|these people|those people|the kid|the child|the player|the astronaut|the figure|someone|anyone|"
    r"the (?:man|woman|person|guy|girl|boy|lady|kid|child) (?:on|in|at|to) the \w+|"
    r"the (?:left|right|middle|first|second|tall|short|young|old)(?:most)? (?:man|woman|person|one))"
)

IDENTITY = re.compile(
    rf"\bwho (?:is|are|was|were|'s)\b|\bidentif(?:y|ies|ied|ication)(?: of)? {PERSON}|\brecogni[sz](?:e|es|ed|ing|tion)(?: of)? {PERSON}|"
    rf"\bname (?:of |for )?{PERSON}|\b(?:identify|recogni[sz]e) (?:this|the|that) (?:face|celebrity)|"
    r"\bwhat(?:'s| is| was) (?:his|her|their|(?:the|this|that) \w+'s?) names?\b|\bname (?:of|for) (?:the|this|that) "
    r"(?:person|man|woman|guy|girl|boy|lady|kid|child|player)\b|\bface ?(?:id|match|search|recognition)\b|"
    r"\bmatch (?:the|this) face\b|\bdo you know (?:him|her|them|this person|who)\b|\bwhose face\b|"
    r"\b(?:tell me|know|wonder|wondering|curious|guess|say|ask you) who\b|\bname (?:him|her|them|this person|these people)\b|\bwho (?:this|that) (?:is|was)\b|"
    r"\bcelebrity\b|\bfamous person\b|\b(?:someone|somebody|anyone|anybody) (?:famous|well known|important|known)\b|"
    rf"\b(?:is|was) {PERSON} (?:famous|well known|a celebrity|a public figure|known)\b|"
    r"\b(?:is|was) (?:this|that|he|she|it) (?:my|our|your|his|her|their) (?:\w+ )?(?:neighbou?r|friend|wife|husband|"
    r"partner|boss|colleague|mother|father|mum|mom|dad|brother|sister|son|daughter|cousin|ex|boyfriend|girlfriend|"
    r"teacher|student|employee|tenant|landlord)\b|"
    rf"\b(?:find|search for|look up|track down|trace|locate|stalk) (?:{PERSON}|this face|her|him) "
    r"(?:on|online|in (?:a|the|any) (?:database|register)|on the (?:internet|web)|elsewhere|anywhere else)\b|"
    r"\blook (?:him|her|them|this person) up\b|"
    r"\b(?:social media|facebook|instagram|linkedin|twitter) (?:profile|account|page)\b|"
    # Spanish, German, French, Italian, Portuguese, Chinese
    r"\bqui[eé]n(?:es)? (?:es|son|era)\b|\bc[oó]mo se llama\b|\bidentifica\b|\bwer (?:ist|sind|war)\b|"
    r"\bwie hei(?:ß|ss)t\b|\berkenn\w*\b|\bqui (?:est|sont|était)\b|\bcomment s'appelle\b|\bidentifie\b|"
    r"\bchi (?:è|e|sono)\b|\bcome si chiama\b|\bquem (?:é|e|são)\b|\bcomo se chama\b|是谁|谁是|叫什么|名字|认出|身份",
    re.I,
)
EMOTION = re.compile(
    r"\b(?:emotions?|emotional|feel|feels|feeling|feelings|mood|moods|angry|anger|mad|happy|happiness|sad|"
    r"sadness|afraid|scared|fear|frightened|upset|nervous|anxious|anxiety|stressed|depressed|smil(?:e|es|ed|ing)|"
    r"frown(?:s|ed|ing)?|cry(?:ing)?|laugh(?:s|ed|ing)?|facial expression|expression on|joyful|excited|bored|"
    r"worried|annoyed|furious|cheerful|grumpy|calm|relaxed|lonely|in love|jealous|"
    # Spanish, German, French, Italian, Portuguese, Chinese
    r"feliz|triste|enojad[oa]|enfadad[oa]|emoci[oó]n|sonr[ií]e|gl[uü]cklich|traurig|w[uü]tend|gef[uü]hl|l[aä]chelt|"
    r"heureux|heureuse|en col[eè]re|[ée]motion|sourit|felice|arrabbiat[oa]|sorride|zangad[oa]|sorrindo)\b|"
    r"开心|高兴|生气|难过|伤心|情绪|心情|微笑|快乐",
    re.I,
)
SENSITIVE = re.compile(
    r"\b(?:ethnicity|ethnic|racial|religion|religious|faith|creed|muslim|christian|jewish|hindu|buddhist|gay|lesbian|"
    r"sexual orientation|sexuality|political (?:view|views|party|leaning)|pregnant|disabled|disability|"
    r"nationality|immigrant|illegal alien|citizenship|how old|what age|age of|(?:his|her|their) age|"
    r"where (?:is|are|was|were|does|do|did) (?:he|she|they|the \w+|this \w+|that \w+) (?:come )?from|"
    r"(?:his|her|their|what|which) race|guess (?:his|her|their|the) age|gender|sex of|"
    r"male or female|man or (?:a )?woman|boy or (?:a )?girl|home address|(?:his|her|their) address|"
    r"(?:which|what) (?:man|woman|person|one|guy|lady|of (?:the \w+|them|these|those|the two)) (?:is|looks|seems) (?:the )?"
    r"(?:older|younger|oldest|youngest)|"
    r"phone number|email address|where (?:does|do|did) (?:he|she|they|the \w+|this \w+|that \w+) (?:\w+ )?(?:live|work|sleep)|"
    r"personal details|contact details|"
    # Spanish, German, French, Italian, Portuguese, Chinese
    r"edad|cu[aá]ntos a[nñ]os|g[eé]nero|raza|religi[oó]n|wie alt|geschlecht|quel [aâ]ge|sexe|"
    r"quanti anni|sesso|quantos anos|idade)\b|多大|年龄|性别|种族|宗教",
    re.I,
)
# Attributes that are sensitive only when asked of a person: "is he sick?", not "is the scan sharp?".
PERSON_ATTRIBUTE = re.compile(
    rf"\b(?:is|are|was|does|do|looks?) {PERSON} (?:look(?:s|ing)? |seem(?:s|ing)? |appear(?:s|ing)? )?(?:to be )?(?:an? )?"
    r"(?:man|woman|male|female|boy|girl|sick|ill|healthy|unwell|obese|overweight|fat|thin|rich|poor|attractive|"
    r"pretty|ugly|beautiful|handsome|old|young|criminal|dangerous|trustworthy|gay|straight|foreign|american|"
    r"european|african|asian|muslim|christian|jewish|pregnant|disabled|drunk|high)\b",
    re.I,
)
# "Is this a man?", "Is it a girl?": a person's sex asked of the picture itself.
PICTURE_GENDER = re.compile(
    r"^(?:is|was|isn't) (?:this|that|it) (?:a |an )?(?:man|woman|boy|girl|male|female|lady|gentleman|guy)\??$",
    re.I,
)
# A depicted person's health: "does the man have any illness?" (a patient's scan is triage, not this).
PERSON_HEALTH = re.compile(
    rf"\b(?:does|do|did|has|have) {PERSON} (?:have|has|got|suffer from|show signs? of) (?:any |an? |some )?"
    r"(?:illness|illnesses|disease|diseases|condition|medical condition|disorder|health (?:problem|issue)s?|"
    r"sickness|infection|mental illness|addiction)\b",
    re.I,
)
# "Is this Grace Hopper?", "Is that Barack Obama": a name, asked of a depicted person.
NAMED = re.compile(
    r"^(?i:is|was|isn't|could) (?i:this|that|he|she|it|the person|the (?:man|woman|guy|lady))(?: (?i:really|actually|not))?"
    r"(?: be)? ([A-Z][a-z]+(?: [A-Z][a-z.]+)+)\s*\??$"
)
# "Who is in the restricted zone?" asks whether anyone is there, not who they are; "who is pointing?",
# "who is wearing a hat?" and "who is taller?" ask which of the people in view, not who they are.
WHO_IS_THERE = re.compile(
    r"\bwho(?: is|'s| are)? (?:in|inside|at|near|on|standing in|standing at|within|entering|present|"
    r"(?!being\b)[a-z]{2,}ing|(?:the )?(?:taller|tallest|shorter|shortest|closer|closest|nearer|nearest|further|"
    r"furthest|farther|farthest|bigger|biggest|larger|largest|smaller|smallest|older|younger))\b",
    re.I,
)
ABOUT_TEXT = re.compile(
    r"\b(?:text|sign|written|writes|says|label|logo|caption|letter|addressed|page|poster|card)\b", re.I
)
ABOUT_PEOPLE = re.compile(
    rf"\b{PERSON}\b|\b(?:people|person|persons|man|woman|men|women|kid|kids|child|face|faces)\b", re.I
)


def unmask(question: str) -> str:
    """The question as it reads with Unicode tricks and leetspeak undone."""
    text = clean(question)
    letters = [c for c in text if c.isalpha()]
    digits = sum(c in "0134579@$" for c in text)
    if digits and letters and re.search(r"[a-z][0134579@$]|[0134579@$][a-z]", text, re.I):
        text = text.translate(LEET)
    return text


def requests(question: str) -> dict[str, bool]:
    """Which refusable requests the question makes (typos mended too: 'is the man upsset?')."""
    from argus.agent.planner.normalize import normalize

    plain = requests_in(unmask(question), question)
    mended = requests_in(_mended(normalize(unmask(question))), question)
    return {key: plain[key] or mended[key] for key in plain}


def requests_in(text: str, question: str) -> dict[str, bool]:
    about_text = bool(ABOUT_TEXT.search(text))
    identity = (
        bool(IDENTITY.search(WHO_IS_THERE.sub("anyone", text)) or NAMED.match(clean(question)))
        and not about_text
    )
    emotion = bool(EMOTION.search(text)) and not (about_text and not ABOUT_PEOPLE.search(text))
    sensitive = bool(
        SENSITIVE.search(text)
        or PERSON_ATTRIBUTE.search(text)
        or PERSON_HEALTH.search(text)
        or PICTURE_GENDER.search(text.strip())
    ) and not (about_text and not ABOUT_PEOPLE.search(text))
    # "How old is this photo?" asks about the image, not a person.
    if sensitive and re.search(
        r"\bhow old is (?:the|this) (?:photo|picture|image|building|car|scan)\b", text, re.I
    ):
        sensitive = False
    return {"face_identification": identity, "emotion": emotion, "sensitive_attribute": sensitive}


# Words whose typos must still be refused ("upsset", "smilling", "ethnicty").
PRIVACY_WORDS = (
    "angry", "happy", "sad", "upset", "afraid", "scared", "nervous", "anxious", "smiling", "smile", "crying",
    "laughing", "emotion", "feeling", "mood", "ethnicity", "religion", "gender", "identify", "recognize",
    "recognise", "nationality", "pregnant", "disabled", "name", "who",
)  # fmt: skip


def _mended(text: str) -> str:
    import difflib

    from argus.agent.planner.normalize import english_words

    words = english_words()
    out = []
    for token in text.split():
        if len(token) >= 4 and token.isalpha() and token not in words:
            close = difflib.get_close_matches(token, PRIVACY_WORDS, n=1, cutoff=0.8)
            token = close[0] if close else token
        out.append(token)
    return " ".join(out)
