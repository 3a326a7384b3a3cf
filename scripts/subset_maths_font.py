"""Write docs/assets/fonts/convshare-math.woff2: the maths font the site ships.

A subset of DejaVu Math TeX Gyre (Debian's fonts-dejavu-extra), an OpenType MATH font whose
licence (Bitstream Vera; DejaVu's and the maths extensions' changes in the public domain)
allows modified copies under a name without "Bitstream" or "Vera": the subset is renamed
"convshare Math". It keeps the MATH table and every size variant and assembly part of the
kept characters, so that floor brackets stretch around fractions and primes and subscripts
sit right on a machine with no maths font. Run it again only to change the character set:

    .venv/bin/python scripts/subset_maths_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf")
TARGET = ROOT / "docs" / "assets" / "fonts" / "convshare-math.woff2"
FAMILY = "convshare Math"

# What the site's MathML shows (tests/browser/test_layout.py finds any character missing):
# ASCII, the Latin-1 signs (×, ·, ÷, ±), Greek, primes, the invisible operators, arrows, the
# usual operators and relations, floor and ceiling, angle brackets, the mathematical italic
# and bold Latin letters that MathML uses for <mi> and \mathbf, and the italic Greek ones
# (bold Greek, 8 KB of the file, is left out: no page writes it). CJK text inside \text{}
# falls back to the site's text fonts.
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0xA0),
    (0xB1, 0xB1),
    (0xB7, 0xB7),
    (0xD7, 0xD7),
    (0xF7, 0xF7),
    (0x391, 0x3C9),
    (0x3D1, 0x3D1),
    (0x3D5, 0x3D5),
    (0x2032, 0x2034),
    (0x2061, 0x2064),
    (0x210E, 0x210E),
    (0x2190, 0x2194),
    (0x21D2, 0x21D4),
    (0x2200, 0x221E),
    (0x2223, 0x222B),
    (0x2236, 0x223C),
    (0x2243, 0x2248),
    (0x2260, 0x2265),
    (0x226A, 0x226B),
    (0x2282, 0x2287),
    (0x2295, 0x2299),
    (0x22C5, 0x22C5),
    (0x22EE, 0x22F1),
    (0x2308, 0x230B),
    (0x27E8, 0x27E9),
    (0x1D400, 0x1D467),
    (0x1D6E2, 0x1D71B),
]
# Fixed, so that running the script twice writes the same bytes (2020-01-01, seconds since
# 1904 as OpenType counts them).
TIMESTAMP = 3660681600


def main() -> int:
    if not SOURCE.exists():
        print(f"{SOURCE} is missing: apt-get install fonts-dejavu-extra", file=sys.stderr)
        return 1
    options = subset.Options()
    options.layout_features = ["ssty", "flac", "dtls"]  # script-size, flattened accents, dotless
    options.flavor = "woff2"
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.drop_tables += ["FFTM"]
    font = TTFont(SOURCE)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 3, 4, 16, 21):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font["head"].created = font["head"].modified = TIMESTAMP
    font.recalcTimestamp = False
    font.flavor = options.flavor
    font.save(TARGET)
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
