"""Try a kernel: the lecture notes' classic kernels, a plain convolution, and
which learned conv1 kernels look like a given one. Qt-free numpy.

Like every CNN layer (and ``torch.nn.functional.conv2d``), :func:`apply_kernel`
computes a cross-correlation: the kernel is laid on the image as written, not
flipped. So ``sobel_x`` as written below answers positive where the image gets
brighter (more ink) from left to right.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PADDINGS = ("valid", "same", "full")


# Keys are stable identifiers; the views translate their own display names.
CLASSIC_KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64),
    "edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float64),  # 8-neighbour Laplacian
    "laplacian": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], dtype=np.float64),
    "sobel_x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64),
    "sobel_y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
    "box_blur": np.full((3, 3), 1 / 9),
    "gaussian_3x3": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=np.float64) / 16,
    # The binomial 5x5 (rows 1 4 6 4 1) / 256 of image-processing textbooks: a Gaussian with sigma ~1.
    "gaussian_5x5": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256.0,
}
for _kernel in CLASSIC_KERNELS.values():
    _kernel.setflags(write=False)  # shared module state: nobody edits them by accident


def output_size(n: int, k: int, p: int, s: int) -> int:
    """Output length of a convolution: ``(n + 2p - k) // s + 1`` (0 if the kernel does not fit)."""
    if k < 1 or s < 1 or p < 0:
        raise ValueError(f"need k >= 1, s >= 1, p >= 0 (got k={k}, s={s}, p={p})")
    return max((n + 2 * p - k) // s + 1, 0)


def padding_amount(k: int, padding: str | int) -> int:
    """Zeros added on each side: valid 0, same (k - 1) // 2, full k - 1, or an explicit count.

    "same" keeps the size exactly only for odd kernels at stride 1; an even
    kernel would need unequal padding on the two sides, and we pad evenly (so
    its output is one smaller).
    """
    if isinstance(padding, int | np.integer):
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        return int(padding)
    if padding == "valid":
        return 0
    if padding == "same":
        return (k - 1) // 2
    if padding == "full":
        return k - 1
    raise ValueError(f"padding must be one of {PADDINGS} or a number, got {padding!r}")


def apply_kernel(image28: np.ndarray, kernel: np.ndarray, padding: str | int = "valid", stride: int = 1) -> np.ndarray:
    """Slide ``kernel`` over ``image28`` as a conv layer does (cross-correlation, zero padding).

    Parameters
    ----------
    image28
        A 2-D image (the (28, 28) input in [0, 1]; any size works).
    kernel
        A 2-D kernel, (kh, kw).
    padding
        "valid", "same", "full" (see :func:`padding_amount`) or zeros per side.
    stride
        Step between windows, the same along both axes.

    Returns
    -------
    numpy.ndarray
        float64, (output_size(h, kh, ph, stride), output_size(w, kw, pw, stride)).
    """
    image = np.asarray(image28, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must both be 2-D")
    (h, w), (kh, kw) = image.shape, kernel.shape
    ph, pw = padding_amount(kh, padding), padding_amount(kw, padding)
    out_h, out_w = output_size(h, kh, ph, stride), output_size(w, kw, pw, stride)
    if out_h == 0 or out_w == 0:
        return np.zeros((out_h, out_w))
    padded = np.pad(image, ((ph, ph), (pw, pw)))
    windows = sliding_window_view(padded, (kh, kw))[::stride, ::stride][:out_h, :out_w]
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _embed(kernel: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Zero-pad a kernel to ``size``, centred (the extra row/column, if odd, goes below/right)."""
    out = np.zeros(size)
    top, left = (size[0] - kernel.shape[0]) // 2, (size[1] - kernel.shape[1]) // 2
    out[top : top + kernel.shape[0], left : left + kernel.shape[1]] = kernel
    return out


def resembling_kernels(kernel: np.ndarray, conv1_weights: np.ndarray, top: int = 3) -> list[tuple[int, float]]:
    """The learned conv1 kernels most like ``kernel``, by cosine similarity.

    Both are brought to a common size by zero-padding the smaller one,
    centred (a 3x3 Sobel becomes the middle of a 5x5), never by resampling:
    resampling a 3x3 kernel to 5x5 would change what it detects. Similarity
    is the cosine of the two flattened kernels, in [-1, 1]: 1 is the same
    pattern at any scale, -1 the opposite polarity (a dark-to-light edge
    against a light-to-dark one), and ranking is by the signed value.

    Parameters
    ----------
    kernel
        (kh, kw) kernel.
    conv1_weights
        (C, 1, k, k) or (C, k, k): the first conv's weights (``Predictor.kernels("conv1")``).
    top
        How many to return.

    Returns
    -------
    list[tuple[int, float]]
        (channel, similarity), most similar first. A zero kernel matches nothing (similarity 0).
    """
    weights = np.asarray(conv1_weights, dtype=np.float64)
    if weights.ndim == 4:
        if weights.shape[1] != 1:
            raise ValueError("conv1 must read one input channel to be compared with a 2-D kernel")
        weights = weights[:, 0]
    kernel = np.asarray(kernel, dtype=np.float64)
    size = (max(kernel.shape[0], weights.shape[1]), max(kernel.shape[1], weights.shape[2]))
    a = _embed(kernel, size).ravel()
    learned = np.stack([_embed(w, size).ravel() for w in weights])
    norms = np.linalg.norm(learned, axis=1) * np.linalg.norm(a)
    similarity = np.divide(learned @ a, norms, out=np.zeros(len(learned)), where=norms > 0)
    order = np.argsort(-similarity, kind="stable")[:top]
    return [(int(c), float(similarity[c])) for c in order]


# --- a kernel's weights as a person reads and types them (the playground's grid) -----------


# A typed weight beyond this is refused: 1e308 overflowed the convolution and
# its picture took over the panel; no lesson needs a weight over a thousand.
MAX_WEIGHT = 1000.0


def parse_number(text: str) -> float | None:
    """A typed cell: "0.5", "-1", "−1" (a real minus), "1/9", "0,25"; None if it is not a
    number, or not one from -MAX_WEIGHT to MAX_WEIGHT."""
    text = text.strip().replace("−", "-").replace(",", ".")
    if not text:
        return 0.0
    try:
        if "/" in text:
            top, bottom = text.split("/", 1)
            value = float(top) / float(bottom)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if np.isfinite(value) and abs(value) <= MAX_WEIGHT else None


def _simple_fraction(value: float) -> Fraction | None:
    fraction = Fraction(float(value)).limit_denominator(16)
    return fraction if abs(float(fraction) - value) < 1e-12 else None


def cell_texts(kernel: np.ndarray) -> list[list[str]]:
    """How a kernel's weights are written in the grid: whole numbers as they are;
    fractions (1/9, 1/16) when every weight is one with a small denominator;
    otherwise three decimals, which fit a cell."""
    fractions = all(_simple_fraction(v) is not None for v in kernel.ravel())

    def text(value: float) -> str:
        if float(value).is_integer():
            return str(int(value)).replace("-", "−")
        if fractions:
            f = _simple_fraction(value)
            return f"{f.numerator}/{f.denominator}".replace("-", "−")
        return f"{value:.3f}".replace("-", "−")

    return [[text(v) for v in row] for row in kernel]


__all__ = [
    "CLASSIC_KERNELS",
    "PADDINGS",
    "apply_kernel",
    "cell_texts",
    "output_size",
    "padding_amount",
    "parse_number",
    "resembling_kernels",
]
