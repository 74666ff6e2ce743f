"""Reading numbers and saying 'not a digit', through the CLI's JSON and in-process."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_desk.cli import main
from mnist_desk.inference import Predictor
from mnist_desk.reading import (
    CLEAR_MARGIN,
    _recut_touching_neighbours,
    _split_what_is_not_a_digit,
    crop_scorer,
    read_number,
    read_segments,
)
from mnist_desk.segment import Segment
from training.negatives import negative_strokes
from training.pen_render import PenStyle, draw_strokes, render, shape_strokes
from training.pendigits import TEST_WRITERS, read_pendigits

STYLE = PenStyle(height=180, aspect=1, slant=0, rotation=0, pen=12, smooth=False, x=0, y=0)


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor()


@pytest.fixture(scope="module")
def clear_digits():
    """One test writer's digits the bundled model reads right when drawn alone (by label)."""
    predictor = Predictor()
    chosen = {}
    for digit in read_pendigits():
        if digit.writer != TEST_WRITERS[0] or digit.label in chosen:
            continue
        from mnist_desk.preprocess import preprocess

        probabilities, rejected = predictor.read(preprocess(render(digit.strokes, STYLE))[None])
        if probabilities[0].argmax() == digit.label and probabilities[0].max() > 0.95 and not rejected[0]:
            chosen[digit.label] = digit
    assert len(chosen) == 10
    return chosen


def write_line(parts: list[list[np.ndarray]], gap: float = 60) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Strokes of several marks side by side: (picture, each mark's x range)."""
    strokes, spans, x = [], [], 20.0
    for mark in parts:
        shaped = shape_strokes(mark, STYLE, canvas=4000)
        pts = np.concatenate(shaped)
        offset = np.array([x - pts[:, 0].min(), 150 - (pts[:, 1].min() + pts[:, 1].max()) / 2])
        placed = [s + offset for s in shaped]
        right = float(np.concatenate(placed)[:, 0].max())
        spans.append((int(x), int(right)))
        strokes += placed
        x = right + gap
    width = int(x) + 20
    big = Image.new("L", (width * 2, 600), 255)
    draw_strokes(big, strokes, 12, False, 2)
    return np.asarray(big.resize((width, 300), Image.Resampling.BOX)), spans


def test_a_number_is_read_digit_by_digit_with_boxes_left_to_right(predictor, clear_digits):
    picture, spans = write_line([list(clear_digits[d].strokes) for d in (2, 0, 2, 6)])
    reading = read_number(predictor, picture)
    assert reading.text == "2026"
    for digit, (x0, x1) in zip(reading.digits, spans, strict=True):
        assert digit.box[0] <= x0 + 8 and digit.box[2] >= x1 - 8  # each box holds its digit ...
        assert digit.box[2] <= x1 + 20  # ... and not its neighbour


def test_predict_number_json_contract(tmp_path: Path, capsys, clear_digits):
    picture, _ = write_line([list(clear_digits[d].strokes) for d in (4, 2)])
    Image.fromarray(picture).save(tmp_path / "42.png")
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((100, 300), 255, np.uint8)).save(blank)
    assert main(["predict", "--json", "--number", str(tmp_path / "42.png"), str(blank)]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["number"] == "42" and [d["digit"] for d in first["digits"]] == [4, 2]
    for entry in first["digits"]:
        assert len(entry["box"]) == 4 and len(entry["probabilities"]) == 10 and entry["not_a_digit"] is False
        x0, y0, x1, y1 = entry["box"]
        assert 0 <= x0 < x1 <= picture.shape[1] and 0 <= y0 < y1 <= picture.shape[0]
    assert second["number"] is None and second["digits"] == [] and "empty" in second["error"]


@pytest.mark.parametrize("scale", [4, 10])
def test_boxes_are_in_the_files_own_pixels_however_large_it_is(tmp_path: Path, capsys, clear_digits, scale):
    # Images over 2048 px are read reduced; the boxes had come out in the reduced copy's
    # pixels (half or a third of the truth) for a phone photo (a hostile review).
    picture, _ = write_line([list(clear_digits[d].strokes) for d in (4, 2)])
    small, large = tmp_path / "small.png", tmp_path / "large.png"
    Image.fromarray(picture).save(small)
    h, w = picture.shape
    Image.fromarray(picture).resize((w * scale, h * scale), Image.Resampling.NEAREST).save(large)
    assert main(["predict", "--json", "--number", str(small), str(large)]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["number"] == second["number"] == "42"
    for a, b in zip(first["digits"], second["digits"], strict=True):
        np.testing.assert_allclose(b["box"], np.array(a["box"]) * scale, atol=3 * scale)


def test_boxes_of_a_photo_turned_by_its_exif_tag_are_in_its_upright_pixels(tmp_path: Path, capsys, clear_digits):
    picture, _ = write_line([list(clear_digits[d].strokes) for d in (4, 2)])
    h, w = picture.shape
    upright = Image.fromarray(picture).resize((w * 8, h * 8), Image.Resampling.NEAREST).convert("RGB")
    # Stored as the sensor saw it (turned a quarter), with the tag saying how to turn it back.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show
    stored.save(tmp_path / "photo.jpg", exif=exif, quality=95)
    assert main(["predict", "--json", "--number", str(tmp_path / "photo.jpg")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["number"] == "42"
    for x0, y0, x1, y1 in (d["box"] for d in record["digits"]):
        assert 0 <= x0 < x1 <= w * 8 and 0 <= y0 < y1 <= h * 8
    assert record["digits"][1]["box"][2] > w * 8 / 2  # the 2 in the right half of the upright photo


def test_a_non_digit_inside_a_number_makes_it_null(tmp_path: Path, capsys, clear_digits):
    star = negative_strokes("star", np.random.default_rng(0))
    picture, _ = write_line([list(clear_digits[1].strokes), star, list(clear_digits[7].strokes)], gap=80)
    Image.fromarray(picture).save(tmp_path / "1star7.png")
    assert main(["predict", "--json", "--number", str(tmp_path / "1star7.png")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["number"] is None
    assert [d["not_a_digit"] for d in record["digits"]] == [False, True, False]
    assert record["digits"][1]["digit"] is None and len(record["digits"][1]["probabilities"]) == 10


@pytest.mark.parametrize("kind", ["star", "smiley", "letter-A", "hatching"])
def test_a_shape_is_not_a_digit_and_that_is_an_answer(tmp_path: Path, capsys, kind):
    drawing = render(negative_strokes(kind, np.random.default_rng(1)), STYLE)
    Image.fromarray(drawing).save(tmp_path / "shape.png")
    assert main(["predict", "--json", str(tmp_path / "shape.png")]) == 0  # an answer, not a failure
    record = json.loads(capsys.readouterr().out)
    assert record["not_a_digit"] is True and record["digit"] is None and len(record["probabilities"]) == 10
    assert main(["predict", "--json", "--no-reject", str(tmp_path / "shape.png")]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert forced["not_a_digit"] is False and forced["digit"] == int(np.argmax(forced["probabilities"]))


def test_predict_with_examples_adapts_and_says_what_it_skipped(tmp_path: Path, capsys, clear_digits):
    from training.drawn import draw_digit

    examples = tmp_path / "examples"
    mirrored = [np.asarray(draw_digit(9, np.random.default_rng(s)))[:, ::-1] for s in range(8)]
    (examples / "9").mkdir(parents=True)
    for i, drawing in enumerate(mirrored[:4]):
        Image.fromarray(np.ascontiguousarray(drawing)).save(examples / "9" / f"{i}.png")
    (examples / "9" / "broken.png").write_bytes(b"not a png")
    files = []
    for i, drawing in enumerate(mirrored[4:]):
        files.append(tmp_path / f"q{i}.png")
        Image.fromarray(np.ascontiguousarray(drawing)).save(files[-1])
    assert main(["predict", "--json", *map(str, files)]) == 0
    plain = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not any("nearest_example" in record for record in plain)  # no examples, none to be like
    plain = [record["digit"] for record in plain]
    assert main(["predict", "--json", "--examples", str(examples), *map(str, files)]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    adapted = [record["digit"] for record in records]
    assert "broken.png: skipped" in captured.err and "adapted to 4 examples" in captured.err
    for record in records:  # the example each drawing is most like: all four are 9s
        like = record["nearest_example"]
        assert like["digit"] == 9 and 0 < like["similarity"] <= 1 and Path(like["file"]).parent == examples / "9"
    assert main(["predict", "--json", "--number", "--examples", str(examples), str(files[0])]) == 0
    (digit,) = json.loads(capsys.readouterr().out)["digits"]  # each digit of a number names its own
    assert digit["nearest_example"]["digit"] == 9
    assert sum(d == 9 for d in adapted) > sum(d == 9 for d in plain)
    assert sum(d == 9 for d in adapted) >= 3


class _SureOfEverything:
    """A network that reads any crop as a sure 7, and rejects crops wider than they are tall;
    what it reads, it reads ``margin`` above the "not a digit" threshold."""

    def __init__(self, margin: float = 5.0) -> None:
        self.margin = margin

    @staticmethod
    def read(inputs):
        probabilities = np.full((len(inputs), 10), 1e-4)
        probabilities[:, 7] = 1 - 9e-4
        rejected = [np.ptp(np.nonzero(x.max(0) > 0.1)[0]) > np.ptp(np.nonzero(x.max(1) > 0.1)[0]) for x in inputs]
        return probabilities, np.array(rejected)

    def margins(self, inputs):
        return np.full(len(inputs), self.margin)


@pytest.mark.parametrize(("fragment_height", "split"), [(40, False), (100, True)])
def test_a_part_called_not_a_digit_is_not_cut_into_a_digit_and_a_fragment(fragment_height, split):
    # Two halves that both read are two digits, unless one is far shorter than the writing:
    # then it is a piece of the digit (the tail of a 9 read as a 7), and the part stays whole.
    ink = np.zeros((120, 200), np.float32)
    ink[10:110, 20:40] = 1  # a full-height stroke
    ink[60:62, 40:130] = 0.3  # a faint link: the two touch
    ink[110 - fragment_height : 110, 130:150] = 1
    segment = Segment((0, 0, 200, 120), ink, (0,))
    network = _SureOfEverything()
    whole = read_segments(network, [segment])
    assert whole.digits[0].not_a_digit
    reading = _split_what_is_not_a_digit(network, [segment], whole)
    assert len(reading.digits) == (2 if split else 1)


def _two_bars_linked(width: int) -> Segment:
    """Two full-height strokes ``width`` apart, touching through a link: two digits, or one shape."""
    ink = np.zeros((100, width + 40), np.float32)
    ink[:, 10:30] = ink[:, width + 10 : width + 30] = 1
    ink[48:52, 30 : width + 10] = 1
    return Segment((0, 0, width + 40, 100), ink, (0,))


class _SureOfOneBar(_SureOfEverything):
    """Reads a crop of one upright bar as a sure 7; two bars side by side are not a digit."""

    @staticmethod
    def read(inputs):
        probabilities, _ = _SureOfEverything.read(inputs)
        tall = [np.diff(np.r_[0, (x.sum(0) > 5).astype(np.int8)]) == 1 for x in inputs]
        return probabilities, np.array([t.sum() > 1 for t in tall])


@pytest.mark.parametrize(
    ("width", "margin", "split"),
    [(40, 5.0, True), (40, 0.3, False), (80, 0.3, True), (80, 0.05, False)],
)
def test_halves_read_just_above_the_threshold_do_not_replace_not_a_digit(width, margin, split):
    # A star cut in two read as two 8s, 80 and 99 % sure, but only just above the "not a digit"
    # threshold: it stays not a digit. A part as wide as the writing is tall needs less.
    segment = _two_bars_linked(width)
    network = _SureOfOneBar(margin)
    whole = read_segments(network, [segment])
    assert whole.digits[0].not_a_digit
    reading = _split_what_is_not_a_digit(network, [segment], whole)
    assert len(reading.digits) == (2 if split else 1)


def _two_bars_cut_across() -> list[Segment]:
    """Two tall strokes joined by a link, wrongly cut into a top and a bottom half."""
    ink = np.zeros((100, 130), np.float32)
    ink[:, 10:30] = ink[:, 100:120] = 1
    ink[48:52, 30:100] = 1
    return [Segment((0, 0, 130, 50), ink[:50], (0,)), Segment((0, 50, 130, 100), ink[50:], (1,))]


def test_two_touching_parts_that_are_both_not_digits_are_cut_again_elsewhere():
    segments = _two_bars_cut_across()
    network = _SureOfEverything()
    reading = read_segments(network, segments)
    assert all(d.not_a_digit for d in reading.digits)
    recut, again = _recut_touching_neighbours(network, segments, reading)
    assert [d.not_a_digit for d in again.digits] == [False, False]
    assert recut[0].box[2] <= recut[1].box[0] + 1 and all(s.box[3] - s.box[1] == 100 for s in recut)


def test_a_part_that_reads_is_not_cut_again_for_its_neighbour():
    segments = _two_bars_cut_across()
    network = _SureOfEverything()
    reading = read_segments(network, segments)
    reading.digits[0] = dataclasses.replace(reading.digits[0], not_a_digit=False)
    recut, again = _recut_touching_neighbours(network, segments, reading)
    assert recut == segments and again.digits == reading.digits


class _SureAtMargins(_SureOfEverything):
    """Reads every crop as a sure 7, each crop at its own margin above the threshold."""

    def __init__(self, margins) -> None:
        super().__init__()
        self.given = np.asarray(margins, dtype=float)

    def assess(self, inputs):
        probabilities, _ = _SureOfEverything.read(inputs)
        return probabilities, self.given < 0, self.given


def test_a_candidate_read_only_just_above_not_a_digit_scores_lower():
    # Equally sure of its top digit, a crop read just above the threshold is more likely a
    # fragment or two digits: it scores lower by its shortfall below CLEAR_MARGIN, no lower.
    bar = np.full((60, 30), 255, np.uint8)
    bar[5:55, 12:18] = 0
    margins = [CLEAR_MARGIN + 3, CLEAR_MARGIN, CLEAR_MARGIN - 0.25, 0.05]
    fits, rejected = crop_scorer(_SureAtMargins(margins))([bar] * 4)
    assert fits[0] == pytest.approx(fits[1]) and not rejected.any()
    assert fits[0] - fits[2] == pytest.approx(0.25) and fits[0] - fits[3] == pytest.approx(CLEAR_MARGIN - 0.05)


def test_examples_named_empty_is_refused_and_warnings_stay_one_line(tmp_path: Path, capsys, monkeypatch):
    # A hostile review: `--examples "$UNSET"` adapted to whatever digit folders the current
    # folder held, and an example named with a newline split its warning over two lines.
    (tmp_path / "0").mkdir()
    monkeypatch.chdir(tmp_path)
    Image.fromarray(np.full((28, 28), 255, np.uint8)).save("blank.png")
    with pytest.raises(SystemExit) as exit_info:
        main(["predict", "--examples", "", "blank.png"])
    assert exit_info.value.code == 2 and "an empty name, not a folder" in capsys.readouterr().err
    (tmp_path / "0" / "new\nline.png").write_bytes(b"not a png")
    assert main(["predict", "--json", "--examples", ".", "blank.png"]) == 1  # blank.png: nothing to read
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("warning: ") and "new\\nline.png" in line for line in err), err
    assert all(line.startswith(("warning: ", "adapted ")) for line in err), err
