import json

import numpy as np
import pytest
from PIL import Image

from mnist_desk.checkpoint import save_checkpoint
from mnist_desk.cli import main
from mnist_desk.model import build_model


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / "tiny.pt"
    save_checkpoint(path, build_model("twoconv").eval(), {"test_accuracy": 0.1})
    return path


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
    assert lines[0]["digit"] is None and "not a readable image" in lines[0]["error"]
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
