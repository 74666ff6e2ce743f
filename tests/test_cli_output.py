"""Where predict writes: a closed pipe, a full disk, Ctrl-C, and ``--csv --out`` files
(the cases a hostile review of the CLI found: tracebacks, a private file, a replaced
symlink, the input overwritten)."""

from __future__ import annotations

import errno
import io
import os
import stat
import subprocess
import sys

import pytest

import mnist_desk.cli as cli
from mnist_desk.cli import main


@pytest.fixture
def digits_csv(tmp_path, mnist_test):
    rows = ["pixel" + ",pixel".join(map(str, range(784)))]
    rows += [",".join(map(str, img.ravel())) for img in mnist_test.images[:4]]
    path = tmp_path / "test.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


class FullDisk(io.StringIO):
    encoding = "utf-8"

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_an_error_message_not_a_traceback(monkeypatch, capsys, checkpoint, drawn_seven, tmp_path):
    drawn_seven.save(tmp_path / "seven.png")
    monkeypatch.setattr(sys, "stdout", FullDisk())
    assert main(["predict", "--checkpoint", str(checkpoint), str(tmp_path / "seven.png")]) == 2
    assert main(["info", "--checkpoint", str(checkpoint)]) == 2
    err = capsys.readouterr().err
    assert err == "error: cannot write the output (No space left on device)\n" * 2


def test_ctrl_c_is_one_line_and_the_shells_exit_code(monkeypatch, capsys, tmp_path):
    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_predict", interrupted)
    assert main(["predict", str(tmp_path / "x.png")]) == cli.INTERRUPTED_EXIT == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_a_reader_that_goes_away_ends_predict_quietly(tmp_path, checkpoint, drawn_seven):
    drawn_seven.save(tmp_path / "seven.png")
    files = [str(tmp_path / "seven.png")] * 3000  # far more than a pipe's buffer holds
    process = subprocess.Popen(
        [sys.executable, "-m", "mnist_desk", "predict", "--json", "--checkpoint", str(checkpoint), *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline().startswith(b'{"file": ')
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=120) == cli.SIGPIPE_EXIT == 141
    with process.stderr:
        assert process.stderr.read() == b""  # no traceback, no "Exception ignored"


def test_csv_out_may_not_be_the_csv_itself(tmp_path, capsys, digits_csv):
    before = digits_csv.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(digits_csv)
    for out in (digits_csv, link):
        assert main(["predict", "--csv", str(digits_csv), "--out", str(out)]) == 2
        assert "is the --csv file itself" in capsys.readouterr().err
    assert digits_csv.read_bytes() == before and link.is_symlink()


def test_csv_out_is_written_through_a_symlink(tmp_path, checkpoint, digits_csv):
    target, link = tmp_path / "kept.csv", tmp_path / "link.csv"
    target.write_text("")
    link.symlink_to(target)
    assert main(["predict", "--checkpoint", str(checkpoint), "--csv", str(digits_csv), "--out", str(link)]) == 0
    assert link.is_symlink() and target.read_text().splitlines()[0] == "ImageId,Label"
    assert len(target.read_text().splitlines()) == 5


def test_csv_out_has_the_mode_a_plain_write_would_give(tmp_path, checkpoint, digits_csv):
    old = os.umask(0o022)
    try:
        fresh, shared = tmp_path / "fresh.csv", tmp_path / "shared.csv"
        shared.write_text("old\n")
        shared.chmod(0o664)
        for out in (fresh, shared):
            assert main(["predict", "--checkpoint", str(checkpoint), "--csv", str(digits_csv), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's private 0600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664  # the old file's mode kept


@pytest.mark.parametrize("extra", [["seven.png"], ["--json"], ["--number"]])
def test_csv_with_image_arguments_is_refused_not_ignored(tmp_path, capsys, digits_csv, extra):
    assert main(["predict", "--csv", str(digits_csv), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --csv reads the digits of a CSV file") and "cannot go with it" in err
