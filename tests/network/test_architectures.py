from model.network.architectures import BUILDERS, build
from model.training.recipes import PRESETS

SEED_SHAPES = [
    ("conv2d", (26, 26, 32)),
    ("max_pooling2d", (13, 13, 32)),
    ("conv2d_1", (11, 11, 64)),
    ("max_pooling2d_1", (5, 5, 64)),
    ("conv2d_2", (3, 3, 64)),
    ("flatten", (576,)),
    ("dense", (64,)),
    ("softmax", (10,)),
]


def test_seed_is_exactly_the_book_cnn():
    model = build("seed")
    shapes = [(layer.name, tuple(layer.output.shape[1:])) for layer in model.layers]
    assert shapes == SEED_SHAPES
    assert model.count_params() == 93_322
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == [
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    activations = [getattr(layer, "activation", None) for layer in model.layers]
    relu_layers = [
        layer.name
        for layer, act in zip(model.layers, activations, strict=True)
        if act is not None and act.__name__ == "relu"
    ]
    assert relu_layers == ["conv2d", "conv2d_1", "conv2d_2", "dense"]
    assert model.layers[-1].activation.__name__ == "softmax"


def test_seed_recipe():
    seed = PRESETS["seed"].recipe
    assert (seed.optimizer, seed.epochs, seed.batch_size) == ("rmsprop", 5, 64)


def test_every_preset_has_a_model():
    assert set(PRESETS) == set(BUILDERS)


def test_robust_preset_ends_in_ten_way_softmax():
    model = build("robust")
    assert model.layers[-1].output.shape[1:] == (10,)
    assert model.layers[-1].activation.__name__ == "softmax"
    assert len({layer.name for layer in model.layers}) == len(model.layers)
