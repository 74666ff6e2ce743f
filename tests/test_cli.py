import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import mnist_desk.cli as cli
from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.cli import main
from mnist_desk.model import build_model


@pytest.fixture
def images(tmp_path, drawn_seven):
    good = tmp_path / "seven.png"
    drawn_seven.save(good)
    empty = tmp_path / "empty.png"
    Image.new("L", (100, 100), 255).save(empty)
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"not an image")
    return good, empty, corrupt


def test_predict_json_one_line_per_file_and_failures_do_not_stop_the_rest(capsys, checkpoint, images):
    good, empty, corrupt = images
    code = main(["predict", "--json", "--checkpoint", str(checkpoint), str(corrupt), str(good), str(empty), str(good)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [r["file"] for r in lines] == [str(corrupt), str(good), str(empty), str(good)]
    # The record names the file; its error does not name it again.
    assert lines[0]["digit"] is None and lines[0]["error"] == "not a readable image (no image format recognised)"
    assert "BufferedReader" not in lines[0]["error"]  # Pillow's name for the open file says nothing to a user
    assert lines[2]["digit"] is None and "empty" in lines[2]["error"]
    for record in (lines[1], lines[3]):
        assert record["digit"] in range(10)
        assert len(record["probabilities"]) == 10 and sum(record["probabilities"]) == pytest.approx(1, abs=1e-4)
        assert record["digit"] == int(np.argmax(record["probabilities"]))


def test_predict_plain_text_and_success_exit_code(capsys, checkpoint, images):
    assert main(["predict", "--checkpoint", str(checkpoint), str(images[0])]) == 0
    assert capsys.readouterr().out.startswith(f"{images[0]}: ")


def test_predict_csv_writes_a_kaggle_submission(tmp_path, capsys, checkpoint, mnist_test):
    rows = ["pixel" + ",pixel".join(map(str, range(784)))]
    rows += [",".join(map(str, img.ravel())) for img in mnist_test.images[:5]]
    (tmp_path / "test.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "submission.csv"
    assert (
        main(["predict", "--checkpoint", str(checkpoint), "--csv", str(tmp_path / "test.csv"), "--out", str(out)]) == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == "ImageId,Label" and len(lines) == 6
    assert [int(line.split(",")[0]) for line in lines[1:]] == [1, 2, 3, 4, 5]


def test_bad_checkpoint_and_bad_csv_are_messages_not_tracebacks(tmp_path, capsys, images):
    (tmp_path / "bad.pt").write_bytes(b"junk")
    assert main(["predict", "--checkpoint", str(tmp_path / "bad.pt"), str(images[0])]) == 2
    assert "error:" in capsys.readouterr().err
    (tmp_path / "bad.csv").write_text("1,2,3\n")
    assert main(["predict", "--csv", str(tmp_path / "bad.csv")]) == 2
    assert "expected 784 columns" in capsys.readouterr().err
    assert main(["predict"]) == 2


def test_info_and_version(capsys, checkpoint):
    assert main(["info", "--checkpoint", str(checkpoint)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["arch"] == "twoconv" and info["feature_stages"] == ["conv1", "pool1", "conv2", "pool2"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and "mnist-desk 0.1.0" in capsys.readouterr().out


# --- bad inputs: each gets its own answer, the rest still get theirs --------------------------


def _strict_json(line):
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(line, parse_constant=refuse)


def _dot_png(path):
    img = Image.new("L", (280, 280), 255)
    ImageDraw.Draw(img).ellipse((140, 140, 143, 143), fill=0)
    img.save(path)
    return path


def _sixteen_bit_png(path, drawn_seven):
    grey16 = np.asarray(drawn_seven.convert("L")).astype(np.uint16) * 257
    Image.fromarray(grey16).save(path)
    return path


def test_a_dot_is_too_small_and_costs_the_other_files_nothing(tmp_path, capsys, checkpoint, images, drawn_seven):
    good = images[0]
    dot = _dot_png(tmp_path / "dot.png")
    deep = _sixteen_bit_png(tmp_path / "seven16.png", drawn_seven)
    code = main(["predict", "--json", "--checkpoint", str(checkpoint), str(good), str(dot), str(deep)])
    records = [_strict_json(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1 and [r["file"] for r in records] == [str(good), str(dot), str(deep)]
    assert records[1]["digit"] is None and "too small to read" in records[1]["error"]
    assert records[0]["digit"] == records[2]["digit"] and records[0]["probabilities"] == records[2]["probabilities"]


@pytest.mark.parametrize("failure", [RuntimeError("boom"), MemoryError(), ZeroDivisionError("x")])
def test_any_failure_on_one_file_becomes_that_files_error_record(
    tmp_path, capsys, monkeypatch, checkpoint, images, failure
):
    good = images[0]
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes())
    real_load = cli.load_image

    def load(path):
        if path == bad:
            raise failure
        return real_load(path)

    monkeypatch.setattr(cli, "load_image", load)
    code = main(["predict", "--json", "--checkpoint", str(checkpoint), str(good), str(bad), str(good)])
    records = [_strict_json(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1 and len(records) == 3
    assert records[1]["digit"] is None and type(failure).__name__ in records[1]["error"]
    assert records[0]["digit"] is not None and records[2]["digit"] is not None


class NanPredictor:
    def read(self, inputs):
        return np.full((len(inputs), 10), np.nan, dtype=np.float32), np.zeros(len(inputs), dtype=bool)


def test_json_output_is_always_valid_json(capsys, monkeypatch, images):
    monkeypatch.setattr(cli, "_load_predictor", lambda *_: NanPredictor())
    assert main(["predict", "--json", str(images[0]), str(images[1])]) == 1
    records = [_strict_json(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["digit"] is None and "non-finite" in records[0]["error"]
    assert "empty" in records[1]["error"]


def test_info_is_valid_json_even_with_non_finite_metadata(tmp_path, capsys):
    path = tmp_path / "nan-meta.pt"
    save_checkpoint(path, build_model("twoconv"), {"test_accuracy": float("nan"), "seconds": float("inf")})
    assert main(["info", "--checkpoint", str(path)]) == 0
    info = _strict_json(capsys.readouterr().out)
    assert info["meta"]["test_accuracy"] is None and info["meta"]["seconds"] is None


@pytest.mark.skipif(os.name != "posix", reason="non-UTF-8 file names are a POSIX matter")
@pytest.mark.parametrize("as_json", [True, False])
def test_non_utf8_file_names_print_with_a_strict_stdout(tmp_path, monkeypatch, checkpoint, drawn_seven, as_json):
    path = Path(os.fsdecode(bytes(tmp_path) + b"/seven-\xff.png"))
    drawn_seven.save(path)
    missing = Path(os.fsdecode(bytes(tmp_path) + b"/gone-\xfe.png"))
    raw = io.BytesIO()
    strict = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", strict)
    args = ["predict", "--checkpoint", str(checkpoint), str(path), str(missing)]
    assert main(args[:1] + (["--json"] if as_json else []) + args[1:]) == 1
    strict.flush()
    lines = raw.getvalue().decode("utf-8").splitlines()
    if as_json:
        lines = [_strict_json(line) for line in lines]
        assert lines[0]["digit"] in range(10) and lines[1]["error"] == "no such file"  # the file is named once
        lines = [lines[0]["file"], lines[1]["file"]]
    assert len(lines) == 2 and "seven-\\xff.png" in lines[0] and "gone-\\xfe.png" in lines[1]


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_among_the_images_is_an_error_not_a_hang(tmp_path, capsys, checkpoint, images):
    os.mkfifo(tmp_path / "x.png")
    assert main(["predict", "--json", "--checkpoint", str(checkpoint), str(tmp_path / "x.png"), str(images[0])]) == 1
    records = [_strict_json(line) for line in capsys.readouterr().out.splitlines()]
    assert "not a regular file" in records[0]["error"] and records[1]["digit"] is not None


# --- predict --csv ------------------------------------------------------------------------------


def _kaggle_rows(mnist_test, count, header=True):
    rows = ["pixel" + ",pixel".join(map(str, range(784)))] if header else []
    rows += [",".join(map(str, img.ravel())) for img in mnist_test.images[:count]]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("header", [False, True])
def test_a_csv_starting_with_a_utf8_bom_keeps_every_row(tmp_path, checkpoint, mnist_test, header):
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_bytes(_kaggle_rows(mnist_test, 6, header))
    bom.write_bytes(b"\xef\xbb\xbf" + _kaggle_rows(mnist_test, 6, header))
    for source in (plain, bom):
        assert main(["predict", "--checkpoint", str(checkpoint), "--csv", str(source), "--out", f"{source}.out"]) == 0
    submission = Path(f"{bom}.out").read_text().splitlines()
    assert len(submission) == 7 and [line.split(",")[0] for line in submission[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert submission == Path(f"{plain}.out").read_text().splitlines()


def _unwritable_outputs(tmp_path):
    (tmp_path / "a-file").write_text("x")
    outs = [tmp_path, tmp_path / "missing-folder" / "sub.csv", tmp_path / "a-file" / "sub.csv"]
    if Path("/sys/kernel").is_dir():
        outs.append(Path("/sys/kernel/mnist-desk-sub.csv"))  # refused even to root
    return outs


def test_csv_out_that_cannot_be_written_is_refused_before_any_inference(tmp_path, capsys, monkeypatch, mnist_test):
    (tmp_path / "test.csv").write_bytes(_kaggle_rows(mnist_test, 3))

    def no_inference(*_):
        raise AssertionError("the model was loaded before --out was checked")

    monkeypatch.setattr(cli, "_load_predictor", no_inference)
    for out in _unwritable_outputs(tmp_path):
        assert main(["predict", "--csv", str(tmp_path / "test.csv"), "--out", str(out)]) == 2, out
        err = capsys.readouterr().err
        assert err.startswith("error: --out") and "Traceback" not in err, err


class FailingPredictor:
    def read(self, inputs):
        raise RuntimeError("the network fell over")

    def probabilities(self, inputs):
        return self.read(inputs)[0]


def test_csv_out_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch, checkpoint, mnist_test):
    work = tmp_path / "work"
    work.mkdir()
    (work / "test.csv").write_bytes(_kaggle_rows(mnist_test, 3))
    out = work / "sub.csv"
    out.write_text("previous submission\n")
    monkeypatch.setattr(cli, "_load_predictor", lambda *_: FailingPredictor())
    assert main(["predict", "--csv", str(work / "test.csv"), "--out", str(out)]) == cli.INTERNAL_ERROR_EXIT
    assert out.read_text() == "previous submission\n"
    assert sorted(p.name for p in work.iterdir()) == ["sub.csv", "test.csv"]
    monkeypatch.undo()
    assert main(["predict", "--checkpoint", str(checkpoint), "--csv", str(work / "test.csv"), "--out", str(out)]) == 0
    assert out.read_text().splitlines()[0] == "ImageId,Label"
    assert sorted(p.name for p in work.iterdir()) == ["sub.csv", "test.csv"]


def test_the_self_test_runs_offscreen_whatever_platform_the_desktop_exported(tmp_path):
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "bogus", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mnist_desk", "--self-test"], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # it had aborted (134) in Qt's platform plugin
    assert "self-test passed" in proc.stdout
    # The offscreen platform's notice on every window shown is not the installation's business.
    assert "propagateSizeHints" not in proc.stdout + proc.stderr


def test_records_name_each_file_as_it_was_given(tmp_path, capsys, monkeypatch, checkpoint, drawn_seven):
    # Path() had made "./seven.png" "seven.png" and "" the folder ".": a script matching
    # results to its arguments could not (a hostile review).
    monkeypatch.chdir(tmp_path)
    drawn_seven.save("seven.png")
    drawn_seven.save("new\nline.png")
    given = ["./seven.png", ".//seven.png", "", "./missing.png"]
    assert main(["predict", "--json", "--checkpoint", str(checkpoint), *given]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in records] == given
    assert records[2]["error"] == "an empty name, not a file" and records[3]["error"] == "no such file"
    # In text, still one line per file: the newline in a name is written escaped.
    assert main(["predict", "--checkpoint", str(checkpoint), "new\nline.png", "./seven.png"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("new\\nline.png: ") and lines[1].startswith("./seven.png: ")


def test_help_gives_each_default_once():
    # ArgumentDefaultsHelpFormatter added "(default: None)" after help that named its default.
    from training.__main__ import build_parser as training_parser

    for parser in (cli.build_parser(), training_parser()):
        for action in parser._subparsers._group_actions[0].choices.values():
            text = action.format_help()
            assert "(default: None)" not in text and "(default: False)" not in text, action.prog
            assert text.count("(default: the bundled model)") <= 1


def test_an_animation_says_that_only_its_first_frame_is_read(tmp_path, capsys, checkpoint, drawn_seven):
    frames = [drawn_seven.convert("L"), Image.new("L", drawn_seven.size, 255)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    drawn_seven.save(tmp_path / "still.png")
    assert (
        main(["predict", "--checkpoint", str(checkpoint), str(tmp_path / "anim.gif"), str(tmp_path / "still.png")]) == 0
    )
    err = capsys.readouterr().err
    assert f"warning: {tmp_path / 'anim.gif'}: 2 frames or pages; only the first is read" in err
    assert "still.png" not in err


def test_an_internal_error_has_its_own_exit_code(monkeypatch, capsys, checkpoint, images):
    # Exit 1 says some file could not be read; a bug must not look like that (a hostile review).
    import mnist_desk.cli as cli

    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "cmd_predict", broken)
    assert main(["predict", "--checkpoint", str(checkpoint), str(images[0])]) == cli.INTERNAL_ERROR_EXIT == 3
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err and "internal error" in err


def test_the_command_line_imports_torch_only_when_it_reads_a_network():
    # torch takes about a second to import: at module level it made `--version` take 1.4 s, and
    # a Ctrl-C in that second printed a traceback (main had not started to catch it).
    code = "import sys, mnist_desk.cli; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_digits_side_by_side_get_a_note_that_number_reads_numbers(tmp_path, capsys, drawn_seven):
    """'42' side by side had read '2? 64.9 %' with no hint why (the window suggests number mode too)."""
    from training.numbers import random_number
    from training.pendigits import VALIDATION_WRITERS, by_writers, read_pendigits

    number = random_number(by_writers(read_pendigits(), [VALIDATION_WRITERS[0]]), 3, np.random.default_rng(4))
    written, seven = tmp_path / "number.png", tmp_path / "seven.png"
    Image.fromarray(number.image).save(written)
    drawn_seven.save(seven)
    code = main(["predict", "--json", str(written), str(seven)])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["file"] for r in records] == [str(written), str(seven)]
    assert records[0]["not_a_digit"] or max(records[0]["probabilities"]) < 0.8  # one odd digit to the network
    assert f"note: {written}: looks like 3 digits side by side; --number reads numbers" in err.splitlines()
    assert str(seven) not in err and records[1]["digit"] == 7
