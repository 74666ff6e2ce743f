"""Render each explain widget offscreen to PNG, for a 7, a 4 and a scribble.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/explain/render_widgets.py [--out docs/explain]

The pictures are how we look at the widgets without a screen: each is
``QWidget.grab()`` of the widget at a classroom size, light palette, fed by the
bundled model and the explain functions exactly as the window will feed them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from mnist_desk.explain import METHODS, saliency, unit_arithmetic, vector_activations  # noqa: E402
from mnist_desk.inference import Predictor  # noqa: E402
from mnist_desk.layer_info import describe_stages  # noqa: E402
from training.drawn import draw_digit  # noqa: E402


def scribble(seed: int = 11) -> Image.Image:
    """A random tangle of strokes on the canvas: no digit at all."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (280, 280), 255)
    draw = ImageDraw.Draw(image)
    points = [tuple(p) for p in rng.uniform(60, 220, size=(9, 2))]
    draw.line(points, fill=0, width=14, joint="curve")
    return image


def drawings() -> dict[str, Image.Image]:
    return {
        "seven": draw_digit(7, np.random.default_rng(3), style=0),
        "four": draw_digit(4, np.random.default_rng(5), style=0),
        "scribble": scribble(),
    }


def render_arithmetic(predictor, stages, prediction, label: str, out: Path, every_stage: bool) -> None:
    from mnist_desk.ui.arithmetic_view import ArithmeticView

    view = ArithmeticView()
    view.resize(900, 720)
    view.unit_requested.connect(
        lambda stage, c, y, x: view.set_arithmetic(unit_arithmetic(predictor, prediction.input, stage, c, y, x))
    )
    view.set_architecture(stages)
    view.set_prediction(prediction)
    # Each stage's most active unit of its most active channel: a unit with something to show.
    for stage in ("conv1", "pool1", "conv3", "pool3") if every_stage else ("conv1",):
        maps = prediction.activations[stage]
        channel = int(maps.reshape(len(maps), -1).max(axis=1).argmax())
        y, x = np.unravel_index(int(maps[channel].argmax()), maps[channel].shape)
        view.select_unit(stage, channel, int(y), int(x))
        view.grab().save(str(out / f"arithmetic-{stage}-{label}.png"))
    if every_stage:
        view.select_unit("conv1", 5, 0, 14)  # the top row: the window reads two rows of padding
        view.grab().save(str(out / f"arithmetic-conv1-edge-{label}.png"))
        view.select_unit("flatten", int(np.argmax(prediction.activations["pool3"])))  # its most active element
        view.grab().save(str(out / f"arithmetic-flatten-{label}.png"))
        view.select_unit("fc1", prediction.digit)
        view.grab().save(str(out / f"arithmetic-fc1-{label}.png"))
    view.select_unit("softmax")
    view.grab().save(str(out / f"arithmetic-softmax-{label}.png"))
    if every_stage:
        # Half-way through playing conv1: the output map filled up to the window.
        view.select_unit("conv1", 5, 0, 0)
        view.play()
        for _ in range(28 * 14 - 1):
            view.step()
        view.pause()
        view.grab().save(str(out / f"arithmetic-play-conv1-{label}.png"))


def render_playground(predictor, prediction, label: str, out: Path, every_kernel: bool) -> None:
    from mnist_desk.ui.kernel_playground import KernelPlayground

    playground = KernelPlayground()
    playground.resize(1000, 460)
    playground.set_conv1_weights(predictor.kernels("conv1"))
    playground.set_input(prediction.input)
    settings = (("sobel_y", "same", 1), ("gaussian_5x5", "valid", 2), ("sharpen", "full", 1))
    for kernel, padding, stride in settings if every_kernel else settings[:1]:
        playground.select_kernel(kernel)
        playground.set_padding(padding)
        playground.set_stride(stride)
        playground.grab().save(str(out / f"playground-{kernel}-{label}.png"))


def render_saliency(predictor, prediction, label: str, out: Path) -> None:
    """The 28x28 input with each method's overlay, side by side, for the top class and "top vs runner-up"."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QFont, QImage, QPainter

    from mnist_desk.ui.image_tiles import grey_to_qimage
    from mnist_desk.ui.saliency_overlay import paint_saliency, saliency_qimage

    order = np.argsort(-prediction.probabilities)
    rows = [(int(order[0]), None), (int(order[0]), int(order[1]))]
    side, gap, caption = 196, 10, 24
    image = QImage(
        len(METHODS) * (side + gap) + gap, len(rows) * (side + caption + gap) + gap, QImage.Format.Format_RGB32
    )
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(QFont(painter.font().family(), 11))
    base = grey_to_qimage(prediction.input)
    for r, (target, versus) in enumerate(rows):
        for c, method in enumerate(METHODS):
            rect = QRectF(gap + c * (side + gap), gap + r * (side + caption + gap) + caption, side, side)
            painter.drawImage(rect, base)
            paint_saliency(
                painter, rect, saliency_qimage(saliency(predictor, prediction.input, target, versus, method))
            )
            why = f"{target}" if versus is None else f"{target} not {versus}"
            painter.drawText(QRectF(rect.x(), rect.y() - caption, side, caption), Qt.AlignmentFlag.AlignCenter,
                             f"{method}: {why}")  # fmt: skip
    painter.end()
    image.save(str(out / f"saliency-{label}.png"))


def dark_palette() -> QPalette:
    """A dark theme like the system ones, to check the widgets take every colour from the palette."""
    palette = QPalette()
    for role, rgb in (
        (QPalette.ColorRole.Window, (45, 45, 48)),
        (QPalette.ColorRole.WindowText, (230, 230, 230)),
        (QPalette.ColorRole.Base, (30, 30, 32)),
        (QPalette.ColorRole.AlternateBase, (60, 60, 64)),
        (QPalette.ColorRole.Text, (230, 230, 230)),
        (QPalette.ColorRole.Button, (60, 60, 64)),
        (QPalette.ColorRole.ButtonText, (230, 230, 230)),
        (QPalette.ColorRole.Highlight, (64, 145, 230)),
        (QPalette.ColorRole.Mid, (110, 110, 116)),
        (QPalette.ColorRole.Dark, (150, 150, 156)),
    ):
        palette.setColor(role, QColor(*rgb))
    return palette


def render_untrained_overview(arch: str, prediction_image: np.ndarray, out: Path) -> None:
    """Another architecture, untrained: the overview draws whatever stages the model has."""
    import torch

    from mnist_desk.inference import Prediction
    from mnist_desk.model import build_model
    from mnist_desk.ui.network_overview import NetworkOverview

    torch.manual_seed(0)
    model = build_model(arch).eval()
    with torch.no_grad():
        logits, maps = model.forward_with_activations(torch.from_numpy(prediction_image).float().view(1, 1, 28, 28))
    prediction = Prediction(
        torch.softmax(logits, 1)[0].numpy(), prediction_image, {k: v[0].numpy() for k, v in maps.items()}
    )
    overview = NetworkOverview()
    overview.resize(1100, 230)
    overview.set_architecture(describe_stages(model))
    overview.set_prediction(prediction, vector_activations(model, prediction_image))
    overview.grab().save(str(out / f"overview-{arch}-untrained-seven.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent, help="folder for the PNGs (default: here)")
    parser.add_argument("--only", default="", help="render only widgets whose name contains this")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    predictor = Predictor()
    stages = describe_stages(predictor.model)
    from mnist_desk.ui.network_overview import NetworkOverview

    def wanted(name: str) -> bool:
        return not args.only or args.only in name

    for theme in ("", "-dark"):
        if theme:
            app.setPalette(dark_palette())
        for label, image in drawings().items():
            prediction = predictor.predict(image)
            if theme and label != "seven":
                continue
            full = label == "seven" and not theme
            if wanted("overview"):
                overview = NetworkOverview()
                overview.resize(1100, 230)
                overview.set_architecture(stages)
                overview.set_prediction(prediction, vector_activations(predictor, prediction.input))
                overview.set_selected_stage("conv2")
                overview.grab().save(str(args.out / f"overview-{label}{theme}.png"))
            if wanted("playground"):
                render_playground(predictor, prediction, label + theme, args.out, full)
            if wanted("saliency") and not theme:
                render_saliency(predictor, prediction, label, args.out)
            if wanted("arithmetic"):
                render_arithmetic(predictor, stages, prediction, label + theme, args.out, full)
            if wanted("untrained") and full:
                for arch in ("twoconv", "deep-dropout"):
                    render_untrained_overview(arch, prediction.input, args.out)
    app.quit()


if __name__ == "__main__":
    main()
