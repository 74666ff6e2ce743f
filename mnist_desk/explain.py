"""Explain how the network computes, on the user's own drawing: Qt-free, numbers in, numbers out.

One import for the explain views and for scripts; the work lives in

- :mod:`mnist_desk.explain_fields`: receptive fields and every stage's output,
- :mod:`mnist_desk.explain_arithmetic`: the arithmetic of one unit and of the softmax,
- :mod:`mnist_desk.explain_saliency`: which pixels drove a class (Grad-CAM, gradients, occlusion),
- :mod:`mnist_desk.explain_kernels`: classic kernels, a plain convolution, learned-kernel look-alikes.

Everything here takes a :class:`~mnist_desk.inference.Predictor` (or a DigitNet
in eval mode) and the (28, 28) input in [0, 1] that ``Prediction.input`` holds,
and derives its geometry from :func:`mnist_desk.layer_info.describe_stages`,
so any architecture explains itself.
"""

from __future__ import annotations

from mnist_desk.explain_arithmetic import (
    BatchNormStep,
    Contribution,
    SoftmaxArithmetic,
    UnitArithmetic,
    softmax_arithmetic,
    unit_arithmetic,
)
from mnist_desk.explain_fields import (
    INPUT,
    SOFTMAX,
    FieldGeometry,
    field_geometry,
    previous_stage,
    receptive_field,
    stage_outputs,
    stages_of,
    vector_activations,
)
from mnist_desk.explain_kernels import (
    CLASSIC_KERNELS,
    PADDINGS,
    apply_kernel,
    output_size,
    padding_amount,
    resembling_kernels,
)
from mnist_desk.explain_saliency import METHODS, last_conv_stage, saliency

__all__ = [
    "CLASSIC_KERNELS",
    "INPUT",
    "METHODS",
    "PADDINGS",
    "SOFTMAX",
    "BatchNormStep",
    "Contribution",
    "FieldGeometry",
    "SoftmaxArithmetic",
    "UnitArithmetic",
    "apply_kernel",
    "field_geometry",
    "last_conv_stage",
    "output_size",
    "padding_amount",
    "previous_stage",
    "receptive_field",
    "resembling_kernels",
    "saliency",
    "softmax_arithmetic",
    "stage_outputs",
    "stages_of",
    "unit_arithmetic",
    "vector_activations",
]
