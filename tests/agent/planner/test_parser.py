"""The parser: English questions into typed programs. Each row is a question and the program it must
become (rendered as one line by ``argus.agent.core.program.render``); several are regressions from the
evaluation suites, and the paraphrases check that forms, not phrasings, are read."""

from __future__ import annotations

import pytest

from argus.agent.core import program as p
from argus.agent.core.program import Program, render
from argus.agent.planner.parser import parse


def program(question: str, **options) -> str:
    return render(parse(question, **options).program.dump())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # counting, with synonyms, plurals and typos
        ("How many people are in this image?", "count(person)"),
        ("how mnay pepole are there", "count(person)"),
        ("How many big ites can you see?", "count(large object)"),  # a dropped letter, not "ties"
        ("How many yelow itmes are there?", "count(yellow object)"),
        ("How many oblongs are there?", "count(oblong)"),
        ("How many stars are in the hexagon?", "count(star inside the hexagon)"),
        ("How many squares are in the image?", "count(square)"),
        ("Count the kids.", "count(person)"),
        ("What is the number of automobiles?", "count(car)"),
        ("How many red circles are there?", "count(red circle)"),
        ("How many coins are there?", "count(coin)"),
        ("How many objects are there?", "count(object)"),
        ("How many people are near the bus?", "count(person near the bus)"),
        ("How many people have fallen?", "count(fallen person)"),
        # presence
        ("Is there a bus?", "exists(bus)"),
        ("Can you spot a dog?", "exists(dog)"),
        ("Do you see any umbrellas?", "exists(umbrella)"),
        ("Is there anything red in this picture?", "exists(red object)"),
        ("Is there a rocket?", "exists(rocket)"),
        ("Is the bus red?", "exists(red bus)"),
        ("Has anyone fallen?", "exists(fallen person)"),
        ("Did a person fall down?", "exists(fallen person)"),
        ("Is there a dog or a cat?", "exists(dog)"),
        ("Is the cat sleeping?", "exists(cat; unchecked=is sleeping)"),
        # numbers in yes/no questions
        ("Are there more than 20 coins?", "compare(coin; comparison=more; than=20)"),
        ("Are there exactly two cats?", "compare(cat; comparison=same; than=2)"),
        ("Are there 3 people?", "compare(person; comparison=same; than=3)"),
        ("Are there at least four cars?", "compare(car; comparison=at_least; than=4)"),
        # negation
        ("Is it true that there is no rectangle?", "not(exists(rectangle))"),
        ("There are no dogs in this picture, right?", "not(exists(dog))"),
        ("Are there no cats?", "not(exists(cat))"),
        # attributes
        ("What color is the bus?", "attribute(bus; attribute=colour)"),
        ("Which colour are the circles?", "attribute(circle; attribute=colour)"),
        ("What colours are in the image?", "attribute(object; attribute=colour)"),
        ("What shape is the red object?", "attribute(red object; attribute=shape)"),
        ("How big is the cat?", "attribute(cat; attribute=size)"),
        ("Where is the dog?", "attribute(dog; attribute=position)"),
        ("How much of the image does the bus cover?", "attribute(bus; attribute=area)"),
        # identification
        ("What animal is in this photo?", "identify(animal)"),
        ("Which kind of vehicle is shown?", "identify(vehicle)"),
        ("What is this?", "identify(object)"),
        ("What shapes do you see?", "identify(shape)"),
        # relations
        ("Is the man to the left of the bus?", "relate(person; relation=left_of; object: bus)"),
        ("Is the cup on the table?", "relate(cup; relation=on; object: dining table)"),
        (
            "Is the man on the left taller than the man on the right?",
            "relate(person; relation=taller_than; object: person)",
        ),
        ("Where is the man on the left standing relative to the bus?", "relate(person; object: bus)"),
        ("What is to the left of the bus?", "identify(object left of the bus)"),
        # comparison and arithmetic
        ("Are there more people than cars?", "compare(person; comparison=more; right: car)"),
        ("Are there fewer squares than circles?", "compare(square; comparison=fewer; right: circle)"),
        ("Are there as many circles as squares?", "compare(circle; comparison=same; right: square)"),
        (
            "If you remove all red spheres, how many objects are left?",
            "arithmetic(object; remove: red sphere)",
        ),
        ("If two more people arrive, how many people will there be?", "arithmetic(person; add=2)"),
        # text
        ("What does the text say?", "read_text()"),
        ("Does the page mention coins?", "text_contains(query=coins)"),
        ('Is the word "exit" written on the sign?', "text_contains(query=exit)"),
        ("What is the title of the page?", "title()"),
        # the image itself
        ("What kind of scan is this?", "modality()"),
        ("Is this a CT scan?", "modality(expected=CT)"),
        ("Is this image sharp enough?", "quality(aspect=sharp)"),
        ("Is the photo blurry?", "quality(aspect=blurry)"),
        ("Is the image too dark?", "quality(aspect=dark)"),
        ("Is this a color photo?", "quality(aspect=colour)"),
        ("Is the picture black and white?", "quality(aspect=grayscale)"),
        ("Is this radiograph good enough quality to read?", "quality(aspect=overall)"),
        ("What is happening in this picture?", "describe()"),
        ("Describe the scene.", "describe()"),
        # domains
        ("Triage this scan: is it urgent?", "triage()"),
        ("Is there any sign of diabetic retinopathy?", "triage(finding=diabetic retinopathy)"),
        ("Are there any security threats?", "assess(asked=alert)"),
        ("Is there an intrusion?", "assess(asked=intrusion)"),
        ("Who is the man on the left?", "refuse(face_identification)"),
        ("Is she angry?", "refuse(emotion)"),
    ],
)
def test_questions_become_programs(question: str, expected: str) -> None:
    assert program(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "What is the rule for blocked exit routes?",
        "What does the guideline say about nodules?",
        "Which Lung-RADS category is a 9 mm solid nodule on a baseline screening CT?",
        "What does Fleischner recommend for a 7 mm solid nodule in a 60-year-old?",
    ],
)
def test_rule_look_ups(question: str) -> None:
    assert parse(question).op == "rules"


def test_zones_and_domains() -> None:
    parsed = parse("Is anyone in the loading dock?", zone_names=["loading_dock"], image={"zones": True})
    assert (
        render(parsed.program.dump()) == "exists(person in zone loading dock)" and parsed.domain == "security"
    )
    assert parse("Is anyone in the restricted zone?").program.root.target.zone == "restricted"
    assert parse("What does the sign say?").domain == "general"
    assert parse("How many people?", image={"format": "DICOM"}).domain == "medical"
    assert parse("How many people?", explicit_domain="security").domain == "security"


def test_a_follow_up_reads_them_as_the_last_question_s_things() -> None:
    first = parse("How many people are in this image?").program
    follow = parse("and how many of them are near the bus?", previous=first)
    assert render(follow.program.dump()) == "count(person near the bus)"


def test_what_no_form_reads_is_unanswerable_not_guessed() -> None:
    assert parse("What is the weather forecast for tomorrow in Paris?").op == "unanswerable"
    doing = parse("What is the dog doing?").program.root  # a person's pose is read; an animal's is not
    assert doing.op == "unanswerable" and "doing" in doing.reason


def test_what_a_yes_no_question_asks_beyond_the_tools_is_kept() -> None:
    assert parse("Is the cat sleeping?").program.root.unchecked == "is sleeping"
    assert parse("Is the bus parked on a street?").program.root.unchecked == "is parked on a street"
    assert parse("Is there a bus in the picture?").program.root.unchecked is None
    either = parse("Is there a dog or a cat?").program.root
    assert [s.label for s in either.any_of] == ["cat"]


def test_programs_round_trip_as_json() -> None:
    for question in ("Is it true that there is no rectangle?", "What is to the left of the bus?"):
        data = parse(question).program.dump()
        assert Program.model_validate({"root": data}).dump() == data


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a rhetorical negative asks the positive question
        ("Isn't the dog brown?", "exists(brown dog)"),
        ("Aren't there any buses here?", "exists(bus)"),
        ("Don't you see a giraffe?", "exists(giraffe)"),
        ("The truck isn't green, is it?", "exists(green truck)"),
        ("There's no umbrella, is there?", "exists(umbrella)"),
        ("This isn't an MRI, is it?", "modality(expected=MRI)"),
        # a denied or negative statement put up for confirmation is negated
        ("Is it false that there is a bench?", "not(exists(bench))"),
        ("Would it be wrong to say there's a horse?", "not(exists(horse))"),
        ("Does the photo lack a clock?", "not(exists(clock))"),
        ("Is the count of birds zero?", "not(exists(bird))"),
        ("Nothing in the image is a boat, correct?", "not(exists(boat))"),
        ("Can you confirm there are no trains?", "not(exists(train))"),
        ("Is the kite any colour other than red?", "not(exists(red kite))"),
        ("Is the sheep not black?", "not(exists(black sheep))"),
        ("Is this scan not a CT?", "not(modality(expected=CT))"),
        ("Is it true that the picture is not well exposed?", "not(quality(aspect=exposure))"),
        # the kind of image, many ways
        ("Was this taken through a microscope?", "modality(expected=microscopy)"),
        ("Is this picture a photo of the retina?", "modality(expected=fundus photograph)"),
        ("Is it a medical image at all?", "modality(expected=medical)"),
        ("MRI or ultrasound?", "modality(choices=['MRI', 'ultrasound'])"),
        # naming what something is
        ("What would you call the yellow thing?", "identify(yellow object)"),
        ("The small item is a what?", "identify(small object)"),
        ("Please identify the red figure.", "identify(red shape)"),
        ("Which object is orange?", "identify(orange object)"),
        ("What creature is this?", "identify(creature)"),
        # an attribute offered as choices or asked yes/no
        ("Is the cup large or small?", "attribute(cup; attribute=size; choices=['large', 'small'])"),
        ("Is the car red or blue?", "attribute(car; attribute=colour; choices=['red', 'blue'])"),
        (
            "Is the blue shape a circle or a square?",
            "attribute(blue shape; attribute=shape; choices=['circle', 'square'])",
        ),
        (
            "Is the dog in the upper or the lower half?",
            "attribute(dog; attribute=position; choices=['top', 'bottom'])",
        ),
        ("Is the cat on the right-hand side?", "attribute(cat; attribute=position; expected=right)"),
        ("Is the green figure a triangle?", "attribute(green shape; attribute=shape; expected=triangle)"),
        ("Is the bus big?", "attribute(bus; attribute=size; expected=large)"),
        # two things compared
        (
            "Do the cup and the bowl have the same colour?",
            "compare(cup; attribute=colour; comparison=same; right: bowl)",
        ),
        (
            "Which is bigger, the dog or the cat?",
            "compare(dog; attribute=size; comparison=more; which=True; right: cat)",
        ),
        (
            "Which are there fewer of, cars or trucks?",
            "compare(car; comparison=fewer; which=True; right: truck)",
        ),
        ("Is the number of cats higher than that of dogs?", "compare(cat; comparison=more; right: dog)"),
        ("Do cats and dogs appear equally often?", "compare(cat; comparison=same; right: dog)"),
        # arithmetic over counts
        ("How many cars and trucks are there in total?", "arithmetic(car; plus: truck)"),
        ("How many more people than cars are there?", "arithmetic(person; minus: car)"),
        ("What is double the number of cups?", "arithmetic(cup; times=2)"),
        ("Not counting the dogs, how many animals are there?", "arithmetic(animal; remove: dog)"),
        (
            "If one of the cups were taken away, how many cups would be left?",
            "arithmetic(cup; remove: cup; remove_count=1)",
        ),
        # text, many ways
        ("What do the big letters say?", "read_text(part=largest)"),
        ("Which words can you make out on the board?", "read_text()"),
        ("Is 'open' written anywhere?", "text_contains(query=open)"),
        ("What is this document called?", "title()"),
        # quality asked in other words
        ("Is the lighting good enough?", "quality(aspect=exposure)"),
        ("Do I need to take this picture again?", "not(quality(aspect=overall))"),
        # relations by comparatives and order
        ("Is the cup further right than the bowl?", "relate(cup; relation=right_of; object: bowl)"),
        (
            "Going from left to right, does the dog come after the cat?",
            "relate(dog; relation=right_of; object: cat)",
        ),
        (
            "What shape is the thing above the red square?",
            "attribute(object above the red square; attribute=shape)",
        ),
        # a quantity or a place beside an unlisted noun is not the noun
        (
            "Are there more than a hundred galaxies in this picture?",
            "compare(galaxy; comparison=more; than=100)",
        ),
        ("Are there lights glowing near the ground?", "exists(light; unchecked=are glowing near the ground)"),
        # which of the things offered it is; whether either is there stays a yes/no question
        ("Is this a dog or a cat?", "identify(object; choices=dog or cat)"),
        ("is it a horse, a cow or a sheep", "identify(object; choices=horse or cow or sheep)"),
        ("Is the animal a cat or a dog?", "identify(animal; choices=cat or dog)"),
        # counted, less what the question rules out
        ("How many objects are not red?", "arithmetic(object; remove: red object)"),
        ("how many shapes aren't circles", "arithmetic(shape; remove: circle)"),
        ("How many non-blue shapes are there?", "arithmetic(shape; remove: blue shape)"),
        ("How many things are not small?", "arithmetic(object; remove: small object)"),
        ("How many people are not wearing hats?", "unanswerable()"),
        ("Are all the shapes the same shape?", "compare(shape; attribute=shape; comparison=same)"),
        # a material, which no tool recognises
        ("What is the tallest building made of?", "unanswerable()"),
        ("what material is the table", "unanswerable()"),
        # the body part a scan shows
        ("What body part is shown?", "modality(body_part=True)"),
        ("which organ is in this image", "modality(body_part=True)"),
        # one word of the text
        ("What is the first word?", "read_text(word=1)"),
        ("what's the last word on the sign", "read_text(word=-1)"),
        ("Which is the second word of the text?", "read_text(word=2)"),
        ("What is the first word of the paragraph under the heading?", "read_text(part=body; word=1)"),
        # a count's parity
        ("Is the number of people even?", "compare(person; comparison=even)"),
        ("is there an odd number of coins", "compare(coin; comparison=odd)"),
        # what someone holds: what lies on their box
        ("What is the man holding?", "identify(object; held_by: person)"),
        ("what's she carrying", "identify(object; held_by: person)"),
        ("What does the dog have in its mouth?", "identify(object; held_by: dog)"),
        ("What is the man doing?", "pose(person; asked=doing)"),
        # what a yes/no question asks of a thing no tool checks, said as a statement about it
        ("Does the road look wet?", "exists(road; unchecked=looks wet)"),
        ("Do the people wear hats?", "exists(person; unchecked=wear hats)"),
        ("Does the bus carry passengers?", "exists(bus; unchecked=carries passengers)"),
        ("Are there trees in the foreground?", "exists(tree; unchecked=are in the foreground)"),
        ("Is there a couple of trees?", "exists(tree)"),
        # a scan asked about its urgency is triaged; asked its kind, it is classified
        ("Is this scan urgent?", "triage(asked=urgent)"),
        ("Is this x-ray normal?", "triage(asked=normal)"),
        ("Is this a CT scan from a hospital?", "modality(expected=CT)"),
        # quality: problems asked about, and an alternative offered after the aspect
        ("Does this photo have any quality problems?", "not(quality(aspect=overall))"),
        ("Is anything wrong with this photo's quality?", "not(quality(aspect=overall))"),
        ("Is the picture clear rather than blurry?", "quality(aspect=sharp)"),
        ("Is the image blurry instead of sharp?", "quality(aspect=blurry)"),
        ("Is the photo bright enough?", "not(quality(aspect=dark))"),
        ("Would I find a small star if I looked?", "exists(small star)"),
        # rows and columns, and what stands at a place
        ("How many rows of coins are there?", "count(coin; arrangement=rows)"),
        ("How many coins are in the top row?", "count(coin; arrangement=rows; line=1)"),
        ("How many squares are in the last column?", "count(square; arrangement=columns; line=-1)"),
        # the rows or columns of a board or grid: the lines its shapes stand in
        ("How many rows does the board have?", "count(shape; arrangement=rows)"),
        ("How many columns are there on the grid?", "count(shape; arrangement=columns)"),
        ("how many rows are on this chessboard", "count(shape; arrangement=rows)"),
        ("How many squares does the chessboard have?", "count(square)"),
        ("How many stars does this flag have?", "count(star)"),
        ("What is standing on the launch pad in the middle?", "identify(object in the middle)"),
        ("What is sitting on the table?", "identify(object on the dining table)"),
        # a list of kinds, or one left open, and a misspelt compound
        ("Is this a CT, an MRI or an ultrasound?", "modality(choices=['CT', 'MRI', 'ultrasound'])"),
        ("Is this a CT, an MRI or something else?", "modality()"),
        ("Is this an MR scan or a CT scan?", "modality(choices=['MRI', 'CT'])"),
        ("Is this an ultrasound scan or a CT scan?", "modality(choices=['ultrasound', 'CT'])"),
        ("Is there no purple six-sied shape in the picture?", "not(exists(purple hexagon))"),
        ("Which destination is shown on the bus's front display?", "read_text()"),
        ("What brand name is written on the fuel tank?", "read_text()"),
        # a pet's own name is not in the picture; the name of a shape is what it is
        ("What is the name of the dog?", "unanswerable()"),
        ("What is the name of the red object?", "identify(red object)"),
        # a side offered relative to another thing
        (
            "Is the spoon to the left or to the right of the cup?",
            "relate(spoon; choices=['left_of', 'right_of']; object: cup)",
        ),
        # security asked yes or no: an alert, safety, or the exits alone
        ("Should I raise an alert?", "assess(asked=alert)"),
        ("Is the scene safe?", "assess(asked=safe)"),
        ("Are the exit routes clear?", "assess(asked=exit_clear)"),
        ("Is the fire exit blocked?", "assess(asked=exit_blocked)"),
        ("Assess the security of this scene.", "assess()"),
        # where the picture was taken
        ("Is this indoors or outdoors?", "scene(choices=['indoors', 'outdoors'])"),
        ("Was this photo taken outside?", "scene(expected=outdoors)"),
        ("What room is this?", "scene(room=True)"),
        ("Where was this picture taken?", "scene()"),
        ("Is the cat inside the box?", "relate(cat; relation=inside; object: cube)"),
        ("Are these men indoors?", "scene(expected=indoors)"),
        # a property of the whole thing is not a part of it
        ("What is the dominant colour of the circles?", "attribute(circle; attribute=colour)"),
    ],
)
def test_more_forms_become_programs(question: str, expected: str) -> None:
    assert program(question) == expected


@pytest.mark.parametrize(
    ("question", "arrangement"),
    [
        ("How many squares are in each row?", "rows"),
        ("how many stars does every column have", "columns"),
        ("How many coins are there per row?", "rows"),
        ("How many rows of coins are there?", "rows"),
    ],
)
def test_each_row_asks_what_every_row_holds(question: str, arrangement: str | None) -> None:
    root = parse(question).program.root
    assert root.arrangement == arrangement
    assert bool(root.each) is ("rows of" not in question)


@pytest.mark.parametrize(
    ("question", "rank"),
    [
        ("Which colour is the square in the upper-left corner?", "top_left"),
        ("what color is the bottom right square", "bottom_right"),
        ("Is the top-right square white?", "top_right"),
        ("What colour is the circle at the lower left of the picture?", "bottom_left"),
        ("What colour is the circle on the left?", "leftmost"),
    ],
)
def test_a_corner_names_the_thing_nearest_it(question: str, rank: str) -> None:
    assert parse(question).program.root.target.rank == rank


@pytest.mark.parametrize(
    "question",
    [
        "Find this woman on Facebook.",
        "Is he my neighbour?",
        "Is she somebody famous?",
        "What is his home address?",
    ],
)
def test_more_requests_about_a_person_are_refused(question: str) -> None:
    assert parse(question).op == "refuse"


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is the name of the dog?", "pet's name"),
        ("How many people are wearing hats?", "what people or animals are wearing"),
        ("How many wheels does the bus have?", "counts the wheels a thing has"),
    ],
)
def test_what_no_tool_can_see_is_declined_with_the_reason(question: str, reason: str) -> None:
    root = parse(question).program.root
    assert root.op == "unanswerable" and reason in root.reason


def test_an_animal_lying_somewhere_is_not_a_person_down() -> None:
    assert "fallen" not in render(parse("What is the cat lying on?").program.dump())


def test_whether_either_thing_is_there_stays_a_yes_no_question() -> None:
    parsed = parse("Is there a dog or a cat?").program.root
    assert parsed.op == "exists" and [s.label for s in (parsed.target, *parsed.any_of)] == ["dog", "cat"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a city or the countryside
        ("Is this a city or the countryside?", "scene(choices=['city', 'countryside'])"),
        ("Is this urban or rural?", "scene(choices=['city', 'countryside'])"),
        ("Was the photo taken in the country or in a town?", "scene(choices=['countryside', 'city'])"),
        ("Is this in a city?", "scene(expected=city)"),
        ("Was this picture taken in the countryside?", "scene(expected=countryside)"),
        # day or night
        ("Is it daytime?", "scene(expected=day)"),
        ("Is it day or night?", "scene(choices=['day', 'night'])"),
        ("Was this taken at night?", "scene(expected=night)"),
        ("Is it dark outside?", "scene(expected=night)"),
        ("Is this photo taken during the day?", "scene(expected=day)"),
        ("What time of day is it?", "scene(choices=['day', 'night'])"),
        # a pronoun for where the people in it are
        ("Is he outdoors?", "scene(expected=outdoors)"),
        ("Are they inside?", "scene(expected=indoors)"),
        # the colour of a thing no list names, of the sky, of a person's part by pronoun
        ("What colour is the sky?", "attribute(sky; attribute=colour)"),
        ("What is the colour of the seat?", "attribute(seat; attribute=colour)"),
        ("What color are the trees?", "attribute(tree; attribute=colour)"),
        ("What colour is the background?", "attribute(object; attribute=colour; part=background)"),
        ("What colour is her hair?", "attribute(person; attribute=colour; part=hair)"),
        ("What color are their faces?", "attribute(person; attribute=colour; part=face)"),
        ("Which colour is the astronaut's spacesuit?", "attribute(person; attribute=colour; part=spacesuit)"),
        ("What colour are his jeans?", "attribute(person; attribute=colour; part=jeans)"),
        # a kind of picture in the user's words, and the picture's colours counted
        ("Is this a drawing or a photo?", "modality(choices=['drawing', 'photo'])"),
        ("Is it a photograph or a cartoon?", "modality(choices=['photo', 'cartoon'])"),
        ("Is this a histology slide?", "modality(expected=microscopy)"),
        ("How many different colours are there?", "count(colour)"),
        ("What is the number of colours in this picture?", "count(colour)"),
        # riding: what the person is on
        ("Is anyone riding a bike?", "exists(person; unchecked=riding a bike)"),
    ],
)
def test_scene_and_colour_paraphrases(question: str, expected: str) -> None:
    assert program(question) == expected


@pytest.mark.parametrize(
    "question",
    ["Is this a man?", "Is it a girl?", "Which man is older?", "Which of the two is younger?"],
)
def test_a_person_s_sex_or_age_asked_of_the_picture_is_refused(question: str) -> None:
    assert parse(question).op == "refuse"


def test_a_clock_s_time_is_not_the_time_of_day() -> None:
    assert parse("What time is it?").op != "scene"


@pytest.mark.parametrize(
    ("question", "label", "rank"),
    [
        ("Which object is closest to the camera?", "object", "nearest"),
        ("what's in the foreground", None, "nearest"),
        ("Which animal is furthest from the camera?", None, "farthest"),
        ("Which person is nearest to the viewer?", "person", "nearest"),
    ],
)
def test_nearest_or_farthest_from_the_camera_is_a_rank(question: str, label: str | None, rank: str) -> None:
    root = parse(question).program.root
    assert root.op == "identify" and root.target.rank == rank and root.target.label == label


def test_the_text_under_the_heading_leaves_the_title_out() -> None:
    assert parse("What is the first word of the paragraph under the heading?").program.root.part == "body"
    assert parse("What does the paragraph say?").program.root.part == "body"
    assert parse("What does the text say?").program.root.part == "all"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Are there any unattended bags?", "unattended"),
        ("Is there an abandoned suitcase?", "unattended"),
        ("Is anyone loitering near the door?", "loitering"),
        ("Is anyone armed? Any threats?", "weapon"),
        ("Any intruders?", "intrusion"),
        ("Should I raise an alert?", "alert"),
    ],
)
def test_a_yes_no_security_question_names_the_kind_of_incident(question: str, asked: str) -> None:
    root = parse(question).program.root
    assert root.op == "assess" and root.asked == asked


@pytest.mark.parametrize(
    ("question", "rests"),
    [
        ("What is the cup sitting on?", "cup"),
        ("what's the laptop on", "laptop"),
        ("What is the cat lying on top of?", "cat"),
        ("Which piece of furniture is the dog resting on?", "dog"),
    ],
)
def test_what_a_thing_rests_on_is_asked_of_what_lies_under_it(question, rests):
    program = parse(question).program.root
    assert isinstance(program, p.Identify)
    assert program.target.relation is not None and program.target.relation.relation == "under"
    assert program.target.relation.to.label == rests


@pytest.mark.parametrize(
    ("question", "kept"),
    [("What colour is the staining in the glands?", "staining"), ("are the fields ploughed", "ploughed")],
)
def test_inflected_english_words_are_not_mended_into_others(question, kept):
    from argus.agent.planner.normalize import normalize

    assert kept in normalize(question).split()


def test_who_asks_which_of_the_people_in_view():
    program = parse("Who is closest to the camera?").program.root
    assert isinstance(program, p.Identify) and program.target.rank == "nearest"


def test_two_ways_of_writing_offered_are_not_words_to_look_for():
    program = parse("Is the writing handwritten or printed?").program.root
    assert not isinstance(program, p.TextContains)


@pytest.mark.parametrize(
    ("question", "unchecked"),
    [
        ("Is the writing on this paper handwritten?", "is handwritten"),
        ("Is the cat in the picture sleeping?", "is sleeping"),
    ],
)
def test_where_the_subject_is_placed_is_left_out_of_what_is_asked(question, unchecked):
    program = parse(question).program.root
    assert isinstance(program, p.Exists) and program.unchecked == unchecked


@pytest.mark.parametrize(
    ("question", "relation"),
    [
        ("Is the man in the black coat standing in front of the bus?", "in_front_of"),
        ("Is the woman in red next to the car?", "near"),
        ("is the person in the bus", "inside"),
    ],
)
def test_in_before_clothes_or_a_colour_describes_the_person(question, relation):
    program = parse(question).program.root
    assert isinstance(program, p.Relate) and program.relation == relation


@pytest.mark.parametrize(
    ("question", "expected", "choices"),
    [
        ("Does it look like a sunny day?", "sunny", []),
        ("is the sky overcast", "cloudy", []),
        ("What's the weather like in this photo?", None, ["sunny", "cloudy"]),
        ("Is it sunny or cloudy?", None, ["sunny", "cloudy"]),
    ],
)
def test_weather_is_a_scene_question(question, expected, choices):
    program = parse(question).program.root
    assert isinstance(program, p.Scene) and program.expected == expected and program.choices == choices


@pytest.mark.parametrize("question", ["Is it clear?", "Is this image clear?", "is it gray"])
def test_clear_or_gray_alone_is_not_the_weather(question):
    assert not isinstance(parse(question).program.root, p.Scene)


@pytest.mark.parametrize("question", ["Which person is closest to the bus?", "what is nearest to the dog"])
def test_closest_to_a_thing_is_a_nearness(question):
    program = parse(question).program.root
    assert isinstance(program, p.Identify)
    assert program.target.relation is not None and program.target.relation.relation == "near"
