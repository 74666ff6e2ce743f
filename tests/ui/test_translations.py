"""The Chinese translation is complete, consistent and compiled.

``pyside6-lupdate`` re-reads every module of ``mnist_desk/ui`` into a copy of
the committed ``.ts``: a string added or changed in the code comes back
"unfinished", one removed comes back "vanished"/"obsolete", and this test
fails naming it, so CI fails until it is translated (``make translations``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mnist_desk.ui import language

UI = Path(language.__file__).resolve().parent
TS = UI / "i18n" / "mnist_desk_zh_CN.ts"
QM = language.qm_path(language.CHINESE)
GLOSSARY = UI.parent.parent / "docs" / "glossary.md"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: it ships with PySide6-Essentials (pip install -e .)")
    return found


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a .ts file."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found.append((name, message.findtext("source"), message.find("translation")))
    return found


def test_lupdate_finds_nothing_untranslated_or_stale(tmp_path):
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in UI.glob("*.py"))
    subprocess.run(
        [tool("pyside6-lupdate"), "-locations", "none", *sources, "-ts", str(copy)], check=True, capture_output=True
    )
    problems = [
        f"{context}: {source!r} is {translation.get('type')}"
        for context, source, translation in messages(copy)
        if translation.get("type") in ("unfinished", "obsolete", "vanished")
    ]
    assert not problems, "run `make translations` and translate:\n" + "\n".join(problems)


def test_every_translation_keeps_the_placeholders_and_the_accelerator():
    for context, source, translation in messages(TS):
        text = translation.text or ""
        assert text.strip(), f"{context}: {source!r} has an empty translation"
        assert sorted(re.findall(r"\{\w+\}", source)) == sorted(re.findall(r"\{\w+\}", text)), (context, source, text)
        # A menu title's "&F" must survive as "(&F)": the Alt key still opens the menu.
        assert ("&" in source) == ("&" in text), (context, source, text)


def test_the_compiled_qm_is_the_ts_compiled(tmp_path):
    fresh = tmp_path / QM.name
    subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert QM.read_bytes() == fresh.read_bytes(), "the committed .qm is stale: run `make translations`"


# The lecture notes' terms, used the same way everywhere (docs/glossary.md lists them).
TERMS = {
    "kernel": "卷积核",
    "feature map": "特征图",
    "stride": "步幅",
    "padding": "填充",
    "pool": "池化",  # 池化层 for the layer, 最大池化 for the operation ("2×2 最大池化，步幅 2")
    "batchnorm": "批归一化",
    "channel": "通道",
    "activation": "激活",
}


@pytest.mark.parametrize(("english", "chinese"), TERMS.items())
def test_the_lecture_terms_are_used_consistently(english, chinese):
    for context, source, translation in messages(TS):
        words = re.sub(r"\{\w+\}", "", source).lower()
        if re.search(rf"\b{english}", words):
            assert chinese in translation.text, f"{context}: {source!r} -> {translation.text!r} lacks {chinese}"
    assert chinese in GLOSSARY.read_text(encoding="utf-8")
