"""The keyboard shortcuts, as shown by Help -> Keyboard shortcuts."""

SHORTCUTS = [
    ("Ctrl+Z", "Undo the last stroke"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Delete / Escape", "Clear the canvas"),
    ("[ and ]", "Smaller / larger brush"),
    ("E", "Toggle the eraser"),
    ("Ctrl+O", "Open an image (or drop one on the window)"),
    ("Ctrl+M", "Open another model checkpoint"),
    ("Ctrl+S", "Save the drawing as PNG"),
    ("Ctrl+Q", "Quit"),
]

SHORTCUTS_HTML = (
    "<table cellpadding='4'>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS) + "</table>"
)
