"""NetworkOverview: every stage of whatever model is loaded, drawn from the prediction."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from mnist_desk.explain import vector_activations
from mnist_desk.inference import Prediction, Predictor
from mnist_desk.layer_info import describe_stages
from mnist_desk.model import ModelConfig, build_model
from mnist_desk.ui.network_overview import NetworkOverview, columns_for, strongest_channels


@pytest.fixture
def overview(qtbot: QtBot) -> NetworkOverview:
    widget = NetworkOverview()
    qtbot.addWidget(widget)
    widget.resize(1100, 230)
    return widget


@pytest.fixture(scope="module")
def seven(predictor: Predictor, drawn_seven_module) -> Prediction:
    return predictor.predict(drawn_seven_module)


@pytest.fixture(scope="module")
def drawn_seven_module():
    from training.drawn import draw_digit

    return draw_digit(7, np.random.default_rng(3), style=0)


def test_columns_follow_the_architecture(overview: NetworkOverview):
    overview.set_architecture(describe_stages(build_model("default")))
    assert overview.stage_names() == [
        "input", "conv1", "pool1", "conv2", "conv3", "pool2", "conv4", "pool3", "flatten", "fc1", "softmax"
    ]  # fmt: skip
    captions = dict(overview.captions())
    assert captions["conv1"] == "32×28×28" and captions["pool3"] == "128×1×1" and captions["softmax"] == "10"
    # Changing the model updates the view: other stages, other shapes.
    overview.set_architecture(describe_stages(build_model(ModelConfig("twoconv", (4, 8)))))
    assert overview.stage_names() == ["input", "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "softmax"]
    captions = dict(overview.captions())
    assert captions["conv1"] == "4×24×24" and captions["flatten"] == "128"
    assert not any(overview.has_values(name) for name in overview.stage_names())


def test_a_prediction_fills_every_column(overview: NetworkOverview, predictor: Predictor, seven: Prediction):
    overview.set_architecture(describe_stages(predictor.model))
    empty = overview.grab().toImage()
    overview.set_prediction(seven)
    # Prediction carries the maps, not the vectors: those columns stay outlines.
    assert overview.has_values("conv1") and overview.has_values("pool3") and overview.has_values("softmax")
    assert not overview.has_values("flatten") and not overview.has_values("fc1")
    overview.set_prediction(seven, vector_activations(predictor, seven.input))
    assert all(overview.has_values(name) for name in overview.stage_names())
    assert overview.grab().toImage() != empty
    overview.set_prediction(None)
    assert not any(overview.has_values(name) for name in overview.stage_names())


def test_clicking_a_column_emits_its_stage(qtbot: QtBot, overview: NetworkOverview, predictor: Predictor):
    overview.set_architecture(describe_stages(predictor.model))
    overview.show()
    names = overview.stage_names()
    for name in ("conv2", "softmax", "input"):
        centre = overview.column_rect(names.index(name)).center().toPoint()
        with qtbot.waitSignal(overview.stage_clicked) as signal:
            qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=centre)
        assert signal.args == [name]
    assert overview.column_at(QPoint(-5, 10).toPointF()) == -1


def test_tooltips_describe_each_stage_from_its_modules(overview: NetworkOverview):
    overview.set_architecture(describe_stages(build_model("default")))
    # The kind is said once: "global max pooling, 7×7 max pool, …" said it twice (a review).
    assert "pool3: global max pooling, 7×7, stride 7, no padding\n" in overview.tooltip("pool3")
    assert "max pooling, 2×2, stride 2, no padding" in overview.tooltip("pool1")
    assert "5×5, stride 1, “same” padding" in overview.tooltip("conv1") and "BatchNorm" in overview.tooltip("conv1")
    assert "1,290" in overview.tooltip("fc1")  # 128 * 10 + 10 parameters
    overview.set_architecture(describe_stages(build_model("deep-dropout")))
    assert "drop1" in overview.stage_names()
    assert "64×7×7 → 64×7×7" in overview.tooltip("drop2")


def test_dropout_columns_show_what_passes_through(overview: NetworkOverview):
    import torch

    model = build_model(ModelConfig("deep-dropout", (2, 3, 4, 5))).eval()
    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:15] = 1.0
    with torch.no_grad():
        logits, maps = model.forward_with_activations(torch.from_numpy(image).view(1, 1, 28, 28))
    prediction = Prediction(torch.softmax(logits, 1)[0].numpy(), image, {k: v[0].numpy() for k, v in maps.items()})
    overview.set_architecture(describe_stages(model))
    overview.set_prediction(prediction, vector_activations(model, image))
    assert all(overview.has_values(name) for name in overview.stage_names())
    assert overview.tile_images("drop1")[0] == overview.tile_images("pool1")[0]


def test_painted_words_and_placeholder(overview: NetworkOverview):
    assert overview.painted_texts() == [overview.placeholder()]
    overview.set_architecture(describe_stages(build_model("lenet5")))
    assert overview.painted_texts() == ["input", "softmax"]


def test_dark_palette_is_followed(qtbot: QtBot, overview: NetworkOverview, seven: Prediction, predictor: Predictor):
    overview.set_architecture(describe_stages(predictor.model))
    overview.set_prediction(seven, vector_activations(predictor, seven.input))
    palette = overview.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
    overview.setPalette(palette)
    image = overview.grab().toImage()
    assert image.pixelColor(2, 2) == QColor(30, 30, 30)  # the background is the palette's, not white
    # The caption text is drawn in the palette's text colour somewhere in the bottom band.
    band = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), 2) for y in range(190, 228)]
    assert max(band) > 200


def test_columns_for_and_strongest_channels():
    stages = describe_stages(build_model("twoconv"))
    columns = columns_for(stages)
    assert columns[0].shape == (1, 28, 28) and columns[-1].shape == (10,)
    assert [c.is_map for c in columns] == [True, True, True, True, True, False, False, False]
    assert columns_for([]) == []
    maps = np.zeros((5, 2, 2), np.float32)
    maps[3] = 2.0
    maps[1] = 1.0
    assert strongest_channels(maps, 3) == [3, 1, 0]
