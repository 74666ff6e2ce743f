"""The downloader against a local HTTP server on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import gzip
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from idx_files import idx_bytes, sample_digits
from mnist_desk.digit_csv import DataError
from training.data import load_split
from training.download import download_file, download_split

NAMES = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


@pytest.fixture
def payloads():
    images, labels = sample_digits(9, seed=5)
    return {NAMES[0]: gzip.compress(idx_bytes(images)), NAMES[1]: gzip.compress(idx_bytes(labels))}, images, labels


@pytest.fixture
def server(payloads):
    """Serves /good/NAME intact, /corrupt/NAME with flipped bytes, /drop/NAME cut off
    mid-body (Content-Length promises more), and 404 elsewhere."""
    files = payloads[0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802 - the http.server API
            kind, _, name = self.path.strip("/").partition("/")
            if name not in files or kind not in ("good", "corrupt", "drop"):
                self.send_error(404)
                return
            body = files[name]
            if kind == "corrupt":
                body = bytes(b ^ 0xFF for b in body[:50]) + body[50:]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if kind == "drop" else body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _checksums(files):
    return {name: hashlib.md5(data).hexdigest() for name, data in files.items()}


def test_download_verifies_and_loads(tmp_path, server, payloads):
    files, images, labels = payloads
    download_split("test", tmp_path, mirrors=[f"{server}/good/"], checksums=_checksums(files), log=lambda _: None)
    digits = load_split("test", tmp_path, download=False)
    assert np.array_equal(digits.images, images) and np.array_equal(digits.labels, labels)
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("broken", ["corrupt", "drop", "missing"])
def test_a_broken_mirror_falls_back_to_the_next(tmp_path, server, payloads, broken):
    files = payloads[0]
    messages = []
    path = download_file(
        NAMES[0],
        tmp_path,
        mirrors=[f"{server}/{broken}/", f"{server}/good/"],
        checksums=_checksums(files),
        log=messages.append,
    )
    assert path.read_bytes() == files[NAMES[0]]
    assert len(messages) == 1 and "next mirror" in messages[0]


@pytest.mark.parametrize("broken", ["corrupt", "drop"])
def test_when_every_mirror_fails_no_file_is_left_to_trust(tmp_path, server, payloads, broken):
    files = payloads[0]
    with pytest.raises(DataError, match=f"could not download {NAMES[0]}"):
        download_file(
            NAMES[0], tmp_path, mirrors=[f"{server}/{broken}/"], checksums=_checksums(files), log=lambda _: None
        )
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_mirror_is_reported(tmp_path, payloads):
    files = payloads[0]
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(DataError, match="127.0.0.1:9"):
        download_file(
            NAMES[0], tmp_path, mirrors=["http://127.0.0.1:9/"], checksums=_checksums(files), log=lambda _: None
        )


def test_the_download_progress_counts_megabytes(tmp_path, server, payloads, monkeypatch):
    import training.download as download

    units = []
    real_bar = download.ProgressBar

    def recording_bar(*args, **kwargs):
        units.append((kwargs.get("unit"), kwargs.get("scale")))
        return real_bar(*args, **kwargs)

    monkeypatch.setattr(download, "ProgressBar", recording_bar)
    files = payloads[0]
    download_file(NAMES[0], tmp_path, mirrors=[f"{server}/good/"], checksums=_checksums(files), log=lambda _: None)
    assert units == [("MB", 1e6)]
