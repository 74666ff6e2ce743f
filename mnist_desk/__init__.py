"""mnist-desk: draw a digit and watch a convolutional network read it."""

__version__ = "0.1.0"
