"""The two catalogues have the same keys, and every key the code uses exists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from mppsim.report import data as rd
from mppsim.report.i18n import CATALOGUES, LANGUAGES, Texts, placeholders, resolve_lang

REPORT = Path(__file__).resolve().parents[2] / "mppsim" / "report"


def test_both_catalogues_have_the_same_keys():
    english, indonesian = set(CATALOGUES["en"]), set(CATALOGUES["id"])
    assert english - indonesian == set(), "missing in Indonesian"
    assert indonesian - english == set(), "missing in English"


def test_placeholders_agree():
    for key, text in CATALOGUES["en"].items():
        assert placeholders(text) == placeholders(CATALOGUES["id"][key]), key


def test_no_text_is_left_empty():
    for lang in LANGUAGES:
        for key, text in CATALOGUES[lang].items():
            assert text.strip(), (lang, key)


def test_every_key_the_code_uses_exists():
    used: set[str] = set()
    pattern = re.compile(r"""\b(?:t|texts|self)\(\s*["']([a-z0-9_]+)["']""")
    template = re.compile(r"""\bt\(\s*'([a-z0-9_]+)'""")
    for path in [*REPORT.glob("*.py"), *REPORT.glob("templates/*")]:
        source = path.read_text(encoding="utf-8")
        used |= set(pattern.findall(source)) | set(template.findall(source))
    used |= {f"reason_{r}" for r in rd.LOSS_REASONS}
    used |= {f"basis_{b}" for b in ("sourced", "derived", "assumed")}
    used |= {f"day_{d}" for d in ("weekday", "friday", "saturday")}
    assert len(used) > 50
    for lang in LANGUAGES:
        missing = sorted(used - set(CATALOGUES[lang]))
        assert missing == [], (lang, missing)


def test_missing_key_raises():
    with pytest.raises(KeyError):
        Texts("id")("no_such_key")


def test_formats():
    indonesian, english = Texts("id"), Texts("en")
    assert indonesian.minutes(12.5) == "12,5 menit"
    assert english.minutes(12.5) == "12.5 min"
    assert indonesian.num(1520, 0) == "1.520"
    assert english.num(1520, 0) == "1,520"
    assert indonesian.num(1234567.25, 2) == "1.234.567,25"
    assert indonesian.pct(0.089, 1) == "8,9%"
    assert indonesian.date(date(2026, 12, 2)) == "2 Desember 2026"
    assert english.date(date(2026, 12, 2)) == "2 December 2026"
    assert indonesian.clock(8 * 60 + 30) == "08.30"
    assert english.clock(8 * 60 + 30) == "08:30"
    assert indonesian.join(["a", "b", "c"]) == "a, b dan c"
    assert english.num(float("nan")) == "–"


def test_language_choice():
    assert resolve_lang(None, None) == "en"
    assert resolve_lang(None, "id") == "id"
    assert resolve_lang("en", "id") == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        resolve_lang("fr")
