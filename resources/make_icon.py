"""Draws the app icon (icon.png, icon.ico) from code, so it can be remade at any size.

A 7 in enlarged "network input" pixels, coloured with the viewer's viridis
map, on a dark rounded square.  Run: python resources/make_icon.py
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mnist_desk.colormap import viridis

SIZE = 256
HERE = Path(__file__).resolve().parent


def make_icon() -> Image.Image:
    # The digit at 12x12 "network pixels": soft edges give the grey levels MNIST has.
    small = Image.new("L", (12 * 8, 12 * 8), 0)
    ImageDraw.Draw(small).line([(18, 22), (78, 20), (40, 84)], fill=255, width=14, joint="curve")
    small = small.filter(ImageFilter.GaussianBlur(5)).resize((12, 12), Image.Resampling.BOX)
    values = np.asarray(small, dtype=np.float32) / 255
    colours = viridis(values, 0, values.max())
    icon = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((8, 8, SIZE - 8, SIZE - 8), radius=44, fill=(24, 26, 38, 255))
    cell, origin = 16, 32
    for r in range(12):
        for c in range(12):
            if values[r, c] > 0.04:
                x, y = origin + c * cell, origin + r * cell
                draw.rounded_rectangle((x + 1, y + 1, x + cell - 2, y + cell - 2), radius=3, fill=tuple(colours[r, c]))
    return icon


if __name__ == "__main__":
    icon = make_icon()
    icon.save(HERE / "icon.png")
    icon.save(HERE / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"wrote {HERE / 'icon.png'} and {HERE / 'icon.ico'}")
