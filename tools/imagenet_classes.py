"""The 1,000 ImageNet-1k classes the bundled classifier names, and what kind of thing each is.

``NAMES`` are the classes' first synonyms in class-id order, as the classifier reports them (two
classes are "crane", the bird 134 and the machine 517; two are "maillot"). ``TAXONOMY`` puts every
class id in one category and one finer group within it ("animal/dog", "vehicle/rocket").

The table was drafted from each class's WordNet 3.0 hypernyms (ImageNet classes are WordNet noun
synsets) and then corrected by hand: WordNet files a coffee mug and a bathtub under "vessel" with the
ships, and a hyena under "canine". Choices worth knowing: "missile" and "projectile" are
vehicle/rocket with "space shuttle" (WordNet files the missile under rocket, and ImageNet's photos of
both are mostly rockets on a pad or in flight), not weapons; the big cats (cougar, lynx, leopard, ...)
are a group apart from the five domestic cats; "cup" (968) is tableware; a "pot" (738) is a
flowerpot, so plant/potted plant.
"""

from __future__ import annotations

NAMES: tuple[str, ...] = tuple(
    name.strip()
    for name in """
tench | goldfish | great white shark | tiger shark | hammerhead | electric ray | stingray | cock | hen |
ostrich | brambling | goldfinch | house finch | junco | indigo bunting | robin | bulbul | jay | magpie |
chickadee | water ouzel | kite | bald eagle | vulture | great grey owl | European fire salamander |
common newt | eft | spotted salamander | axolotl | bullfrog | tree frog | tailed frog | loggerhead |
leatherback turtle | mud turtle | terrapin | box turtle | banded gecko | common iguana | American
chameleon | whiptail | agama | frilled lizard | alligator lizard | Gila monster | green lizard | African
chameleon | Komodo dragon | African crocodile | American alligator | triceratops | thunder snake |
ringneck snake | hognose snake | green snake | king snake | garter snake | water snake | vine snake |
night snake | boa constrictor | rock python | Indian cobra | green mamba | sea snake | horned viper |
diamondback | sidewinder | trilobite | harvestman | scorpion | black and gold garden spider | barn
spider | garden spider | black widow | tarantula | wolf spider | tick | centipede | black grouse |
ptarmigan | ruffed grouse | prairie chicken | peacock | quail | partridge | African grey | macaw |
sulphur-crested cockatoo | lorikeet | coucal | bee eater | hornbill | hummingbird | jacamar | toucan |
drake | red-breasted merganser | goose | black swan | tusker | echidna | platypus | wallaby | koala |
wombat | jellyfish | sea anemone | brain coral | flatworm | nematode | conch | snail | slug | sea slug |
chiton | chambered nautilus | Dungeness crab | rock crab | fiddler crab | king crab | American lobster |
spiny lobster | crayfish | hermit crab | isopod | white stork | black stork | spoonbill | flamingo |
little blue heron | American egret | bittern | crane | limpkin | European gallinule | American coot |
bustard | ruddy turnstone | red-backed sandpiper | redshank | dowitcher | oystercatcher | pelican | king
penguin | albatross | grey whale | killer whale | dugong | sea lion | Chihuahua | Japanese spaniel |
Maltese dog | Pekinese | Shih-Tzu | Blenheim spaniel | papillon | toy terrier | Rhodesian ridgeback |
Afghan hound | basset | beagle | bloodhound | bluetick | black-and-tan coonhound | Walker hound |
English foxhound | redbone | borzoi | Irish wolfhound | Italian greyhound | whippet | Ibizan hound |
Norwegian elkhound | otterhound | Saluki | Scottish deerhound | Weimaraner | Staffordshire bullterrier |
American Staffordshire terrier | Bedlington terrier | Border terrier | Kerry blue terrier | Irish
terrier | Norfolk terrier | Norwich terrier | Yorkshire terrier | wire-haired fox terrier | Lakeland
terrier | Sealyham terrier | Airedale | cairn | Australian terrier | Dandie Dinmont | Boston bull |
miniature schnauzer | giant schnauzer | standard schnauzer | Scotch terrier | Tibetan terrier | silky
terrier | soft-coated wheaten terrier | West Highland white terrier | Lhasa | flat-coated retriever |
curly-coated retriever | golden retriever | Labrador retriever | Chesapeake Bay retriever | German
short-haired pointer | vizsla | English setter | Irish setter | Gordon setter | Brittany spaniel |
clumber | English springer | Welsh springer spaniel | cocker spaniel | Sussex spaniel | Irish water
spaniel | kuvasz | schipperke | groenendael | malinois | briard | kelpie | komondor | Old English
sheepdog | Shetland sheepdog | collie | Border collie | Bouvier des Flandres | Rottweiler | German
shepherd | Doberman | miniature pinscher | Greater Swiss Mountain dog | Bernese mountain dog |
Appenzeller | EntleBucher | boxer | bull mastiff | Tibetan mastiff | French bulldog | Great Dane | Saint
Bernard | Eskimo dog | malamute | Siberian husky | dalmatian | affenpinscher | basenji | pug | Leonberg
| Newfoundland | Great Pyrenees | Samoyed | Pomeranian | chow | keeshond | Brabancon griffon | Pembroke
| Cardigan | toy poodle | miniature poodle | standard poodle | Mexican hairless | timber wolf | white
wolf | red wolf | coyote | dingo | dhole | African hunting dog | hyena | red fox | kit fox | Arctic fox
| grey fox | tabby | tiger cat | Persian cat | Siamese cat | Egyptian cat | cougar | lynx | leopard |
snow leopard | jaguar | lion | tiger | cheetah | brown bear | American black bear | ice bear | sloth
bear | mongoose | meerkat | tiger beetle | ladybug | ground beetle | long-horned beetle | leaf beetle |
dung beetle | rhinoceros beetle | weevil | fly | bee | ant | grasshopper | cricket | walking stick |
cockroach | mantis | cicada | leafhopper | lacewing | dragonfly | damselfly | admiral | ringlet |
monarch | cabbage butterfly | sulphur butterfly | lycaenid | starfish | sea urchin | sea cucumber | wood
rabbit | hare | Angora | hamster | porcupine | fox squirrel | marmot | beaver | guinea pig | sorrel |
zebra | hog | wild boar | warthog | hippopotamus | ox | water buffalo | bison | ram | bighorn | ibex |
hartebeest | impala | gazelle | Arabian camel | llama | weasel | mink | polecat | black-footed ferret |
otter | skunk | badger | armadillo | three-toed sloth | orangutan | gorilla | chimpanzee | gibbon |
siamang | guenon | patas | baboon | macaque | langur | colobus | proboscis monkey | marmoset | capuchin
| howler monkey | titi | spider monkey | squirrel monkey | Madagascar cat | indri | Indian elephant |
African elephant | lesser panda | giant panda | barracouta | eel | coho | rock beauty | anemone fish |
sturgeon | gar | lionfish | puffer | abacus | abaya | academic gown | accordion | acoustic guitar |
aircraft carrier | airliner | airship | altar | ambulance | amphibian | analog clock | apiary | apron |
ashcan | assault rifle | backpack | bakery | balance beam | balloon | ballpoint | Band Aid | banjo |
bannister | barbell | barber chair | barbershop | barn | barometer | barrel | barrow | baseball |
basketball | bassinet | bassoon | bathing cap | bath towel | bathtub | beach wagon | beacon | beaker |
bearskin | beer bottle | beer glass | bell cote | bib | bicycle-built-for-two | bikini | binder |
binoculars | birdhouse | boathouse | bobsled | bolo tie | bonnet | bookcase | bookshop | bottlecap | bow
| bow tie | brass | brassiere | breakwater | breastplate | broom | bucket | buckle | bulletproof vest |
bullet train | butcher shop | cab | caldron | candle | cannon | canoe | can opener | cardigan | car
mirror | carousel | carpenter's kit | carton | car wheel | cash machine | cassette | cassette player |
castle | catamaran | CD player | cello | cellular telephone | chain | chainlink fence | chain mail |
chain saw | chest | chiffonier | chime | china cabinet | Christmas stocking | church | cinema | cleaver
| cliff dwelling | cloak | clog | cocktail shaker | coffee mug | coffeepot | coil | combination lock |
computer keyboard | confectionery | container ship | convertible | corkscrew | cornet | cowboy boot |
cowboy hat | cradle | crane | crash helmet | crate | crib | Crock Pot | croquet ball | crutch | cuirass
| dam | desk | desktop computer | dial telephone | diaper | digital clock | digital watch | dining table
| dishrag | dishwasher | disk brake | dock | dogsled | dome | doormat | drilling platform | drum |
drumstick | dumbbell | Dutch oven | electric fan | electric guitar | electric locomotive | entertainment
center | envelope | espresso maker | face powder | feather boa | file | fireboat | fire engine | fire
screen | flagpole | flute | folding chair | football helmet | forklift | fountain | fountain pen |
four-poster | freight car | French horn | frying pan | fur coat | garbage truck | gasmask | gas pump |
goblet | go-kart | golf ball | golfcart | gondola | gong | gown | grand piano | greenhouse | grille |
grocery store | guillotine | hair slide | hair spray | half track | hammer | hamper | hand blower |
hand-held computer | handkerchief | hard disc | harmonica | harp | harvester | hatchet | holster | home
theater | honeycomb | hook | hoopskirt | horizontal bar | horse cart | hourglass | iPod | iron |
jack-o'-lantern | jean | jeep | jersey | jigsaw puzzle | jinrikisha | joystick | kimono | knee pad |
knot | lab coat | ladle | lampshade | laptop | lawn mower | lens cap | letter opener | library |
lifeboat | lighter | limousine | liner | lipstick | Loafer | lotion | loudspeaker | loupe | lumbermill |
magnetic compass | mailbag | mailbox | maillot | maillot | manhole cover | maraca | marimba | mask |
matchstick | maypole | maze | measuring cup | medicine chest | megalith | microphone | microwave |
military uniform | milk can | minibus | miniskirt | minivan | missile | mitten | mixing bowl | mobile
home | Model T | modem | monastery | monitor | moped | mortar | mortarboard | mosque | mosquito net |
motor scooter | mountain bike | mountain tent | mouse | mousetrap | moving van | muzzle | nail | neck
brace | necklace | nipple | notebook | obelisk | oboe | ocarina | odometer | oil filter | organ |
oscilloscope | overskirt | oxcart | oxygen mask | packet | paddle | paddlewheel | padlock | paintbrush |
pajama | palace | panpipe | paper towel | parachute | parallel bars | park bench | parking meter |
passenger car | patio | pay-phone | pedestal | pencil box | pencil sharpener | perfume | Petri dish |
photocopier | pick | pickelhaube | picket fence | pickup | pier | piggy bank | pill bottle | pillow |
ping-pong ball | pinwheel | pirate | pitcher | plane | planetarium | plastic bag | plate rack | plow |
plunger | Polaroid camera | pole | police van | poncho | pool table | pop bottle | pot | potter's wheel
| power drill | prayer rug | printer | prison | projectile | projector | puck | punching bag | purse |
quill | quilt | racer | racket | radiator | radio | radio telescope | rain barrel | recreational vehicle
| reel | reflex camera | refrigerator | remote control | restaurant | revolver | rifle | rocking chair |
rotisserie | rubber eraser | rugby ball | rule | running shoe | safe | safety pin | saltshaker | sandal
| sarong | sax | scabbard | scale | school bus | schooner | scoreboard | screen | screw | screwdriver |
seat belt | sewing machine | shield | shoe shop | shoji | shopping basket | shopping cart | shovel |
shower cap | shower curtain | ski | ski mask | sleeping bag | slide rule | sliding door | slot | snorkel
| snowmobile | snowplow | soap dispenser | soccer ball | sock | solar dish | sombrero | soup bowl |
space bar | space heater | space shuttle | spatula | speedboat | spider web | spindle | sports car |
spotlight | stage | steam locomotive | steel arch bridge | steel drum | stethoscope | stole | stone wall
| stopwatch | stove | strainer | streetcar | stretcher | studio couch | stupa | submarine | suit |
sundial | sunglass | sunglasses | sunscreen | suspension bridge | swab | sweatshirt | swimming trunks |
swing | switch | syringe | table lamp | tank | tape player | teapot | teddy | television | tennis ball |
thatch | theater curtain | thimble | thresher | throne | tile roof | toaster | tobacco shop | toilet
seat | torch | totem pole | tow truck | toyshop | tractor | trailer truck | tray | trench coat |
tricycle | trimaran | tripod | triumphal arch | trolleybus | trombone | tub | turnstile | typewriter
keyboard | umbrella | unicycle | upright | vacuum | vase | vault | velvet | vending machine | vestment |
viaduct | violin | volleyball | waffle iron | wall clock | wallet | wardrobe | warplane | washbasin |
washer | water bottle | water jug | water tower | whiskey jug | whistle | wig | window screen | window
shade | Windsor tie | wine bottle | wing | wok | wooden spoon | wool | worm fence | wreck | yawl | yurt
| web site | comic book | crossword puzzle | street sign | traffic light | book jacket | menu | plate |
guacamole | consomme | hot pot | trifle | ice cream | ice lolly | French loaf | bagel | pretzel |
cheeseburger | hotdog | mashed potato | head cabbage | broccoli | cauliflower | zucchini | spaghetti
squash | acorn squash | butternut squash | cucumber | artichoke | bell pepper | cardoon | mushroom |
Granny Smith | strawberry | orange | lemon | fig | pineapple | banana | jackfruit | custard apple |
pomegranate | hay | carbonara | chocolate sauce | dough | meat loaf | pizza | potpie | burrito | red
wine | espresso | cup | eggnog | alp | bubble | cliff | coral reef | geyser | lakeside | promontory |
sandbar | seashore | valley | volcano | ballplayer | groom | scuba diver | rapeseed | daisy | yellow
lady's slipper | corn | acorn | hip | buckeye | coral fungus | agaric | gyromitra | stinkhorn |
earthstar | hen-of-the-woods | bolete | ear | toilet tissue
""".replace("\n", " ").split(" | ")
)

# category/group: class ids (a-b is a range, both ends included)
TAXONOMY = """
animal/fish: 0-6 389-397
animal/bird: 7-24 80-100 127-146
animal/amphibian: 25-32
animal/turtle: 33-37
animal/lizard: 38-48
animal/crocodile: 49-50
animal/reptile: 51
animal/snake: 52-68
animal/invertebrate: 69 79 107-111 327-329
animal/spider: 70 72-77
animal/arachnid: 71 78
animal/mammal: 102 103 276 298 299 356-364 387
animal/elephant: 101 385 386
animal/marsupial: 104-106
animal/mollusc: 112-117
animal/crustacean: 118-126
animal/marine mammal: 147-150
animal/dog: 151-268
animal/wild dog: 269-275
animal/fox: 277-280
animal/cat: 281-285
animal/big cat: 286-293
animal/bear: 294-297 388
animal/insect: 300-326
animal/rabbit: 330-332
animal/rodent: 333-338
animal/horse: 339
animal/zebra: 340
animal/pig: 341-343
animal/hoofed mammal: 344
animal/cattle: 345-347
animal/sheep: 348 349
animal/goat: 350
animal/antelope: 351-353
animal/camel: 354 355
animal/primate: 365-384
person/person: 981-983
vehicle/aircraft: 404 405 417 895 908
vehicle/rocket: 657 744 812
vehicle/boat: 403 472 484 510 554 576 625 628 724 780 814 833 871 913 914
vehicle/car: 407 436 468 511 609 627 656 661 734 751 817
vehicle/bus: 654 779 874
vehicle/truck: 555 569 675 717 803 864 867
vehicle/train: 466 547 565 705 820 829
vehicle/bicycle: 444 671 870 880
vehicle/motorcycle: 665 670
vehicle/sled: 450 537
vehicle/military vehicle: 586 847
vehicle/cart: 428 603 612 690 791
vehicle/farm vehicle: 595 856 866
vehicle/other vehicle: 408 561 573 575 660 757 802
weapon/gun: 413 763 764
weapon/weapon: 456 471
weapon/sheath: 597 777
musical instrument/string instrument: 402 420 486 546 594 889
musical instrument/wind instrument: 432 513 558 566 593 683 684 699 776 875
musical instrument/keyboard instrument: 401 579 687 881
musical instrument/percussion instrument: 494 541 577 641 642 822
musical instrument/instrument accessory: 542 714
clothing/garment: 399 400 411 443 445 459 474 501 529 552 568 578 601 608 610 614 617 638 639 652 655 689 697 735 775 824 834 841 842 869 887
clothing/tie: 451 457 906
clothing/headwear: 433 439 452 515 518 560 667 715 793 796 808 903
clothing/mask: 570 643
clothing/footwear: 502 514 630 770 774 806
clothing/glove: 658
clothing/armour: 461 465 490 524 787
clothing/protective gear: 615
accessory/bag: 414 636 728 748
accessory/wallet: 893
accessory/umbrella: 879
accessory/eyewear: 836 837
accessory/jewellery: 679
accessory/hair accessory: 584
accessory/buckle: 464
structure/building: 410 425 449 483 497 498 500 580 624 634 663 668 698 727 743 832 915
structure/shop: 415 424 454 467 509 582 762 788 860 865
structure/bridge: 821 839 888
structure/monument: 562 649 682 863 873
structure/fence or wall: 489 716 825 912
structure/waterfront: 460 525 536 718
structure/tower: 437 442 900
structure/roof: 538 853 858 884
structure/tent: 672
structure/architectural detail: 406 421 458 706 708 799 877
structure/playground: 476 843
structure/other structure: 540 557 645 646 733 755 781 807 819
electronic/computer: 508 527 590 620 673 681 810 916
electronic/screen: 664 782 851
electronic/phone: 487 528 707
electronic/audio: 482 485 598 605 632 650 754 848
electronic/camera: 622 732 759
electronic/other electronics: 481 592 613 662 688 713 742 745 761 844
appliance/kitchen appliance: 521 534 550 651 760 766 827 859 891
appliance/household appliance: 545 589 606 753 786 811 882 897
appliance/sink: 896
kitchen/cookware: 469 505 544 567 849 909
kitchen/utensil: 473 499 512 618 666 813 828 910
kitchen/tableware: 441 503 504 572 647 659 725 729 773 809 868 899 901 923 968
kitchen/bottle: 440 737 898 907
container/bin: 412
container/barrel: 427 756
container/bucket: 463
container/box: 478 492 519 692 771
container/basket: 588 790
container/can: 653
container/money box: 719
container/tub: 876
household/textile: 434 533 539 591 700 721 741 750 797 885 911 999
household/curtain or screen: 556 669 789 794 854 904 905
household/lamp: 470 607 619 818 846 862
household/toiletry: 551 585 629 631 711 804 838
household/bathtub: 435
household/decoration: 496 883
household/other household item: 448 455 680
furniture/chair: 423 559 765 857
furniture/table: 526 532 736
furniture/bed: 431 516 520 564
furniture/couch: 831
furniture/cabinet: 453 493 495 548 553 648 894
furniture/bench: 703
furniture/toilet: 861
sports/ball: 429 430 522 574 722 768 805 852 890
sports/gym equipment: 416 422 543 602 702 747
sports/racket: 752
sports/ski: 795
sports/other sports equipment: 693 701 746 758 801
toy/puzzle: 611
toy/teddy bear: 850
toy/toy: 723 971
tool/hand tool: 477 587 596 726 784 792 816 855
tool/power tool: 491 740
tool/garden tool: 621 730
tool/cleaning tool: 462 731 840
tool/stationery: 418 563 623 696 709 710 749 767
tool/hardware: 488 506 507 600 616 677 695 772 783
device/clock: 409 530 531 604 826 835 892
device/measuring instrument: 398 426 635 685 769 778 798
device/optical instrument: 447 633 872
device/laboratory equipment: 438 712
device/medical device: 419 523 678 691 720 823 830 845
device/machine: 480 517 571 583 739 800 878 886
device/vehicle part: 475 479 535 581 686 694 785
device/other device: 626 644 674 676 902
outdoor/street furniture: 637 640 704 919 920
printed matter/printed matter: 446 549 917 918 921 922
food/fruit: 948-957
food/vegetable: 936-944 945 946 947 987 998
food/dish: 924-926 933-935 959 962-965
food/dessert: 927-929 960
food/bread: 930-932 961
food/drink: 966 967 969
plant/flower: 985 986
plant/fungus: 991-997
plant/plant: 958 984 988-990
plant/potted plant: 738
nature/landscape: 970 972-980
nature/animal-made: 599 815
"""
