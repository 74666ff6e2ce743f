"""Build the standalone app with PyInstaller and run it as a user would: no
virtualenv on PATH, no PYTHONPATH, nothing but the folder. Slow (minutes)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executable(tmp_path_factory) -> Path:
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("pyinstaller is not installed: `make test` installs the build extra")
    work = tmp_path_factory.mktemp("pyinstaller")
    cmd = [str(Path(sys.executable).parent / "pyinstaller"), "--noconfirm", "--distpath", str(work / "dist"),
           "--workpath", str(work / "build"), str(ROOT / "build.spec")]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-4000:]
    exe = work / "dist" / "mnist-desk" / ("mnist-desk.exe" if os.name == "nt" else "mnist-desk")
    assert exe.is_file()
    return exe


def minimal_env(tmp_path: Path) -> dict[str, str]:
    """What a double-click gets: system PATH, a home, no Python of ours anywhere."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}


def test_self_test_passes(executable, tmp_path):
    proc = subprocess.run(
        [str(executable), "--self-test"],
        capture_output=True,
        text=True,
        env=minimal_env(tmp_path),
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test passed: 5 of 5 checks" in proc.stdout
    assert "ok    adapt to examples" in proc.stdout and "ok    explain a sample" in proc.stdout
    assert list(tmp_path.iterdir()) == [] or all(p.name.startswith(".") for p in tmp_path.iterdir())


def test_predict_json_and_version(executable, tmp_path):
    samples = sorted((ROOT / "resources" / "selftest").glob("digit_*.png"))[:4]
    proc = subprocess.run([str(executable), "predict", "--json", *map(str, samples)], capture_output=True, text=True,
                          env=minimal_env(tmp_path), timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["digit"] for r in records] == [int(p.name[6]) for p in samples]
    version = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, env=minimal_env(tmp_path), timeout=120
    )
    assert version.stdout.startswith("mnist-desk ")


def test_predict_with_examples_adapts_in_the_bundle(executable, tmp_path):
    # The executable once left the replay set out: every correction failed, and so did this.
    samples = sorted((ROOT / "resources" / "selftest").glob("digit_*.png"))
    examples = tmp_path / "examples"
    for path in samples[::2]:
        (examples / path.name[6]).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, examples / path.name[6] / path.name)
    proc = subprocess.run(
        [str(executable), "predict", "--json", "--examples", str(examples), *map(str, samples[1::2])],
        capture_output=True, text=True, env=minimal_env(tmp_path), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "not found" not in proc.stderr, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["digit"] for r in records] == [int(p.name[6]) for p in samples[1::2]]


def test_the_bundle_writes_nothing_next_to_itself(executable, tmp_path):
    before = {p.relative_to(executable.parent) for p in executable.parent.rglob("*")}
    subprocess.run(
        [str(executable), "--self-test"], capture_output=True, env=minimal_env(tmp_path), timeout=300, check=True
    )
    after = {p.relative_to(executable.parent) for p in executable.parent.rglob("*")}
    assert after == before


def test_the_bundle_is_a_cpu_build_without_test_suites(executable):
    files = [p.relative_to(executable.parent).as_posix() for p in executable.parent.rglob("*") if p.is_file()]
    assert not [f for f in files if re.search(r"(^|/)(libcudart|libcublas|libcudnn|libnccl|nvidia/)", f)]
    assert not [f for f in files if re.search(r"torch/(bin/test_|testing/_internal/data/|lib/.*_test)", f)]
    assert any(f.endswith("resources/model.pt") for f in files)
