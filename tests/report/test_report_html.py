"""report.html: valid, self-contained, every plot embedded, every text translated."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from mppsim.report.i18n import CATALOGUES

VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr", "col", "area", "base"}
LABELLED = {"h1", "h2", "h3", "th", "caption", "figcaption"}


class Page(HTMLParser):
    """Checks nesting and collects tags, attributes and the texts of labelling elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        if tag in LABELLED:
            self._text = []
        if tag == "img":
            self.labels.append(("img", dict(attrs).get("alt") or ""))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag in LABELLED and self._text is not None:
            self.labels.append((tag, " ".join("".join(self._text).split())))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)


def parse(path) -> tuple[Page, str]:
    text = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    return page, text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_parses_and_embeds_every_plot(layout_reports, lang):
    page, text = parse(layout_reports[lang])
    assert text.startswith("<!DOCTYPE html>")
    assert page.errors == []
    assert page.stack == []
    html = [attrs for tag, attrs in page.tags if tag == "html"]
    assert html == [{"lang": lang}]
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    # arrivals, queues, waits, utilization, on duty, floor plan, zone occupancy
    assert len(images) == 7
    for attrs in images:
        src = attrs["src"] or ""
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert attrs.get("alt")
    sections = [attrs.get("id") for tag, attrs in page.tags if tag == "section"]
    assert sections == [
        "headline", "arrivals", "queues", "waits", "utilization", "close", "building",
        "scenario", "sources",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_makes_no_external_request(layout_reports, lang):
    page, _text = parse(layout_reports[lang])
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
            if name in ("src", "srcset", "data", "poster") and value:
                assert value.startswith("data:"), (tag, value[:40])
        assert tag not in ("script", "iframe", "object", "embed"), tag
        if tag == "link":
            assert attrs.get("rel") == "icon"
            assert (attrs.get("href") or "").startswith("data:")
    css = "\n".join(page.styles)
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@page" in css
    assert "A4" in css


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_has_no_untranslated_key(layout_reports, lang):
    _, text = parse(layout_reports[lang])
    visible = re.sub(r"<style>.*?</style>", "", text, flags=re.DOTALL)
    alts = " ".join(re.findall(r'alt="([^"]*)"', visible))
    visible = re.sub(r"<[^>]*>", " ", visible) + " " + alts  # text content and alt texts
    keys = {key for key in CATALOGUES["en"] if "_" in key}  # bare words may be prose
    leaked = [key for key in keys if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", visible)]
    assert leaked == [], leaked
    assert "{" not in visible, "unfilled placeholder"
    assert "}" not in visible, "unfilled placeholder"


def test_every_label_differs_between_languages(layout_reports):
    indonesian, _ = parse(layout_reports["id"])
    english, _ = parse(layout_reports["en"])
    assert len(indonesian.labels) == len(english.labels)
    same = [
        (tag, a) for (tag, a), (_, b) in zip(indonesian.labels, english.labels, strict=True)
        if a == b
    ]  # fmt: skip
    assert same == []


def test_indonesian_numbers_and_dates(layout_reports, layout_folder):
    import json
    from datetime import datetime

    from mppsim.report.i18n import Texts

    _, text = parse(layout_reports["id"])
    created = datetime.fromisoformat(
        json.loads((layout_folder / "manifest.json").read_text())["created"]
    )
    assert Texts("id").date(created) in text
    assert re.search(r"\d+,\d menit", text)  # "16,1 menit"
    assert re.search(r"\d\.\d{3} pengunjung", text)  # "1.520 pengunjung"
    assert "Ringkasan" in text
    assert "Sumber dan asumsi" in text
    _, english = parse(layout_reports["en"])
    assert re.search(r"\d+\.\d min", english)
    assert re.search(r"\d,\d{3} visitors", english)


def test_headline_comes_from_the_figures(layout_reports, layout_folder):
    import json

    from mppsim.report.i18n import Texts

    summary = json.loads((layout_folder / "summary.json").read_text())
    t = Texts("en")
    _, text = parse(layout_reports["en"])
    start = text.index('<div class="headline">')
    headline = text[start : text.index("</div>", start)]
    mpp = summary["mpp"]
    assert t.minutes(mpp["wait_mean_min"]) in headline
    assert t.minutes(mpp["wait_p90_min"]) in headline
    assert t.pct(1 - mpp["prob_wait_gt_15_min"]) in headline
    lost = mpp["arrivals"] - mpp["served"]
    assert f"{t.num(lost, 0)} visitors" in headline
    for reason in ("absent when called", "gave up waiting", "daily quota"):
        assert reason in headline
    slow = [a for a, s in summary["agencies"].items() if s["wait_mean_min"] > 15]
    assert f"{len(slow)} of {len(summary['agencies'])} agencies" in headline
