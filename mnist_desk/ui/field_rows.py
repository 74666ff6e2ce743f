"""FieldRows: labelled fields side by side, on more rows when the width does not hold them.

The kernel playground's size, padding and stride sat on one row 502 px wide. In
number mode the window's right-hand panel is about 400 px, so the whole
playground scrolled sideways and its output image was cut off (a new user's
review). These fields wrap like words instead: as many on a row as fit, and the
widget asks for the height its rows take at the width it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

SPACING = 8  # px between a label and its field, and between one field and the next label


class FieldRows(QWidget):
    def __init__(self, fields: Sequence[tuple[QWidget, QWidget]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = list(fields)
        # The rows are on a child that this widget sizes itself: a widget with a layout of its
        # own reports its layout's height for a width, and a layout knows nothing of wrapping.
        # Each row is a layout of its own: in one grid, a wide field would widen its column
        # on every row and squeeze the fields beside it on the others.
        self._inner = QWidget(self)
        self._column = QVBoxLayout(self._inner)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._rows: tuple[int, ...] = ()  # how many fields each row holds, as laid out now
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._place(self.rows_for(10_000))

    def _width_of(self, label: QWidget, field: QWidget) -> int:
        return (
            label.sizeHint().expandedTo(label.minimumSize()).width()
            + SPACING
            + field.sizeHint().expandedTo(field.minimumSize()).width()
        )

    def rows_for(self, width: int) -> tuple[int, ...]:
        """How many fields go on each row at ``width``: greedily, never fewer than one a row."""
        rows, used = [], 0
        for label, field in self._fields:
            need = self._width_of(label, field)
            if rows and used + SPACING + need <= width:
                rows[-1] += 1
                used += SPACING + need
            else:
                rows.append(1)
                used = need
        return tuple(rows)

    def _place(self, rows: tuple[int, ...]) -> None:
        if rows == self._rows:
            return
        self._rows = rows
        while (item := self._column.takeAt(0)) is not None:
            row = item.layout()
            while row is not None and row.takeAt(0) is not None:
                pass  # the labels and fields stay children of the inner widget; only the row goes
            if row is not None:
                row.deleteLater()
        fields = iter(self._fields)
        for count in rows:
            row = QHBoxLayout()
            row.setSpacing(SPACING)
            for _ in range(count):
                label, field = next(fields)
                row.addWidget(label)
                row.addWidget(field)
            row.addStretch(1)  # the fields keep to the left
            self._column.addLayout(row)
        self.updateGeometry()

    def _row_height(self) -> int:
        return max(max(w.sizeHint().expandedTo(w.minimumSize()).height() for w in pair) for pair in self._fields)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        rows = len(self.rows_for(width))
        return rows * self._row_height() + (rows - 1) * max(self._column.spacing(), 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        widest = max(self._width_of(label, field) for label, field in self._fields)
        return QSize(widest, self.heightForWidth(widest))

    def sizeHint(self) -> QSize:  # noqa: N802
        width = sum(self._width_of(label, field) for label, field in self._fields) + SPACING * (len(self._fields) - 1)
        return QSize(width, self.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Resized while its tab was hidden, it may be shown without a resize event.
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        self._place(self.rows_for(self.width()))
        self._inner.setGeometry(self.rect())

    def refit(self) -> None:
        """The labels' texts changed (another language): lay the rows out again."""
        self._rows = ()
        self._fit()


__all__ = ["FieldRows"]
