"""The words of the arithmetic diagram: the steps after its grids, and the grids' titles.

Each function takes what :func:`mnist_desk.explain.unit_arithmetic` returned and
gives the lines in the interface language (context "ArithmeticDiagram", where
they have always been translated); :class:`~mnist_desk.ui.arithmetic_diagram.ArithmeticDiagram`
paints them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication

from mnist_desk.explain_arithmetic import BatchNormStep, SoftmaxArithmetic, UnitArithmetic
from mnist_desk.ui.arithmetic_grids import fmt, operand
from mnist_desk.ui.stage_captions import ACTIVATION_NAMES


def chain_lines(r: UnitArithmetic | SoftmaxArithmetic | None) -> list[str]:
    """The computation after the grids or the table, one step per line."""
    if r is None:
        return []
    if isinstance(r, SoftmaxArithmetic):
        return [
            QCoreApplication.translate("ArithmeticDiagram", "temperature T = {t}; m = largest z / T = {m}").format(
                t=fmt(r.temperature, 3), m=fmt(r.shift)
            ),
            QCoreApplication.translate(
                "ArithmeticDiagram", "sum of the exponentials = {s}; each p = exp(z / T − m) / {s}"
            ).format(s=fmt(r.normaliser, 4)),
        ]
    if r.kind in ("pool", "global_pool"):
        if r.pool == "max":
            what = QCoreApplication.translate("ArithmeticDiagram", "largest value")
        else:
            what = QCoreApplication.translate("ArithmeticDiagram", "average")
        return [
            QCoreApplication.translate("ArithmeticDiagram", "{what} of the window = {v}").format(
                what=what, v=fmt(r.weighted_sum, 3)
            )
        ]
    if r.kind == "flatten" and r.source_unit is not None:
        return [flatten_line(r)]
    if r.kind in ("flatten", "dropout"):
        return [QCoreApplication.translate("ArithmeticDiagram", "{stage} passes the value of {source} through unchanged: {v}").format(
            stage=r.stage, source=r.source, v=fmt(r.value, 3))]  # fmt: skip
    lines = [normalising_line(r)] if r.input_mean is not None else []
    products = r.products.sum() if r.products is not None else 0.0
    # One line: the window's panel is short, and the grids above need the room.
    if r.has_bias:
        line = QCoreApplication.translate("ArithmeticDiagram", "sum of the products {s} + bias {b} = {v}")
    elif r.batchnorm is not None:
        line = QCoreApplication.translate(
            "ArithmeticDiagram", "sum of the products = {v} (no bias: BatchNorm's β does its job)"
        )
    else:
        line = QCoreApplication.translate("ArithmeticDiagram", "sum of the products = {v} (the layer has no bias)")
    # Enough decimals that the BatchNorm line can be redone on a calculator: dividing by a small
    # spread (conv4's is near 0.09) magnifies the rounding of x and the mean, and with 3 decimals
    # a redone line came out 0.066 for 0.070 (a lecturer's review).
    digits = 3 if r.batchnorm is None else batchnorm_decimals(r.batchnorm)
    lines.append(line.format(s=fmt(float(products), 3), b=operand(r.bias), v=fmt(r.weighted_sum, digits)))
    if r.batchnorm is not None:
        bn = r.batchnorm
        lines.append(
            QCoreApplication.translate(
                "ArithmeticDiagram",
                "BatchNorm with the mean and var kept from training: ({x} − {mean}) / √({var} + ε) × {gamma} + {beta} = {v}",
            ).format(
                x=fmt(r.weighted_sum, digits),
                mean=operand(bn.mean, digits),
                var=f"{bn.var:.4g}",  # significant digits: conv4's are near 0.005, and 3 decimals lost them
                gamma=operand(bn.gamma, 4),
                beta=operand(bn.beta, 4),
                v=fmt(bn.result, 3),
            )  # fmt: skip
        )
    if r.activation:
        before = r.batchnorm.result if r.batchnorm is not None else r.weighted_sum
        name = ACTIVATION_NAMES.get(r.activation, r.activation)
        lines.append(f"{name}({fmt(before, 3)}) = {fmt(r.activated, 3)}")
    lines.append(QCoreApplication.translate("ArithmeticDiagram", "value in the network: {v}").format(v=fmt(r.value, 3)))
    return lines


def batchnorm_decimals(bn: BatchNormStep) -> int:
    """Decimals for x and the mean in the BatchNorm line: 3, and one more for each tenfold that
    the spread √(var + ε) falls under 1, so their rounding moves the result by under 0.001 × γ."""
    spread = math.sqrt(max(bn.var + bn.eps, 1e-12))
    return int(min(6, 3 + max(0, -math.floor(math.log10(spread)))))


def normalising_line(r: UnitArithmetic) -> str:
    """How the first stage reads the image's pixels, and (where its window reaches past the
    edge) what the padding stands for: padding comes after normalising, so its 0 is a faint
    grey pixel, not blank paper, and the grid shows 0.00 beside blank cells of -0.42."""
    if r.reads_padding:
        line = QCoreApplication.translate("ArithmeticDiagram", "{stage} reads each pixel p as (p − {mean}) / {std}: blank 0 → {blank}, ink 1 → {ink}; the padding outside the picture is 0, as if p were {mean}")  # fmt: skip
    else:
        line = QCoreApplication.translate("ArithmeticDiagram", "{stage} reads each pixel p as (p − {mean}) / {std}: blank 0 → {blank}, ink 1 → {ink}")  # fmt: skip
    return line.format(
        stage=r.stage,
        mean=f"{r.input_mean:g}",
        std=f"{r.input_std:g}",
        blank=fmt(-r.input_mean / r.input_std),
        ink=fmt((1 - r.input_mean) / r.input_std),
    )


def flatten_line(r: UnitArithmetic) -> str:
    """Where a flattened element came from: the maps are laid out channel by channel, each row by row."""
    assert r.source_unit is not None
    channel, y, x = r.source_unit
    _, height, width = r.source_shape
    if height * width == 1:
        return QCoreApplication.translate("ArithmeticDiagram", "{stage} element {i} is channel {c} of {source} (one value per channel): {v}").format(
            stage=r.stage, i=r.channel, c=channel, source=r.source, v=fmt(r.value, 3))  # fmt: skip
    return QCoreApplication.translate("ArithmeticDiagram", "{stage} element {i} is {source} channel {c}, row {y}, column {x}: {i} = {c} × {hw} + {y} × {w} + {x}; value {v}").format(
        stage=r.stage, i=r.channel, source=r.source, c=channel, y=y, x=x, hw=height * width, w=width, v=fmt(r.value, 3)
    )  # fmt: skip


def headings(r: UnitArithmetic | SoftmaxArithmetic | None) -> list[str]:
    """The titles over the grids or the table columns."""
    if r is None:
        return []
    if isinstance(r, SoftmaxArithmetic):
        return [
            QCoreApplication.translate("ArithmeticDiagram", "digit"),
            QCoreApplication.translate("ArithmeticDiagram", "logit z"),
            "z / T",
            "exp(z / T − m)",
            QCoreApplication.translate("ArithmeticDiagram", "probability"),
        ]
    if r.kind == "conv":
        if r.input_mean is not None:
            source = QCoreApplication.translate("ArithmeticDiagram", "input (normalised)")
        else:
            source = QCoreApplication.translate("ArithmeticDiagram", "input window")
        return [
            source,
            QCoreApplication.translate("ArithmeticDiagram", "kernel"),
            QCoreApplication.translate("ArithmeticDiagram", "products"),
        ]
    if r.kind == "fc":
        return [
            QCoreApplication.translate("ArithmeticDiagram", "input #"),
            QCoreApplication.translate("ArithmeticDiagram", "input"),
            QCoreApplication.translate("ArithmeticDiagram", "weight"),
            QCoreApplication.translate("ArithmeticDiagram", "product"),
        ]
    if r.kind in ("pool", "global_pool"):
        return [
            QCoreApplication.translate("ArithmeticDiagram", "window of {source}, channel {c}").format(
                source=r.source, c=r.channel
            )
        ]
    return []
