"""The words of the start page: the lesson's steps, the teacher's notes and the glossary.

Plain words come first and the technical term after them, so a student meets
the idea before its name.
"""

from __future__ import annotations

from typing import NamedTuple

INTRO = (
    "To a computer a picture is a grid of numbers. A **convolutional neural network** "
    "(CNN) slides small grids of learned weights over those numbers to find strokes, "
    "corners and loops, and combines them, layer after layer, into ten probabilities: "
    "one for each digit. Here you follow one handwritten digit through a real CNN, look "
    "at every number it computes, and then train your own network and see where it fails."
)


class Step(NamedTuple):
    page: str  # the page script the step's link opens
    title: str
    goal: str  # one line: what a student can say at the end of the step
    minutes: str  # about how long it takes in class
    questions: tuple[str, ...]  # for the teacher to ask


STEPS = (
    Step(
        "app_pages/image.py",
        "An image is numbers",
        "Open a photo and find one pixel's three numbers, then the same pixel in gray.",
        "10 minutes",
        (
            "How many numbers make up a 400 × 400 colour photo?",
            "Why does a white pixel read (255, 255, 255)?",
            "What is lost when the photo becomes a 28 × 28 digit?",
        ),
    ),
    Step(
        "app_pages/draw.py",
        "Draw a digit",
        "Draw a digit and watch the network read it: the 28 × 28 input and ten probabilities.",
        "10 minutes",
        (
            "Draw a digit the network gets wrong: what makes it hard?",
            "Why is the drawing cropped, shrunk and centred before the network sees it?",
            "Which layer's pictures still look like your digit, and which no longer do?",
        ),
    ),
    Step(
        "app_pages/network.py",
        "Inside the network",
        "Work one convolution by hand: patch × filter, added up, plus a bias, through ReLU.",
        "15 minutes",
        (
            "Where on the digit is a filter's feature map bright, and why there?",
            "What does ReLU do to a negative sum, and what would happen without it?",
            "Why do the maps shrink after pooling while the digit stays readable?",
        ),
    ),
    Step(
        "app_pages/training.py",
        "Train your own",
        "Train for one epoch on 1,000 digits, then open the new model's worst mistakes.",
        "15 minutes (a one-epoch run takes under a minute)",
        (
            "Why does the loss fall fastest at the start?",
            "Would you have made the same mistakes as the network? Which ones are fair?",
            "What changes with more epochs, or a learning rate ten times larger?",
        ),
    ),
)

NOTES_INTRO = (
    "The whole path takes about 50 minutes. Following it from this page makes **seed** "
    "the active model for each student: the small network of the lesson (three "
    "convolutions, one hidden dense layer), whose every layer the pages can work by hand. "
    "Every student's choices stay in their own browser; one training run at a time runs "
    "on the server, so in a big class let pairs share a run."
)

# After the steps: what to do when the network reads a student's writing wrong
# (benchmarks/my_digits.py --writer narrow measured the fine-tune).
NOTES_WHEN_WRONG = (
    "**When the network reads a student's digits wrong.** Both networks learned only from "
    "MNIST's writers. Very narrow writing (a 2 with a flat base, a closed 8, a thin 7) is "
    "often read as 1: ask the class what the training digits must have held. A student who "
    "keeps five of each of their digits on **My digits** and fine-tunes on them (the "
    'sidebar\'s "Start from the active model" with "Add my digits") can get a model of their '
    "own that reads their writing. Measured with one narrow writer: about 58% of their "
    "other digits read right before, 99% after the fine-tune (3 seconds from seed, 8 from "
    "the default, on a 2-core server), and the MNIST test set no more than a tenth of a "
    "point lower."
)

# (plain words, the term): the plain words are what a student already knows.
GLOSSARY = (
    ("The 70,000 handwritten digits the networks learned from, 28 × 28 pixels each", "MNIST"),
    ("A ready-made network design to train: seed (small) or robust (larger)", "preset"),
    ("The rule that nudges the weights after each batch to lower the loss", "optimizer"),
    ("One such rule, which scales each nudge by how big recent ones were", "RMSprop"),
    ("How big each nudge is: too small learns slowly, too big jumps past", "learning rate"),
    ("One pass over all the training digits", "epoch"),
    ("The few digits looked at before each nudge", "batch"),
    ("A number saying how wrong the answers are; training makes it smaller", "loss"),
    ("Sliding a small grid of weights over the image and adding up the products", "convolution"),
    ("That small grid of weights, learned in training", "filter, or kernel"),
    ("A number added after the products are summed, learned too", "bias"),
    ("Keep a positive number, turn a negative one into 0", "ReLU"),
    ("Keep only the largest value of each 2 × 2 patch: the map halves", "max pooling"),
    ("A layer where every output is a weighted sum of all the inputs", "dense layer"),
    ("Turning ten scores into ten probabilities that add up to 1", "softmax"),
    (
        "Rescaling each map to a standard range with averages learned in training",
        "batch normalisation",
    ),
    ("Switching random values off while training, so no one value is relied on", "dropout"),
    (
        "Layer names Keras gives: the kind of layer, then a number counting from 0 "
        "(conv2d_1 is the second convolution; conv2d_1_relu its ReLU)",
        "layer names",
    ),
)
