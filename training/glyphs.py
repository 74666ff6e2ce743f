"""More non-digits to train on: symbols, Greek letters and Japanese characters
from the Hershey stroke fonts, chosen glyph by glyph.

Outlier exposure generalises with the *variety* of the outliers more than with
their number, and our own shapes and Latin letters are few (37 training
kinds). The Hershey fonts hold hundreds of other pen-drawn glyphs, among them
the kanji our Chinese users write every day (日 中 国 大 人). Two families,
the kanji and the astrological signs, are not trained on: they are validation
kinds (training/negatives.py), which judge a model on drawings unlike any it
was trained on.

Each glyph below was looked at on a sheet of its font (chosen by eye, before
any model saw them) and kept only if it is

- not a digit in any script: the Chinese numerals 一 二 三 四 五 六 七 九 十 and
  anything a person could mean as a digit (フ ア ク マ ワ look like 7, の like 6,
  ロ and ○ like 0, ノ リ | like 1, ろ る like 3, ち ら like 5, δ ϑ like 6 or 9);
- not one of the held-out kinds in training/negatives.py, nor close to one:
  no heart, crescent, lightning, percent sign, flower or clover, dots, E-like
  glyphs (Σ ∃ ∈ ヨ ε), nor glyphs like K M R Y e h w;
- not one of the validation kinds: no diamond, sun, equals signs (= ≡ 二 ニ),
  cloud, filled shapes, nor glyphs like F N U c m x.

The characters are the fonts' own codes (the Hershey files map their glyphs
onto ASCII and Latin-1), so ``"日"`` is ``"B"`` in the ``japanese`` font.
"""

from __future__ import annotations

# family -> (Hershey font, the glyphs kept, as that font's own characters)
GLYPH_FAMILIES: dict[str, tuple[str, str]] = {
    # 日 円 年 大 国 人 東 中 本 京 出 時 上 者 入
    "kanji": ("japanese", "#$%&'()*+,-./09"),
    # hiragana (あ い え お か き く け さ す せ た と な に ぬ ね は ひ ふ へ ほ ま み む め
    # も や ゆ よ れ わ ゐ ゑ を ん) and katakana (ウ エ オ キ ケ サ シ セ ソ チ ツ テ
    # ト ナ ネ ハ ヒ ヘ ホ ミ メ モ ヤ ユ ル レ ヰ ヱ ン)
    "kana": (
        "japanese",
        "ABDEFGHIKMNPTUVWXZ[\\]^_`abcdfhlnoqrs\x93\x94\x95\x97\x99\x9b\x9c\x9e\x9f¡¢£¤¥¨ª«\xad®°²³´¶»¼¿ÁÃ",
    ),
    # # * + < > @ Δ Φ Γ □ Λ Π Ω Ψ α χ φ γ λ μ π τ ψ
    "greek": ("greek", "#*+<>@DFGJLPWYacfglmpty"),
    # ± ∓ □ ≤ ≥ Π ∝ √ √ ∩ → ← ∇ √ ℵ ÷ ⊥ ∠ ~
    "math": ("mathlow", "!\"$&':^bcgiknowxz|\x7f"),
    # check, nested octagon, triangles, square, star, crosses, hatched circle and
    # square, nested triangles, flags, anchors, crown, bell, daggers, pentagram ...
    "symbols": ("symbolic", "8AFGIJLMNOPQRSTUVWXYZ[]^`aegjk~"),
    # the planets' and the zodiac's signs (no crescent; no Pluto, which drawn small is an E)
    "astrology": ("astrology", "!$%&'-/<=>?@[]^`|}~"),
    # sharp, natural (not the treble clef: drawn small, a blob like a 6 or an 8)
    "music": ("music", "'("),
}

# How often each family comes round among the training kinds: one turn per
# 8 glyphs, so the 174 glyphs together are drawn about as often as 22 shapes
# or letters, and our own 37 kinds keep most of the weight.
GLYPHS_PER_TURN = 8


def glyph_kinds() -> tuple[str, ...]:
    """The glyph families as negative kinds, each repeated by its size."""
    kinds: list[str] = []
    for family, (_, chars) in GLYPH_FAMILIES.items():
        kinds += [f"glyph-{family}"] * max(1, round(len(chars) / GLYPHS_PER_TURN))
    return tuple(kinds)
