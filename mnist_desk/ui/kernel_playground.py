"""KernelPlayground: try the lecture notes' kernels (or your own numbers) on the drawing.

Pick a classic kernel or type numbers into the grid, choose padding and
stride, and see the convolution of the current 28x28 input, its size with
the formula (n + 2p − k) / s + 1 filled in, and the learned conv1 kernels
that look most like it. Everything here is numpy on a 28x28 image (a few
microseconds), so it runs on the GUI thread; it never touches the network.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mnist_desk.colormap import diverging
from mnist_desk.explain_kernels import (
    CLASSIC_KERNELS,
    PADDINGS,
    apply_kernel,
    cell_texts,
    output_size,
    padding_amount,
    parse_number,
)
from mnist_desk.explain_kernels import resembling_kernels as find_resembling
from mnist_desk.ui.arithmetic_grids import fmt
from mnist_desk.ui.field_rows import FieldRows
from mnist_desk.ui.image_tiles import PixelView, grey_to_qimage, rgb_to_qimage
from mnist_desk.ui.stage_captions import unbroken_range

CUSTOM = "custom"
SIZES = (1, 3, 5, 7)
MATCHES = 3  # learned kernels shown beside the output
SIDE = 28


class SquareView(PixelView):
    """A PixelView whose layout height follows its width, so a caption can sit right under it."""

    def __init__(self, object_name: str, grid: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(object_name, grid, parent)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True


def signed_or_grey(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """RGB for an output map: grey like the input when nothing is negative, else blue/white/red."""
    if values.size and float(values.min()) >= 0:
        top = float(values.max()) or 1.0
        grey = (np.clip(values / top, 0, 1) * 255).astype(np.uint8)
        return np.dstack([grey] * 3), False
    return diverging(values, float(np.abs(values).max()) if values.size else 1.0), True


class KernelPlayground(QWidget):
    """A kernel, its output on the current drawing, and the learned kernels it resembles."""

    output_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernelPlayground")
        self._image: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._kernel = np.array(CLASSIC_KERNELS["edge"], dtype=np.float64)
        self._output: np.ndarray | None = None
        self._matches: list[tuple[int, float]] = []

        self.kernel_label = QLabel()
        self.kernel_choice = QComboBox(objectName="kernelChoice")
        for key in [*CLASSIC_KERNELS, CUSTOM]:
            self.kernel_choice.addItem("", key)
        self.kernel_choice.currentIndexChanged.connect(self.on_kernel_choice_changed)
        self.size_label = QLabel()
        self.size_choice = QComboBox(objectName="kernelSize")
        for size in SIZES:
            self.size_choice.addItem(f"{size}×{size}", size)
        self.size_choice.currentIndexChanged.connect(self.on_size_choice_changed)
        self.padding_label = QLabel()
        self.padding_choice = QComboBox(objectName="paddingChoice")
        for name in PADDINGS:
            self.padding_choice.addItem("", name)
        self.padding_choice.currentIndexChanged.connect(self.refresh)
        self.stride_label = QLabel()
        self.stride_choice = QSpinBox(objectName="strideChoice", minimum=1, maximum=4)
        self.stride_choice.valueChanged.connect(self.refresh)
        # Room for its own line edit: at its bare size hint the number is squeezed.
        self.stride_choice.setMinimumSize(56, 28)

        self.grid = QTableWidget(3, 3, objectName="kernelGrid")
        self.grid.horizontalHeader().setVisible(False)
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setMinimumSize(150, 150)
        self.grid.setMaximumSize(240, 240)
        self.grid.itemChanged.connect(self.on_grid_item_changed)
        self.input_view = SquareView("playgroundInput")
        self.output_view = SquareView("playgroundOutput")
        self.input_caption = QLabel(objectName="playgroundInputCaption", alignment=Qt.AlignmentFlag.AlignCenter)
        self.output_caption = QLabel(objectName="playgroundOutputCaption", wordWrap=True)
        self.output_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Wrapped: in English, at stride 2 and more, one line was wider than the panel.
        self.formula = QLabel(objectName="outputFormula", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        formula_font = QFont(self.formula.font())
        formula_font.setPointSizeF(max(formula_font.pointSizeF() * 1.3, 13.0))
        self.formula.setFont(formula_font)
        self.matches_caption = QLabel(objectName="matchesCaption", wordWrap=True)
        self.match_views = [SquareView(f"match{i}", grid=True) for i in range(MATCHES)]
        self.match_labels = [QLabel(alignment=Qt.AlignmentFlag.AlignCenter) for _ in range(MATCHES)]

        # The kernel on a row of its own (its names are long), then size, padding and
        # stride, on one row where the panel holds them and wrapped where it does not
        # (number mode), so the playground never scrolls sideways.
        kernel_row = QHBoxLayout()
        kernel_row.addWidget(self.kernel_label)
        kernel_row.addWidget(self.kernel_choice, 1)
        self.fields = FieldRows(
            ((self.size_label, self.size_choice), (self.padding_label, self.padding_choice),
             (self.stride_label, self.stride_choice))
        )  # fmt: skip
        choices = QVBoxLayout()
        choices.addLayout(kernel_row)
        choices.addWidget(self.fields)
        self.input_caption.setWordWrap(True)
        images = QHBoxLayout()
        images.addWidget(self.grid, 0, Qt.AlignmentFlag.AlignTop)
        for view, caption in ((self.input_view, self.input_caption), (self.output_view, self.output_caption)):
            column = QVBoxLayout()
            column.addWidget(view)
            column.addWidget(caption)
            column.addStretch(1)  # the caption stays right under its image
            images.addLayout(column, 1)
        matches = QGridLayout()
        matches.addWidget(self.matches_caption, 0, 0, 1, MATCHES)
        for i, (view, label) in enumerate(zip(self.match_views, self.match_labels, strict=True)):
            view.setMinimumSize(64, 64)
            view.setMaximumSize(110, 110)
            matches.addWidget(view, 1, i)
            matches.addWidget(label, 2, i, Qt.AlignmentFlag.AlignTop)
        matches.setRowStretch(3, 1)  # the kernels stay under their caption
        matches.setColumnStretch(MATCHES, 1)  # the kernels stay together on the left
        # The look-alikes under the images, not beside them: the window's panel is narrow.
        body = QVBoxLayout()
        body.addLayout(images, 3)
        body.addLayout(matches, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addLayout(body, 1)
        layout.addWidget(self.formula)

        self.retranslate()
        self.select_kernel("edge")

    # --- inputs -------------------------------------------------------------------

    def set_input(self, image28: np.ndarray | None) -> None:
        """The 28x28 input the network reads (``Prediction.input``), or None for an empty canvas."""
        self._image = None if image28 is None else np.asarray(image28, dtype=np.float64)
        self.refresh()

    def set_conv1_weights(self, weights: np.ndarray | None) -> None:
        """The first conv's kernels, (C, 1, k, k) (``Predictor.kernels("conv1")``); None without a model."""
        self._weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        self.refresh()

    def select_kernel(self, name: str) -> None:
        """Show a classic kernel by its key in ``CLASSIC_KERNELS``."""
        self.kernel_choice.setCurrentIndex(self.kernel_choice.findData(name))
        self.on_kernel_choice_changed()

    def set_kernel(self, kernel: np.ndarray) -> None:
        """Any square kernel, shown as "custom" (unless it equals a classic one)."""
        kernel = np.asarray(kernel, dtype=np.float64)
        if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1]:
            raise ValueError(f"a kernel must be square, got shape {kernel.shape}")
        self._kernel = kernel
        name = next(
            (k for k, v in CLASSIC_KERNELS.items() if v.shape == kernel.shape and np.array_equal(v, kernel)), CUSTOM
        )
        with QSignalBlocker(self.kernel_choice):
            self.kernel_choice.setCurrentIndex(self.kernel_choice.findData(name))
        self._fill_grid()
        self.refresh()

    def set_padding(self, name: str) -> None:
        self.padding_choice.setCurrentIndex(self.padding_choice.findData(name))

    def set_stride(self, stride: int) -> None:
        self.stride_choice.setValue(stride)

    # --- state ----------------------------------------------------------------------

    def kernel(self) -> np.ndarray:
        return self._kernel.copy()

    def padding(self) -> str:
        return self.padding_choice.currentData()

    def stride(self) -> int:
        return self.stride_choice.value()

    def output(self) -> np.ndarray | None:
        return None if self._output is None else self._output.copy()

    def matches(self) -> list[tuple[int, float]]:
        """The learned conv1 kernels shown, (channel, cosine similarity), most alike first."""
        return list(self._matches)

    # --- slots ----------------------------------------------------------------------

    def on_kernel_choice_changed(self, _index: int = 0) -> None:
        key = self.kernel_choice.currentData()
        if key in CLASSIC_KERNELS:
            self._kernel = np.array(CLASSIC_KERNELS[key], dtype=np.float64)
            self._fill_grid()
        self.refresh()

    def on_size_choice_changed(self, _index: int) -> None:
        size = self.size_choice.currentData()
        if size == self._kernel.shape[0]:
            return
        # Keep the numbers typed so far, centred, in the new size.
        old, new = self._kernel, np.zeros((size, size))
        k = min(size, old.shape[0])
        a, b = (size - k) // 2, (old.shape[0] - k) // 2
        new[a : a + k, a : a + k] = old[b : b + k, b : b + k]
        self.set_kernel(new)

    def on_grid_item_changed(self, item: QTableWidgetItem) -> None:
        value = parse_number(item.text())
        with QSignalBlocker(self.grid):
            if value is None:
                item.setBackground(QBrush(QColor(255, 120, 120)))
                item.setToolTip(self.tr("Not a number from −1000 to 1000: counted as 0"))
                value = 0.0
            else:
                item.setBackground(QBrush())
                item.setToolTip("")
        kernel = self._kernel.copy()
        kernel[item.row(), item.column()] = value
        self._kernel = kernel
        with QSignalBlocker(self.kernel_choice):
            self.kernel_choice.setCurrentIndex(self.kernel_choice.findData(CUSTOM))
        self.refresh()

    # --- views ----------------------------------------------------------------------

    def _fill_grid(self) -> None:
        k = self._kernel.shape[0]
        texts = cell_texts(self._kernel)
        with QSignalBlocker(self.grid):
            self.grid.setRowCount(k)
            self.grid.setColumnCount(k)
            for i in range(k):
                for j in range(k):
                    item = QTableWidgetItem(texts[i][j])
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.grid.setItem(i, j, item)
        with QSignalBlocker(self.size_choice):
            index = self.size_choice.findData(k)
            if index < 0:
                self.size_choice.addItem(f"{k}×{k}", k)
                index = self.size_choice.count() - 1
            self.size_choice.setCurrentIndex(index)

    def formula_text(self) -> str:
        """The output size with the formula filled in for the current choices."""
        k = self._kernel.shape[0]
        p, s = padding_amount(k, self.padding()), self.stride()
        out = output_size(SIDE, k, p, s)
        exact = (SIDE + 2 * p - k) % s == 0
        template = (
            self.tr("Output size: ({n} + 2·{p} − {k}) / {s} + 1 = {out}, so {out}×{out}")
            if exact
            else self.tr("Output size: ⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out}, so {out}×{out} (rounded down)")
        )
        return template.format(n=SIDE, p=p, k=k, s=s, out=out)

    def refresh(self) -> None:
        self.formula.setText(self.formula_text())
        self.input_view.set_image(None if self._image is None else grey_to_qimage(self._image), self.tr("Draw a digit"))
        if self._image is None:
            self._output = None
            self.output_view.set_image(None, self.tr("Draw a digit to see the kernel's output"))
            self.output_caption.setText("")
        else:
            self._output = apply_kernel(self._image, self._kernel, self.padding(), self.stride())
            rgb, signed = signed_or_grey(self._output)
            shown = rgb_to_qimage(rgb) if self._output.size else None
            self.output_view.set_image(shown, self.tr("The kernel does not fit"))
            lo, hi = (float(self._output.min()), float(self._output.max())) if self._output.size else (0.0, 0.0)
            caption = (
                self.tr("Output {h}×{w}: blue negative, red positive ({lo} … {hi})")
                if signed
                else self.tr("Output {h}×{w}: black 0 to white {hi}")
            )
            h, w = self._output.shape
            self.output_caption.setText(unbroken_range(caption).format(h=h, w=w, lo=fmt(lo), hi=fmt(hi)))
        self._refresh_matches()
        self.output_changed.emit()

    def _refresh_matches(self) -> None:
        weights = self._weights
        usable = weights is not None and weights.ndim == 4 and weights.shape[1] == 1
        self._matches = find_resembling(self._kernel, weights, top=MATCHES) if usable else []
        if not usable:
            self.matches_caption.setText(self.tr("Learned conv1 kernels: no model with a one-channel conv1"))
        elif not np.any(self._kernel):
            self.matches_caption.setText(self.tr("An all-zero kernel resembles nothing"))
            self._matches = []
        else:
            self.matches_caption.setText(self.tr("The learned conv1 kernels most like it (cosine similarity):"))
        for i, (view, label) in enumerate(zip(self.match_views, self.match_labels, strict=True)):
            if i < len(self._matches):
                channel, similarity = self._matches[i]
                kernel = weights[channel, 0]
                view.set_image(rgb_to_qimage(diverging(kernel, float(np.abs(kernel).max()))))
                label.setText(self.tr("channel {c}: {s}").format(c=channel, s=f"{similarity:+.2f}".replace("-", "−")))
            else:
                view.set_image(None, "")
                label.setText("")

    def kernel_names(self) -> dict[str, str]:
        """The choices in the kernel list, in the current language."""
        return {
            "identity": self.tr("Identity"),
            "edge": self.tr("Edge (Laplacian, 8 neighbours)"),
            "laplacian": self.tr("Laplacian (4 neighbours)"),
            "sobel_x": self.tr("Sobel x (vertical edges)"),
            "sobel_y": self.tr("Sobel y (horizontal edges)"),
            "sharpen": self.tr("Sharpen"),
            "box_blur": self.tr("Box blur 3×3"),
            "gaussian_3x3": self.tr("Gaussian blur 3×3"),
            "gaussian_5x5": self.tr("Gaussian blur 5×5"),
            CUSTOM: self.tr("Your own numbers"),
        }

    def retranslate(self) -> None:
        names = self.kernel_names()
        for i in range(self.kernel_choice.count()):
            key = self.kernel_choice.itemData(i)
            self.kernel_choice.setItemText(i, names.get(key, key))
        padding_names = {
            "valid": self.tr("valid (no padding)"),
            # "same" keeps the size at stride 1 only (stride s gives about n/s): say so, students
            # meet the playground with its stride set above 1 (a review: the label promised more).
            "same": self.tr("same (keeps the size at stride 1)"),
            "full": self.tr("full (every overlap)"),
        }
        for i in range(self.padding_choice.count()):
            self.padding_choice.setItemText(i, padding_names[self.padding_choice.itemData(i)])
        self.kernel_label.setText(self.tr("Kernel:"))
        self.size_label.setText(self.tr("Size:"))
        self.padding_label.setText(self.tr("Padding:"))
        self.stride_label.setText(self.tr("Stride:"))
        self.fields.refit()
        self.grid.setToolTip(self.tr("Type any numbers (1/9 works too); the output follows"))
        self.input_caption.setText(self.tr("The 28×28 input"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


__all__ = ["CUSTOM", "KernelPlayground", "SquareView", "signed_or_grey"]
