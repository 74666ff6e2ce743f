"""Opening images and checkpoints: the window reads a file exactly as ``predict``
does, shows it faithfully, refuses bad files with a clear message, and never
blocks its GUI thread doing so."""

from __future__ import annotations

import os
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QImage

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.model import ModelConfig, build_model
from mnist_desk.preprocess import load_image, preprocess
from mnist_desk.ui.main_window import INFERENCE_SIDE
from ui_helpers import box_text, drag, load_model_in, open_image_in, wait_for_latest


def read_like_predict(predictor, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """What ``mnist-desk predict`` computes for a file: its input and probabilities."""
    image28 = preprocess(load_image(path))
    return image28, predictor.probabilities(image28[None])[0]


def assert_read_as_predict_reads(qtbot, window, predictor, path: Path) -> int:
    assert open_image_in(qtbot, window, path)
    wait_for_latest(qtbot, window)
    image28, probabilities = read_like_predict(predictor, path)
    shown = window.last_prediction
    assert np.array_equal(shown.input, image28)
    np.testing.assert_allclose(shown.probabilities, probabilities, atol=1e-5)
    assert window.prediction_label.text().rstrip("?") == str(int(np.argmax(probabilities)))
    return int(np.argmax(probabilities))


def rgba_of(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : 4 * image.width()].reshape(image.height(), image.width(), 4).copy()


@pytest.fixture
def white_on_transparent(tmp_path, drawn_seven) -> Path:
    """The issue's first image: white ink on a transparent background."""
    grey = np.asarray(drawn_seven.convert("L"))
    rgba = np.zeros((*grey.shape, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = 255 - grey
    path = tmp_path / "white-on-transparent.png"
    Image.fromarray(rgba, "RGBA").save(path)
    return path


@pytest.fixture
def wide_white_on_black(tmp_path, drawn_seven) -> Path:
    """The issue's second image: an 84x28 white-on-black 7 scaled to 840x280."""
    small = np.zeros((28, 84), np.uint8)
    small[:, 28:56] = 255 - np.asarray(drawn_seven.convert("L").resize((28, 28), Image.Resampling.LANCZOS))
    path = tmp_path / "wide.png"
    Image.fromarray(small).resize((840, 280), Image.Resampling.NEAREST).save(path)
    return path


def test_white_ink_on_transparency_is_shown_and_read_as_predict_reads_it(
    qtbot, window, predictor, white_on_transparent
):
    assert assert_read_as_predict_reads(qtbot, window, predictor, white_on_transparent) == 7
    shown = window.canvas.image()
    assert shown.hasAlphaChannel()
    alpha = rgba_of(shown)[..., 3]
    with Image.open(white_on_transparent) as file:
        opaque_in_file = int((np.asarray(file)[..., 3] == 255).sum())
    # Transparent paper; the opaque ink of the 280 px file, shown at 560 px, covers 4 times the pixels.
    assert (alpha == 0).mean() > 0.5
    assert (alpha == 255).sum() == pytest.approx(4 * opaque_in_file, rel=0.15)
    assert window.canvas.sheet().ink[:3] == (255, 255, 255)


def test_a_wide_white_on_black_image_keeps_its_background(qtbot, window, predictor, wide_white_on_black):
    assert assert_read_as_predict_reads(qtbot, window, predictor, wide_white_on_black) == 7
    assert window.last_prediction.confidence > 0.9
    shown = window.canvas.image()
    for x, y in [(5, 5), (280, 40), (280, 520), (555, 555)]:  # the margins above and below the wide image
        assert shown.pixelColor(x, y).name() == "#000000", (x, y)


def test_drawing_on_an_opened_image_adds_its_own_ink_and_undo_returns_to_the_file(
    qtbot, window, predictor, wide_white_on_black
):
    assert open_image_in(qtbot, window, wide_white_on_black)
    sheet = window.canvas.sheet()
    drag(window.canvas, [(0.1, 0.5), (0.2, 0.5)])  # a short white bar to the left of the 7
    wait_for_latest(qtbot, window)
    picture = window.canvas.inference_input(INFERENCE_SIDE)
    assert isinstance(picture, np.ndarray) and picture.shape == (280, 280, 3)
    assert picture[140, 42].tolist() == [255, 255, 255]  # the stroke is in the image's ink colour
    assert picture[5, 5].tolist() == [0, 0, 0]  # on the image's own background
    assert np.array_equal(window.last_prediction.input, preprocess(picture))  # and the picture as shown is read
    window.canvas.undo()
    assert window.canvas.inference_input(INFERENCE_SIDE) is sheet.source  # the file's own pixels again
    window.canvas.eraser = True
    window.canvas.set_brush_size(80)
    drag(window.canvas, [(x, y) for y in np.linspace(0.3, 0.7, 9) for x in (0.3, 0.7)])  # rub the 7 out
    assert int((window.canvas.to_array() > 128).sum()) < 50  # the eraser paints the image's background


def test_a_huge_image_is_refused_without_freezing_the_window(qtbot, window, tmp_path, dialogs_shown):
    path = tmp_path / "huge.png"
    write_blank_png(path, 13_000, 13_000)
    assert path.stat().st_size < 2_000_000
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    with qtbot.waitSignal(window.image_load_finished, timeout=30_000) as blocker:
        window.open_image(path)
        returned = time.perf_counter() - started
    timer.stop()
    finished = time.perf_counter()
    assert returned < 0.1  # open_image hands the file to the worker thread and returns
    assert blocker.args == [False]
    assert "too large" in box_text(dialogs_shown[-1])
    gaps = np.diff([started, *ticks, finished])
    assert gaps.max() < 0.5, f"the GUI thread stalled {gaps.max():.2f} s"


def write_blank_png(path: Path, width: int, height: int) -> None:
    """A valid greyscale PNG of any size, written row by row (a few hundred KB for 13000x13000)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width  # filter byte, then white pixels
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_named_like_an_image_is_refused_at_once(qtbot, window, tmp_path, dialogs_shown):
    fifo = tmp_path / "x.png"
    os.mkfifo(fifo)
    started = time.perf_counter()
    assert not open_image_in(qtbot, window, fifo)
    assert time.perf_counter() - started < 5  # a FIFO opened for reading would block forever
    assert "not a regular file" in box_text(dialogs_shown[-1])
    window.canvas.clear()
    # The worker thread is not stuck on the FIFO: it still answers. (Through the window's own
    # requests: a request submitted to the worker behind their back could be shown after the
    # newest one the window knows of, and the wait below would never see the two equal.)
    window.requests.request_inference(fresh_start=True)
    wait_for_latest(qtbot, window)


@pytest.mark.skipif(os.name == "nt", reason="Windows file names are UTF-16, never undecodable bytes")
def test_a_file_name_that_is_not_utf8_opens_when_dropped(qtbot, window, predictor, tmp_path, drawn_seven):
    raw = os.fsencode(tmp_path) + b"/\xff\xfeseven.png"
    drawn_seven.save(os.fsdecode(raw), format="PNG")
    url = QUrl.fromEncoded(b"file://" + raw.replace(b"\xff", b"%FF").replace(b"\xfe", b"%FE"))
    assert url.toLocalFile().endswith("\ufffd\ufffdseven.png")  # what Qt itself would make of the name
    mime = QMimeData()
    mime.setUrls([url])
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.image_load_finished, timeout=20_000) as blocker:
        window.dropEvent(drop)  # what Qt calls at the end of a real drag (sendEvent needs a drag in progress)
    assert drop.isAccepted()
    assert blocker.args == [True]
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "7"
    assert "\ufffd\ufffdseven.png" in window.statusBar().currentMessage()  # shown, not silently dropped


def test_a_checkpoint_loads_off_the_gui_thread(qtbot, window, tmp_path):
    path = tmp_path / "lenet.pt"
    save_checkpoint(path, build_model(ModelConfig("lenet5")), {"test_accuracy": 0.9})
    started = time.perf_counter()
    with qtbot.waitSignal(window.model_load_finished, timeout=20_000) as blocker:
        window.load_model(path)
        assert time.perf_counter() - started < 0.1
        assert "lenet.pt" in window.statusBar().currentMessage()  # "Loading lenet.pt…"
    assert blocker.args == [True]
    assert window.feature_maps.layers() == ["conv1", "pool1", "conv2", "pool2"]
    assert "lenet5" in window.model_status.text()


def test_html_in_checkpoint_metadata_is_shown_as_text(qtbot, window, tmp_path, dialogs_shown):
    path = tmp_path / "<i>odd</i>.pt"
    meta = {"epochs": "<img src=x onerror=alert(1)>", "device": "<b>gpu</b>", "seconds": "<a href='x'>3</a>"}
    save_checkpoint(path, build_model(ModelConfig("twoconv")), meta)
    assert load_model_in(qtbot, window, path)
    window.menus.actions["about"].trigger()
    text = dialogs_shown[-1].text()
    assert "<img" not in text and "<b>gpu" not in text and "<a href" not in text and "<i>odd" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "&lt;b&gt;gpu&lt;/b&gt;" in text


def test_save_adds_png_and_the_dialog_starts_in_pictures_then_the_last_folder(
    qtbot, window, tmp_path, file_dialogs, monkeypatch
):
    from PySide6.QtCore import QStandardPaths

    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda location: str(pictures))
    drag(window.canvas, [(0.3, 0.3), (0.7, 0.7)])
    elsewhere = tmp_path / "drawings"
    elsewhere.mkdir()
    file_dialogs.answer = elsewhere / "saved_drawing"
    window.menus.actions["saveDrawing"].trigger()
    assert file_dialogs.started_in[-1] == pictures
    with Image.open(elsewhere / "saved_drawing.png") as saved:
        assert saved.format == "PNG"
    assert not (elsewhere / "saved_drawing").exists()
    file_dialogs.answer = None
    window.menus.actions["saveDrawing"].trigger()
    assert file_dialogs.started_in[-1] == elsewhere  # the last folder used
    assert window.save_drawing(tmp_path / "kept.PNG") == tmp_path / "kept.PNG"  # any case of .png is kept


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_model_that_cannot_load_at_start_is_said_in_the_users_language(qtbot, tmp_path, capsys, lang):
    from mnist_desk.checkpoint import load_checkpoint
    from mnist_desk.ui import language
    from mnist_desk.ui.app import startup_failed

    bad = tmp_path / "j.json"
    bad.write_text("{}")
    with pytest.raises(Exception) as caught:
        load_checkpoint(bad)
    assert language.install(lang)
    try:
        box = startup_failed(bad, caught.value)
    finally:
        language.install(language.ENGLISH)
    english = str(caught.value)
    # The core's English message is the technical detail, not the dialog's sentence (a review).
    assert english not in box.text() and english not in box.informativeText()
    assert english in box.detailedText() and "j.json" in box.text()
    if lang == "zh_CN":
        assert "模型" in box.text() and "检查点" in box.informativeText()
    assert capsys.readouterr().err == f"error: {english}\n"


@pytest.mark.parametrize("numbers", [False, True])
def test_an_opened_image_with_nothing_readable_says_why(qtbot, window, tmp_path, numbers):
    # An image all one shade, or of noise, had said "Draw a digit on the canvas" / "Write a number
    # across the canvas" under the very image it could not read (a hostile review).
    if numbers:
        window.menus.actions["numberMode"].trigger()
    Image.new("L", (300, 300), 0).save(tmp_path / "black.png")
    assert open_image_in(qtbot, window, tmp_path / "black.png")
    wait_for_latest(qtbot, window)
    assert window.confidence_label.text() == "No ink found: the image is all one shade"
    if numbers:
        noise = np.random.default_rng(0).integers(0, 256, (500, 500), dtype=np.uint8)
        Image.fromarray(noise).save(tmp_path / "noise.png")
        assert open_image_in(qtbot, window, tmp_path / "noise.png")
        wait_for_latest(qtbot, window)
        assert window.confidence_label.text() == "Too many separate marks to read: noise or a grainy photo?"
    window.canvas.clear()  # and a blank canvas is still an invitation
    wait_for_latest(qtbot, window)
    assert window.confidence_label.text() == (
        "Write a number across the canvas" if numbers else "Draw a digit on the canvas"
    )


def test_the_file_dialog_shows_sizes_and_dates_whole(qtbot, tmp_path):
    # Qt's widths had cut them to "162...KiB" and "25 11 2...6 12:33" (and 计算机 to "计..."):
    # the dialog keeps the widths it was closed with (QtProject.conf), here made narrow.
    from PySide6.QtWidgets import QFileDialog, QListView, QSplitter, QTreeView

    from mnist_desk.ui.dialogs import file_dialog

    for n in range(3):
        (tmp_path / f"drawing_{n}.png").write_bytes(bytes(150_000 + n))
    dialog = file_dialog(None, "Open", str(tmp_path), ["Images (*.png)"])
    qtbot.addWidget(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.resize(900, 500)
    dialog.show()
    details = dialog.findChild(QTreeView, "treeView")
    qtbot.waitUntil(lambda: details.model().rowCount(details.rootIndex()) == 3)
    for column in (1, 2, 3):
        details.header().resizeSection(column, 20)
    dialog.findChild(QSplitter, "splitter").setSizes([20, 880])
    for column in (1, 2, 3):  # size, type, date modified
        qtbot.waitUntil(lambda c=column: details.header().sectionSize(c) >= details.sizeHintForColumn(c))
    places = dialog.findChild(QListView, "sidebar")
    assert places.width() >= places.sizeHintForColumn(0)
