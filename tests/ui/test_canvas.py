import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from mnist_desk.ui.canvas import MAX_BRUSH, MIN_BRUSH, DrawingCanvas
from ui_helpers import drag


@pytest.fixture
def canvas(qtbot):
    widget = DrawingCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    return widget


def ink(canvas) -> int:
    return int((canvas.to_array() < 128).sum())


def test_drawing_puts_ink_on_paper_and_signals(qtbot, canvas):
    assert canvas.is_blank() and ink(canvas) == 0
    with qtbot.waitSignal(canvas.image_changed):
        drag(canvas, [(0.2, 0.2), (0.8, 0.8)])
    assert not canvas.is_blank() and ink(canvas) > 1000


def test_strokes_are_smooth_and_round(canvas):
    canvas.set_brush_size(30)
    drag(canvas, [(0.5, 0.5), (0.5, 0.5)])  # a click is a round dot, not nothing
    paper = canvas.to_array()
    ys, xs = np.nonzero(paper < 128)
    assert abs(xs.mean() - 280) < 2 and abs(ys.mean() - 280) < 2
    assert (xs.max() - xs.min()) == pytest.approx(30, abs=3)
    assert len(np.unique(paper)) > 10  # anti-aliased edge: grey levels between ink and paper


def test_undo_redo_and_clear(canvas):
    drag(canvas, [(0.1, 0.1), (0.4, 0.1)])
    one = canvas.to_array()
    drag(canvas, [(0.1, 0.6), (0.9, 0.6)])
    two = canvas.to_array()
    canvas.undo()
    assert np.array_equal(canvas.to_array(), one) and canvas.can_redo()
    canvas.redo()
    assert np.array_equal(canvas.to_array(), two) and not canvas.can_redo()
    canvas.undo()
    canvas.undo()
    assert canvas.is_blank() and ink(canvas) == 0 and not canvas.can_undo()
    canvas.redo()
    drag(canvas, [(0.5, 0.2), (0.5, 0.9)])  # a new stroke discards the redo history
    assert not canvas.can_redo()
    canvas.clear()
    assert canvas.is_blank() and ink(canvas) == 0 and not canvas.can_undo()


def test_resizing_keeps_the_drawing(qtbot, canvas):
    drag(canvas, [(0.2, 0.3), (0.7, 0.8)])
    before = canvas.to_array()
    canvas.resize(900, 500)
    qtbot.wait(10)
    assert np.array_equal(canvas.to_array(), before)
    drag(canvas, [(0.2, 0.3), (0.7, 0.8)])  # same paper position at the new size: same ink
    assert abs(ink(canvas) - int((before < 128).sum())) < 0.02 * ink(canvas)


def test_eraser_removes_ink(canvas):
    canvas.set_brush_size(40)
    drag(canvas, [(0.1, 0.5), (0.9, 0.5)])
    full = ink(canvas)
    canvas.eraser = True
    drag(canvas, [(0.5, 0.2), (0.5, 0.8)])
    assert 0 < ink(canvas) < full


def test_brush_size_is_clamped(canvas):
    canvas.set_brush_size(1000)
    assert canvas.brush_size == MAX_BRUSH
    canvas.set_brush_size(-3)
    assert canvas.brush_size == MIN_BRUSH


def test_a_loaded_image_becomes_the_paper(canvas):
    image = QImage(100, 50, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    image.setPixelColor(50, 25, QColor("black"))
    canvas.load_image(image)
    assert not canvas.is_blank() and ink(canvas) > 0
    canvas.clear()
    assert canvas.is_blank()
