import math
import os
import pickle
import stat
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import mnist_desk.checkpoint as checkpoint_module
from mnist_desk.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from mnist_desk.model import ModelConfig, build_model


def test_round_trip_rebuilds_the_same_network(tmp_path):
    model = build_model(ModelConfig("twoconv", (8, 16))).eval()
    save_checkpoint(tmp_path / "m.pt", model, {"test_accuracy": 0.5})
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded.config == model.config and loaded.meta == {"test_accuracy": 0.5}
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded.model(x), model(x))
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def _payload(tmp_path, arch="twoconv"):
    save_checkpoint(tmp_path / "good.pt", build_model(arch), {"temperature": 0.5})
    return torch.load(tmp_path / "good.pt", weights_only=True)


def _save_raw(tmp_path, payload, name="bad.pt"):
    torch.save(payload, tmp_path / name)
    return tmp_path / name


UNSAFE_ADVICE = ("weights_only", "add_safe_globals", "safe_globals")


def _assert_no_unsafe_advice(message):
    assert not any(word in message for word in UNSAFE_ADVICE), message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"hello, I am a text file", "not an mnist-desk checkpoint"),
        (pickle.dumps({"model": 1}), "not an mnist-desk checkpoint"),
    ],
)
def test_garbage_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message) as info:
        load_checkpoint(path)
    assert "PyTorch zip file" in str(info.value) or "empty" in str(info.value)


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", b"\x80\x02", b"\x80\x04\x95"]), body=st.binary(max_size=2000))
def test_random_bytes_never_advise_the_unsafe_load(tmp_path_factory, prefix, body):
    path = tmp_path_factory.mktemp("rnd") / "random.pt"
    path.write_bytes(prefix + body)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    _assert_no_unsafe_advice(str(info.value))


def test_truncated_checkpoint(tmp_path):
    save_checkpoint(tmp_path / "m.pt", build_model("lenet5"), {})
    data = (tmp_path / "m.pt").read_bytes()
    (tmp_path / "m.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="m.pt: truncated or damaged"):
        load_checkpoint(tmp_path / "m.pt")


def test_bare_state_dict_is_explained(tmp_path):
    torch.save(build_model("lenet5").state_dict(), tmp_path / "sd.pt")
    with pytest.raises(CheckpointError, match="does not say which architecture"):
        load_checkpoint(tmp_path / "sd.pt")


def test_weights_of_another_architecture(tmp_path):
    payload = _payload(tmp_path, "lenet5")
    payload["model_args"] = {"arch": "twoconv", "channels": []}
    with pytest.raises(CheckpointError, match="do not match the 'twoconv' architecture"):
        load_checkpoint(_save_raw(tmp_path, payload))


def test_unknown_architecture_and_format(tmp_path):
    payload = _payload(tmp_path, "lenet5")
    with pytest.raises(CheckpointError, match="unknown architecture 'resnet'"):
        load_checkpoint(_save_raw(tmp_path, {**payload, "model_args": {"arch": "resnet"}}, "a.pt"))
    with pytest.raises(CheckpointError, match="unsupported checkpoint format"):
        load_checkpoint(_save_raw(tmp_path, {**payload, "format": "other/9"}, "f.pt"))


@pytest.mark.parametrize(
    ("channels", "message"),
    [
        ([8000, 8000], "not a whole number from 1 to 4096"),
        ([10**6, 10**6], "not a whole number from 1 to 4096"),
        ([2**70, 12], "not a whole number from 1 to 4096"),
        ([0, 12], "not a whole number"),
        ([6.5, 12], "not a whole number"),
        (["6", 12], "not a whole number"),
        ([True, 12], "not a whole number"),
        (2**70, "must be a list"),
        ([6, 12, 24], "expected 2 kernel counts"),
        # Within bounds, but a 1.6 GB network for a file of a few KB: the shapes say no.
        ([4000, 4000], r"conv1.0.weight: the file has \[6, 1, 5, 5\], the architecture needs \[4000, 1, 5, 5\]"),
    ],
)
def test_model_args_are_checked_before_any_memory_is_allocated(tmp_path, monkeypatch, channels, message):
    payload = _payload(tmp_path)
    payload["model_args"] = {"arch": "twoconv", "channels": channels}
    path = _save_raw(tmp_path, payload)
    real_devices = []
    original = checkpoint_module.build_model

    def recording_build(config):
        if torch.get_default_device().type != "meta":
            real_devices.append(config)
        return original(config)

    monkeypatch.setattr(checkpoint_module, "build_model", recording_build)
    started = time.perf_counter()
    with pytest.raises(CheckpointError, match=message) as info:
        load_checkpoint(path)
    assert real_devices == [], "a network was allocated before its weights were checked"
    assert time.perf_counter() - started < 5
    _assert_no_unsafe_advice(str(info.value))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("tensor", ["conv1.0.weight", "fc1.bias"])
def test_non_finite_weights_are_refused(tmp_path, bad, tensor):
    payload = _payload(tmp_path)
    payload["model"][tensor].view(-1)[0] = bad
    with pytest.raises(CheckpointError, match=f"weight {tensor} holds NaN or infinite values"):
        load_checkpoint(_save_raw(tmp_path, payload))


def test_non_finite_batchnorm_statistics_are_refused(tmp_path):
    payload = _payload(tmp_path, "default")
    payload["model"]["conv1.1.running_var"][3] = math.inf
    with pytest.raises(CheckpointError, match="running_var holds NaN or infinite"):
        load_checkpoint(_save_raw(tmp_path, payload))


@pytest.mark.parametrize("temperature", [5e-324, 0, -1.0, math.nan, math.inf, 1e4, "1", True, None])
def test_absurd_temperatures_are_refused(tmp_path, temperature):
    payload = _payload(tmp_path)
    payload["meta"]["temperature"] = temperature
    with pytest.raises(CheckpointError, match="temperature"):
        load_checkpoint(_save_raw(tmp_path, payload))


@pytest.mark.parametrize("temperature", [1e-3, 0.237, 1, 1000.0])
def test_sane_temperatures_load(tmp_path, temperature):
    payload = _payload(tmp_path)
    payload["meta"]["temperature"] = temperature
    assert load_checkpoint(_save_raw(tmp_path, payload)).meta["temperature"] == temperature


@pytest.mark.parametrize(
    "stored",
    [
        lambda t: t.to(torch.float8_e4m3fn),
        lambda t: t.to_sparse(),
        lambda t: torch.empty_like(t, device="meta"),
        lambda t: t.to(torch.complex64),
    ],
    ids=["float8", "sparse", "meta-device", "complex"],
)
def test_weights_torch_cannot_check_are_refused_with_a_message(tmp_path, stored):
    # A hostile review's crafted files: torch's own NotImplementedError / RuntimeError came through.
    payload = _payload(tmp_path)
    payload["model"]["conv1.0.weight"] = stored(payload["model"]["conv1.0.weight"])
    with pytest.raises(CheckpointError, match="conv1.0.weight is not a plain tensor of numbers"):
        load_checkpoint(_save_raw(tmp_path, payload))


NUMBERISH = (
    st.none() | st.booleans() | st.floats() | st.text(max_size=4)
    | st.integers(-(2**80), 2**80) | st.integers(2**1030, 2**2100) | st.integers(-(2**2100), -(2**1030))
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(temperature=st.sampled_from([0.5, 1]) | NUMBERISH, threshold=NUMBERISH)
def test_any_temperature_and_threshold_load_or_give_a_checkpoint_error(tmp_path_factory, temperature, threshold):
    # Integers too large for a float (2**2000) raised OverflowError: the JSON-like values of
    # the test below stopped at 2**80, so it never met one.
    folder = tmp_path_factory.mktemp("meta")
    payload = _payload(folder)
    payload["meta"] = {"temperature": temperature, "reject": {"threshold": threshold}}
    try:
        load_checkpoint(_save_raw(folder, payload))
    except CheckpointError as exc:
        assert len(str(exc)) < 400  # a 300-digit number is shortened, not printed whole


def test_weights_that_are_not_tensors(tmp_path):
    payload = _payload(tmp_path)
    payload["model"]["fc1.bias"] = [0.0] * 10
    with pytest.raises(CheckpointError, match="fc1.bias is a list, not a tensor"):
        load_checkpoint(_save_raw(tmp_path, payload))


def test_damaged_resume_state_is_refused(tmp_path):
    payload = _payload(tmp_path)
    payload["resume"] = [1, 2, 3]
    with pytest.raises(CheckpointError, match="training state is damaged"):
        load_checkpoint(_save_raw(tmp_path, payload))


class Evil:
    def __reduce__(self):
        return (print, ("this would run on load",))


class RunsACommand:
    def __reduce__(self):
        return (os.system, ("true",))  # a module torch blocks outright, and words its refusal otherwise


@pytest.mark.parametrize(("payload", "named"), [(Evil, "print"), (RunsACommand, "posix.system")])
def test_pickled_code_is_refused(tmp_path, payload, named):
    with (tmp_path / "evil.pt").open("wb") as f:
        torch.save({"model": payload(), "model_args": {"arch": "lenet5"}}, f, pickle_module=pickle)
    with pytest.raises(CheckpointError, match=rf"refused: .*\({named}\)") as info:
        load_checkpoint(tmp_path / "evil.pt")
    _assert_no_unsafe_advice(str(info.value))


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "nope.pt")


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "model.pt")
    with pytest.raises(CheckpointError, match="not a regular file"):
        load_checkpoint(tmp_path / "model.pt")
    with pytest.raises(CheckpointError, match="not a regular file"):
        load_checkpoint(tmp_path)


def test_stale_temporaries_of_a_killed_save_are_removed_at_the_next_save(tmp_path):
    model = build_model("twoconv")
    dead_pid = 2**30  # above Linux's pid_max: no such process
    live_pid = os.getppid()  # another process, alive: a save in progress
    for name in ("m.pt.tmp", f"m.pt.{dead_pid}.tmp", f"m.pt.{live_pid}.tmp", "other.pt.tmp"):
        (tmp_path / name).write_bytes(b"half a checkpoint")
    save_checkpoint(tmp_path / "m.pt", model, {})
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["m.pt", f"m.pt.{live_pid}.tmp", "other.pt.tmp"])


def test_a_failed_save_keeps_the_previous_checkpoint_and_leaves_no_temporary(tmp_path, monkeypatch):
    save_checkpoint(tmp_path / "m.pt", build_model("twoconv"), {"run": 1})

    def dying_save(payload, target):
        with open(target, "wb") as f:
            f.write(b"PK\x03\x04 partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", dying_save)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(tmp_path / "m.pt", build_model("twoconv"), {"run": 2})
    monkeypatch.undo()
    assert load_checkpoint(tmp_path / "m.pt").meta == {"run": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=120, deadline=None)
@given(
    arch=st.one_of(st.sampled_from(["twoconv", "lenet5", "default"]), JSONISH),
    channels=JSONISH,
    meta=JSONISH,
)
def test_any_model_args_and_meta_load_or_give_a_checkpoint_error(tmp_path_factory, arch, channels, meta):
    folder = tmp_path_factory.mktemp("args")
    payload = _payload(folder)
    payload["model_args"] = {"arch": arch, "channels": channels}
    payload["meta"] = meta
    try:
        loaded = load_checkpoint(_save_raw(folder, payload))
    except CheckpointError as exc:
        _assert_no_unsafe_advice(str(exc))
        return
    assert loaded.config.arch == "twoconv"  # only the true architecture fits these weights


def test_a_save_writes_through_a_link_and_keeps_the_file_s_permissions(tmp_path):
    # `calibrate` through a link had replaced the link with a file, left its target uncalibrated,
    # and made a 0440 checkpoint 0644 (a review).
    target = tmp_path / "kept" / "model.pt"
    save_checkpoint(target, build_model("twoconv"), {"temperature": 1.0})
    target.chmod(0o440)
    link = tmp_path / "run" / "model.pt"
    link.parent.mkdir()
    link.symlink_to(target)
    save_checkpoint(link, build_model("twoconv"), {"temperature": 0.5})
    assert link.is_symlink() and load_checkpoint(target).meta["temperature"] == 0.5
    assert stat.S_IMODE(target.stat().st_mode) == 0o440
    assert [p.name for p in target.parent.iterdir()] == ["model.pt"]  # no temporary left
