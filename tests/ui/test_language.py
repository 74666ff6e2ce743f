"""Which language the window speaks, and that under zh_CN nothing visible is left in English."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from PySide6.QtCore import QFileInfo, QLocale, QMimeDatabase
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileIconProvider,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QWidget,
)

from mnist_desk.model import ARCHITECTURES
from mnist_desk.ui import language
from mnist_desk.ui.main_window import MainWindow
from mnist_desk.ui.settings import user_settings
from ui_helpers import STAR, digit_template, drag, draw_digit_on, number_strokes, wait_for_latest

# --- the order: argument, environment, saved choice, system locale -----------------


def test_the_argument_wins_over_everything():
    choice = language.resolve("en", {"MNIST_DESK_LANG": "zh_CN"}, "zh_CN", QLocale("zh_CN"))
    assert choice == language.LanguageChoice("en", "argument")
    assert language.resolve("zh_CN", {}, "en", QLocale("en_US")).language == "zh_CN"


def test_the_environment_comes_next_and_a_bad_value_is_skipped(capsys):
    assert language.resolve(None, {"MNIST_DESK_LANG": "zh_CN.UTF-8"}, "en", QLocale("en_US")) == (
        language.LanguageChoice("zh_CN", "environment")
    )
    assert language.resolve(None, {"MNIST_DESK_LANG": "klingon"}, "zh_CN", QLocale("en_US")).source == "saved"
    assert "MNIST_DESK_LANG" in capsys.readouterr().err


def test_the_saved_choice_then_the_system_locale():
    assert language.resolve(None, {}, "zh_CN", QLocale("en_US")) == language.LanguageChoice("zh_CN", "saved")
    assert language.resolve(None, {}, "system", QLocale("zh_CN")) == language.LanguageChoice("zh_CN", "system")
    assert language.resolve(None, {}, "system", QLocale("de_DE")).language == "en"  # no German: English


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh_CN", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("zh_TW", "zh_CN"), ("en_GB", "en"), ("C", "en"), ("fr", None)],
)
def test_language_tags_are_normalised(tag, expected):
    assert language.normalise(tag) == expected


def test_an_unknown_argument_is_an_error():
    with pytest.raises(ValueError, match="klingon"):
        language.resolve("klingon")


def test_the_saved_choice_lives_in_the_private_settings(private_settings):
    language.save_choice("zh_CN")
    assert language.saved_choice() == "zh_CN"
    assert str(private_settings) in user_settings().fileName()  # never the user's real settings


def open_window(qtbot, predictor, lang=None) -> MainWindow:
    window = MainWindow(predictor, lang=lang)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_window_created_without_arguments_follows_the_same_order(qtbot, predictor, monkeypatch):
    monkeypatch.setattr(language, "system_language", lambda locale=None: "zh_CN")
    window = open_window(qtbot, predictor)
    assert window.language_choice == language.LanguageChoice("zh_CN", "system")
    assert window.clear_button.text() == "清空"
    window.close()
    language.save_choice("en")  # saved beats the system
    window = open_window(qtbot, predictor)
    assert window.clear_button.text() == "Clear"
    window.close()
    monkeypatch.setenv("MNIST_DESK_LANG", "zh_CN")  # the environment beats the saved choice
    window = open_window(qtbot, predictor)
    assert window.clear_button.text() == "清空"
    window.close()
    window = open_window(qtbot, predictor, lang="en")  # the argument beats the environment
    assert window.clear_button.text() == "Clear"
    assert window.menus.actions["language_en"].isChecked()  # the menu ticks what is in use
    window.close()
    monkeypatch.delenv("MNIST_DESK_LANG")
    language.save_choice(language.SYSTEM)
    window = open_window(qtbot, predictor)  # chosen by nobody: the menu says so
    assert window.menus.actions[f"language_{language.SYSTEM}"].isChecked()
    window.close()


def test_view_language_switches_live_and_is_saved(qtbot, predictor):
    window = open_window(qtbot, predictor, lang="en")
    draw_digit_on(window.canvas, 3)
    wait_for_latest(qtbot, window)
    window.menus.actions["language_zh_CN"].trigger()
    assert language.saved_choice() == "zh_CN"
    qtbot.waitUntil(lambda: window.menus.menus["file"].title() == "文件(&F)")  # LanguageChange is posted
    assert window.confidence_label.text().startswith("置信度")  # the shown result is re-worded too
    assert "%" in window.confidence_label.text() and "." in window.confidence_label.text()  # 99.6 %, same format
    assert window.feature_maps.detail_caption.text().startswith("conv1，通道")
    assert window.latency_status.text().startswith("推理")
    window.menus.actions["language_en"].trigger()
    qtbot.waitUntil(lambda: window.menus.menus["file"].title() == "&File")
    assert window.confidence_label.text().endswith("sure")
    window.close()


def test_the_file_dialog_names_file_types_in_the_window_s_language(qtbot, predictor, tmp_path):
    # It said "Folder" and "PNG image" in the Chinese window: files are named from the
    # MIME database in the default locale's language, and Qt's catalogue lacks "Folder".
    english_system, chinese_system = QLocale("en_GB"), QLocale("zh_CN")
    assert language.locale_for("zh_CN", english_system).name() == "zh_CN"
    assert language.locale_for("en", english_system).name() == "en_GB"  # the system's own territory and dates
    assert language.locale_for("en", chinese_system).language() == QLocale.Language.English
    window = open_window(qtbot, predictor, lang="zh_CN")
    assert QLocale().language() == QLocale.Language.Chinese
    folder = QMimeDatabase().mimeTypeForName("inode/directory").comment()
    assert QFileIconProvider().type(QFileInfo(str(tmp_path))) == "文件夹"  # the dialog's Type column
    window.menus.actions["language_en"].trigger()
    assert QFileIconProvider().type(QFileInfo(str(tmp_path))) == "Folder"
    assert QLocale().language() == QLocale.Language.English
    if folder != QMimeDatabase().mimeTypeForName("inode/directory").comment():  # a database with translations
        assert not re.search(r"[A-Za-z]", folder)
    window.close()


# --- nothing left in English -----------------------------------------------------------

# Names and symbols that stay as they are in a Chinese window (see docs/glossary.md).
ALLOWED = {"CPU", "CUDA", "PNG", "ReLU", "MNIST", "softmax", "Ctrl", "Shift", "Alt", "Delete", "Escape", "Del", "Esc"}
ALLOWED |= {"English"}  # the language menu names each language in itself
ALLOWED |= {"dropout", "exp"}  # kept as in the lecture notes (docs/glossary.md): a layer's name, a formula's function
ALLOWED |= {"Sobel"}  # a person's name: Chinese notes write "Sobel 算子"


def english_words(text: str, dynamic: list[str]) -> list[str]:
    """The English words in a visible text, after taking out what may stay English."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for value in dynamic:
        text = text.replace(value, " ")
    text = re.sub(r"“[^”]*”", " ", text)  # quoted literals: a command line, Keras padding names
    text = re.sub(r"\*?\.(png|pth?|jpe?g|bmp|gif|tiff?|webp)\b", " ", text)  # file name extensions
    text = re.sub(r"--\w+|mnist-desk|MNIST_DESK_LANG|Grad-CAM|\b[a-z]+\d+\b", " ", text)  # option, names, layer names
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in ALLOWED]


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can see in ``root``, its menus, actions and tooltips."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        found += [(f"{name} tooltip", widget.toolTip()), (f"{name} status tip", widget.statusTip())]
        if widget.isWindow():
            found.append((f"{name} title", widget.windowTitle()))
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((name, widget.text()))
        if isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        if isinstance(widget, QMenu):
            found.append((name, widget.title()))
        if isinstance(widget, QLineEdit):
            found += [(name, widget.text()), (f"{name} placeholder", widget.placeholderText())]
        if isinstance(widget, QComboBox):
            found += [(f"{name} item", widget.itemText(i)) for i in range(widget.count())]
        if hasattr(widget, "painted_texts"):
            found += [(f"{name} painted", text) for text in widget.painted_texts()]
    for action in root.findChildren(QAction):
        name = f"action {action.objectName()!r}"
        found += [(name, action.text()), (f"{name} tooltip", action.toolTip()), (f"{name} tip", action.statusTip())]
    return [(where, text) for where, text in found if text]


def assert_no_english(root: QWidget, dynamic: list[str]) -> int:
    found = texts_of(root)
    left = [f"{where}: {text!r} {words}" for where, text in found if (words := english_words(text, dynamic))]
    assert not left, "\n".join(left)
    return len(found)


@pytest.fixture
def chinese_window(qtbot, predictor):
    window = open_window(qtbot, predictor, lang="zh_CN")
    qtbot.waitUntil(lambda: window.prediction_label.text() != "")
    yield window
    window.close()


def dynamic_values(window) -> list[str]:
    predictor = window.model.predictor
    stages = [stage.name for stage in window.model.stages]  # layer names stay as the model names them
    folder = str(window.teaching.store.root)  # where the examples are kept, as the system names it
    return [
        predictor.path.name,
        predictor.device_name,
        str(predictor.meta.get("device")),
        *(name for name in ARCHITECTURES if name != "default"),  # a word: "Model: default" is translated
        *stages,
        folder,
    ]


def test_no_english_left_in_the_chinese_window(qtbot, chinese_window):
    window = chinese_window
    assert assert_no_english(window, dynamic_values(window)) > 60  # the empty window
    draw_digit_on(window.canvas, 4)
    wait_for_latest(qtbot, window)
    for layer in window.feature_maps.layers():  # every caption: conv kernels, pools, the global pool
        window.feature_maps.set_current_layer(layer)
        assert_no_english(window, dynamic_values(window))
    window.confidence_label.setText("")
    window.on_worker_error_occurred("")  # the status bar's own words
    assert_no_english(window, dynamic_values(window))


def test_no_english_left_in_the_chinese_dialogs(qtbot, chinese_window, dialogs_shown, file_dialogs, tmp_path):
    window = chinese_window
    window.menus.actions["about"].trigger()
    window.menus.actions["shortcuts"].trigger()
    window.open_image(tmp_path / "missing.png")
    (tmp_path / "folder.png").mkdir()
    window.open_image(tmp_path / "folder.png")
    window.teaching.store.add(np.full((28, 28), 255, np.uint8), 3)
    window.menus.actions["forgetExamples"].trigger()  # asks first
    assert len(dialogs_shown) == 5
    for box in dialogs_shown:
        assert_no_english(box, dynamic_values(window) + ["missing.png", "folder.png"])
    for action in ("openImage", "openModel", "saveDrawing"):
        window.menus.actions[action].trigger()
    assert len(file_dialogs.shown) == 3
    for dialog in file_dialogs.shown:
        assert_no_english(dialog, dynamic_values(window) + [dialog.directory().absolutePath()])


def test_the_english_window_is_in_english(qtbot, window):
    # The same walk finds English in an English window: the check itself works.
    left = [text for _, text in texts_of(window) if english_words(text, dynamic_values(window))]
    assert len(left) > 30


def test_no_english_left_with_the_explain_views_open(qtbot, chinese_window):
    """The overview, every stage's arithmetic, the playground, "why this answer" and "not a digit"."""
    import dataclasses

    window = chinese_window
    draw_digit_on(window.canvas, 4)
    wait_for_latest(qtbot, window)
    window.drawing.saliency.toggle.setChecked(True)
    for method in ("gradcam", "occlusion"):
        window.drawing.saliency.set_method(method)
        window.drawing.saliency.set_versus(9)
        assert_no_english(window, dynamic_values(window))
    for name in window.overview.stage_names():  # the overview's own tooltips, shown per column
        assert not english_words(window.overview.tooltip(name), dynamic_values(window)), window.overview.tooltip(name)
    for name in window.overview.stage_names():  # every kind of stage, opened from the overview
        window.explain.on_overview_stage_clicked(name)
        if window.details.currentIndex() == 1:
            qtbot.waitUntil(lambda: window.details.arithmetic.diagram.result() is not None, timeout=10_000)
        assert_no_english(window, dynamic_values(window))
        window.details.arithmetic.diagram.set_result(None)
    for tab in range(window.details.count()):
        window.details.setCurrentIndex(tab)
        assert_no_english(window, dynamic_values(window))
    rejected = dataclasses.replace(window.last_prediction, not_a_digit=True)
    window.requests.on_worker_prediction_ready(window.latest_request + 1, rejected)
    assert window.prediction_label.text() == "不是数字"
    assert_no_english(window, dynamic_values(window))


def test_no_english_left_in_number_mode_and_after_teaching(qtbot, chinese_window, dialogs_shown):
    """A correction and its messages, switching examples off, forgetting; the number, its strip, "not a number"."""
    window = chinese_window

    def message_english() -> list[str]:
        return english_words(window.statusBar().currentMessage(), dynamic_values(window))

    damaged = window.teaching.store.root / "3" / "123.png"  # skipped, and said why, in Chinese
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n")
    draw_digit_on(window.canvas, 4)
    wait_for_latest(qtbot, window)
    with qtbot.waitSignal(window.teaching.adapted, timeout=60_000):
        window.canvas.digit_key_pressed.emit(4)  # "it is a 4": kept, and the network adapts
        assert window.teaching.adapting and window.statusBar().currentMessage()
        assert not message_english()
        assert_no_english(window, dynamic_values(window))
    assert window.statusBar().currentMessage() and not message_english()
    assert "123.png" in window.teaching.count_label.toolTip()
    wait_for_latest(qtbot, window)  # read again by the adapted network: "most like your example of 4"
    assert window.results.likeness.isVisible() and window.results.likeness.caption.text().startswith("最像")
    assert_no_english(window, dynamic_values(window))
    window.menus.actions["useExamples"].trigger()  # off
    assert_no_english(window, dynamic_values(window))
    window.menus.actions["forgetExamples"].trigger()
    assert window.teaching.undo_button.isVisible() and not message_english()
    assert_no_english(window, dynamic_values(window))
    window.menus.actions["numberMode"].trigger()
    wait_for_latest(qtbot, window)
    assert_no_english(window, dynamic_values(window))  # the empty wide canvas
    for stroke in number_strokes([digit_template(2), STAR, digit_template(2)], window.canvas.paper_size()):
        drag(window.canvas, stroke)
    wait_for_latest(qtbot, window)
    assert window.prediction_label.text() == "不是一个数"
    assert_no_english(window, dynamic_values(window))
