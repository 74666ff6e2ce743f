import pickle

import pytest
import torch

from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from mnist_desk.model import ModelConfig, build_model


def test_round_trip_rebuilds_the_same_network(tmp_path):
    model = build_model(ModelConfig("twoconv", (8, 16))).eval()
    save_checkpoint(tmp_path / "m.pt", model, {"test_accuracy": 0.5})
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded.config == model.config and loaded.meta == {"test_accuracy": 0.5}
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded.model(x), model(x))
    assert not (tmp_path / "m.pt.tmp").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "truncated or corrupt|not a PyTorch"),
        (b"hello, I am a text file", "not a PyTorch|truncated or corrupt"),
    ],
)
def test_garbage_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path)


def test_truncated_checkpoint(tmp_path):
    save_checkpoint(tmp_path / "m.pt", build_model("lenet5"), {})
    data = (tmp_path / "m.pt").read_bytes()
    (tmp_path / "m.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="m.pt"):
        load_checkpoint(tmp_path / "m.pt")


def test_bare_state_dict_is_explained(tmp_path):
    torch.save(build_model("lenet5").state_dict(), tmp_path / "sd.pt")
    with pytest.raises(CheckpointError, match="does not say which architecture"):
        load_checkpoint(tmp_path / "sd.pt")


def test_weights_of_another_architecture(tmp_path):
    save_checkpoint(tmp_path / "m.pt", build_model("lenet5"), {})
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["model_args"] = {"arch": "twoconv", "channels": []}
    torch.save(payload, tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="do not match the 'twoconv' architecture"):
        load_checkpoint(tmp_path / "m.pt")


def test_unknown_architecture_and_format(tmp_path):
    save_checkpoint(tmp_path / "m.pt", build_model("lenet5"), {})
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    torch.save({**payload, "model_args": {"arch": "resnet"}}, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="unknown architecture 'resnet'"):
        load_checkpoint(tmp_path / "a.pt")
    torch.save({**payload, "format": "other/9"}, tmp_path / "f.pt")
    with pytest.raises(CheckpointError, match="unsupported checkpoint format"):
        load_checkpoint(tmp_path / "f.pt")


class Evil:
    def __reduce__(self):
        return (print, ("this would run on load",))


def test_pickled_code_is_refused(tmp_path):
    with (tmp_path / "evil.pt").open("wb") as f:
        torch.save({"model": Evil(), "model_args": {"arch": "lenet5"}}, f, pickle_module=pickle)
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(tmp_path / "evil.pt")


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "nope.pt")
