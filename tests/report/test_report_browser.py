"""The report in a real headless Chromium: every image loads, no console error, a screenshot.

Drives Debian's ``chromium`` through ``chromium-driver`` with Selenium (the ``test``
extra); ``.ci/run`` installs both. The test skips, saying why, only where no browser
or driver is installed. The full-page screenshot is saved under pytest's temporary
folder and its path printed (``pytest -s`` shows it); set ``MPPSIM_SCREENSHOT_DIR``
to keep it somewhere else.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,900",
)


def _find(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = _find("chromium", "chromium-browser")
    driver_path = _find("chromedriver", "chromium-driver")
    if chromium is None or driver_path is None:
        pytest.skip(
            "no headless browser here: install Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver; .ci/run does)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def full_page_png(driver) -> bytes:
    width = driver.execute_script("return document.documentElement.scrollWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    return base64.b64decode(shot["data"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_report_opens_in_chromium(browser, layout_reports, lang, tmp_path_factory):
    report: Path = layout_reports[lang]
    browser.get_log("browser")  # forget anything logged before this page
    browser.get(report.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.execute_script("return document.documentElement.lang") == lang
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])"
    )
    assert len(images) == 7
    for alt, complete, width in images:
        assert complete, alt
        assert width > 0, f"image not loaded: {alt}"
    problems = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    # nothing is wider than the page (tables and figures fit)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # it prints on A4: Chromium's print engine lays it out on several A4 pages
    pdf = base64.b64decode(
        browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"]
    )
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 1
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(595, 842)}, "A4"
    png = full_page_png(browser)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    where = Path(os.environ.get("MPPSIM_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screens"))
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"report_{lang}.png"
    path.write_bytes(png)
    print(f"full-page screenshot of the {lang} report: {path}")
