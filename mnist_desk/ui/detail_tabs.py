"""DetailTabs: the right-hand panel, one stage of the network in detail.

Three tabs: the feature maps and kernels of a conv or pool layer; how one
value is computed (the arithmetic, with the kernel sliding across its input);
and a kernel to try on the drawing. The two last ones scroll when the window
is small, rather than forcing a large minimum size on it: at the default size
they fit without scrolling.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from mnist_desk.ui.arithmetic_view import ArithmeticView
from mnist_desk.ui.feature_maps import FeatureMapViewer
from mnist_desk.ui.kernel_playground import KernelPlayground

MAPS, ARITHMETIC, PLAYGROUND = range(3)


def scrolling(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a frameless scroll area that lets it grow with the panel."""
    area = QScrollArea(objectName=name)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


class DetailTabs(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailTabs")
        # Every title whole, always: the panel's minimum width makes room for them
        # instead of hiding tabs behind scroll arrows.
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideNone)
        self.feature_maps = FeatureMapViewer()
        self.arithmetic = ArithmeticView()
        self.playground = KernelPlayground()
        maps_page = QWidget(objectName="mapsPage")
        QVBoxLayout(maps_page).addWidget(self.feature_maps)
        self.addTab(maps_page, "")
        self.addTab(scrolling(self.arithmetic, "arithmeticScroll"), "")
        self.addTab(scrolling(self.playground, "playgroundScroll"), "")
        self.retranslate()

    def retranslate(self) -> None:
        self.setTabText(MAPS, self.tr("Feature maps"))
        self.setTabToolTip(MAPS, self.tr("Every channel of a conv or pool layer, and the kernels that made them"))
        self.setTabText(ARITHMETIC, self.tr("How a value is computed"))
        self.setTabToolTip(
            ARITHMETIC, self.tr("Click a pixel of a feature map, or a stage of the overview, to see its arithmetic")
        )
        self.setTabText(PLAYGROUND, self.tr("Try a kernel"))
        self.setTabToolTip(PLAYGROUND, self.tr("Edge, sharpen, blur or your own numbers, on your drawing"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_maps(self) -> None:
        self.setCurrentIndex(MAPS)

    def show_arithmetic(self) -> None:
        self.setCurrentIndex(ARITHMETIC)

    def show_playground(self) -> None:
        self.setCurrentIndex(PLAYGROUND)

    def showing(self, index: int) -> bool:
        return self.currentIndex() == index


__all__ = ["ARITHMETIC", "MAPS", "PLAYGROUND", "DetailTabs", "scrolling"]
