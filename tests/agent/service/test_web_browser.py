"""The web app in a real browser: headless Chromium (Debian's chromium and chromium-driver) against
``argus serve`` in a subprocess, signed in with the API token, offline.

The browser cannot resolve any host name (only 127.0.0.1 is reachable), and every request it made is
checked at the end: the page must work with no network. Screenshots of each page are saved under a
temporary folder (or ``ARGUS_SCREENSHOT_DIR``) and their paths printed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import samples
from tests.support.server_helpers import TOKEN, server_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); CI installs them",
    ),
]
WAIT_S = 600  # a hang guard: the first answer loads the models


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with server_process(env={"ARGUS_API_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("ARGUS_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(server: Any) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="argus-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={profile}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1600",
        # no name resolves: a page that fetched a font or script from a CDN would show it here
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.requested = []  # every URL the page asked for, gathered from the performance log
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: Any, condition: Any, timeout: float = WAIT_S) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(condition)


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def gather_requests(driver: Any) -> None:
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            driver.requested.append(message["params"]["request"]["url"])


def shoot(driver: Any, folder: Path, name: str) -> Path:
    """A screenshot of the whole page, not only the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(1000, height + 120), 6000))
    time.sleep(1.0)
    path = folder / name
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1600)
    print(f"screenshot: {path}")
    gather_requests(driver)
    return path


@contextmanager
def shot_on_failure(driver: Any, folder: Path, name: str) -> Iterator[None]:
    """On a failed step, a screenshot of the page as it was, to see why."""
    try:
        yield
    except BaseException:
        shoot(driver, folder, f"FAILED-{name}")
        raise


def choose_files(driver: Any, component: str, *paths: Path) -> None:
    """Put files in a file component, removing what it held first."""
    for button in all_css(driver, f"{component} button[aria-label='Clear']"):
        button.click()
        wait_for(driver, lambda d: all_css(d, f"{component} input[type=file]"), 30)
    css(driver, f"{component} input[type=file]").send_keys("\n".join(str(p) for p in paths))


def open_tab(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f"//button[@role='tab' and normalize-space()='{name}']").click()
    time.sleep(0.5)


def sign_in(driver: Any, url: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait_for(driver, lambda d: len(all_css(d, "input")) >= 2, 120)
    fields = all_css(driver, "input")
    fields[0].send_keys("tester")
    fields[1].send_keys(password)
    driver.find_element(By.XPATH, "//button[contains(., 'Login')]").click()


# ---------------------------------------------------------------------------------- sign-in


def test_a_wrong_token_is_refused_and_the_right_one_signs_in(browser, server, screens):
    sign_in(browser, server.url + "/", "not-the-token-at-all")
    wait_for(browser, lambda d: "Incorrect" in d.find_element("tag name", "body").text, 60)
    assert not all_css(browser, "#ask-image")
    shoot(browser, screens, "web-login-refused.png")
    sign_in(browser, server.url + "/", TOKEN)
    wait_for(browser, lambda d: all_css(d, "#ask-image"), 120)


# --------------------------------------------------------------------------------------- ask


def test_ask_about_bus_shows_the_answer_and_the_cited_evidence(browser, server, screens):
    open_tab(browser, "Ask")
    choose_files(browser, "#ask-image", samples.EXAMPLE_BUS)
    wait_for(browser, lambda d: all_css(d, "#ask-annotated img"), 120)  # the preview
    css(browser, "#ask-question textarea").send_keys("How many people are in this image?")
    css(browser, "#ask-send").click()
    wait_for(browser, lambda d: "people" in css(d, "#ask-answer").text)
    answer = css(browser, "#ask-answer").text
    assert "Answer: 3" in answer and "[D1]" in answer, answer
    chat = css(browser, "#ask-chat").text
    assert "How many people are in this image?" in chat and "people" in chat.split("?", 1)[1]
    legend = css(browser, "#ask-annotated").text
    assert "D1 person" in legend and "D3 person" in legend, legend
    assert "ms in all" in css(browser, "#ask-timings").text

    # a follow-up in the same session reuses the conversation: both turns stay in the chat
    css(browser, "#ask-question textarea").send_keys("Is there a bus?")
    css(browser, "#ask-send").click()
    wait_for(
        browser,
        lambda d: (
            "Is there a bus?" in css(d, "#ask-chat").text and "bus" in css(d, "#ask-answer").text.lower()
        ),
    )
    chat = css(browser, "#ask-chat").text
    assert "How many people are in this image?" in chat and "Is there a bus?" in chat
    assert "D2 bus" in css(browser, "#ask-annotated").text
    shoot(browser, screens, "web-ask.png")


def test_a_medical_answer_shows_its_disclaimer_with_the_answer(browser, server, screens):
    open_tab(browser, "Ask")
    choose_files(browser, "#ask-image", samples.dicom("CT_small.dcm"))
    wait_for(browser, lambda d: all_css(d, "#ask-annotated img"), 120)
    css(browser, "#ask-question textarea").send_keys("Triage this scan: is it urgent?")
    css(browser, "#ask-send").click()
    wait_for(browser, lambda d: "not a medical device" in css(d, "#ask-answer").text)
    # the disclaimer is a heading, as large as the answer's own
    headings = [h.text for h in all_css(browser, "#ask-answer h3")]
    assert any("not a medical device" in h for h in headings), headings
    shoot(browser, screens, "web-ask-medical.png")


# ------------------------------------------------------------------------------------ triage


def text_of(driver: Any, selector: str) -> str:
    """An element's text with line breaks removed (file lists break 'bus' from '.jpg')."""
    return css(driver, selector).text.replace("\n", "")


def test_triage_of_three_images_lists_them_by_urgency_with_downloads(browser, server, screens, tmp_path):
    findings = tmp_path / "findings.json"  # a 9 mm solid nodule on the CT, stated by name
    findings.write_text(
        json.dumps(
            {
                "CT_small.dcm": {
                    "nodule": {"size_mm": 9, "type": "solid", "multiple": False},
                    "patient": {"age": 60, "context": "incidental", "high_risk": False},
                }
            }
        )
    )
    with shot_on_failure(browser, screens, "web-triage.png"):
        open_tab(browser, "Triage")
        # listed least urgent first: the worklist must put the CT with its nodule on top
        files = [samples.EXAMPLE_BUS, samples.dicom("MR_small.dcm"), samples.dicom("CT_small.dcm")]
        choose_files(browser, "#triage-files", *files)
        wait_for(browser, lambda d: "CT_small.dcm" in text_of(d, "#triage-files"), 120)
        choose_files(browser, "#triage-findings", findings)
        wait_for(browser, lambda d: "findings.json" in text_of(d, "#triage-findings"), 120)
        css(browser, "#triage-run").click()
        wait_for(browser, lambda d: "3 image(s)" in css(d, "#triage-summary").text)
        rows = [r.text.replace("\n", " ") for r in all_css(browser, "#triage-worklist [role=row]")][
            1:
        ]  # less the header
        assert len(rows) == 3, rows
        assert "CT_small.dcm" in rows[0] and "U1" in rows[0] and "MED-FLEISCHNER" in rows[0], rows
        # a photograph is no medical image: an abstention with its reason, never an urgency
        bus = next(r for r in rows if "bus.jpg" in r)
        assert "none" in bus and "modality" in bus, bus
        downloads = text_of(browser, "#triage-downloads")
        assert "worklist.jsonl" in downloads and "report.html" in downloads, downloads
        assert "not a medical device" in css(browser, "#triage-summary").text
        shoot(browser, screens, "web-triage.png")


# ---------------------------------------------------------------------------------- security


def test_security_zone_drawn_on_the_image_is_assessed(browser, server, screens):
    from selenium.webdriver.common.action_chains import ActionChains

    with shot_on_failure(browser, screens, "web-security.png"):
        open_tab(browser, "Security")
        choose_files(browser, "#security-source", samples.EXAMPLE_BUS)
        wait_for(browser, lambda d: all_css(d, "#security-canvas img"), 120)
        canvas = css(browser, "#security-canvas img")
        width, height = canvas.size["width"], canvas.size["height"]
        # the lower half of the picture, where the people stand: offsets are from the image's centre
        for fx, fy in ((0.02, 0.55), (0.98, 0.55), (0.98, 0.98), (0.02, 0.98)):
            ActionChains(browser).move_to_element_with_offset(
                canvas, int((fx - 0.5) * width), int((fy - 0.5) * height)
            ).click().perform()
            time.sleep(1.0)
        css(browser, "#security-zone-name input, #security-zone-name textarea").send_keys("pavement")
        css(browser, "#security-add").click()
        wait_for(browser, lambda d: "pavement" in text_of(d, "#security-zones"), 60)
        css(browser, "#security-run").click()
        wait_for(browser, lambda d: "Threat level" in css(d, "#security-summary").text)
        summary = css(browser, "#security-summary").text
        assert "pavement" in summary and "person" in summary, summary  # people counted in the drawn zone
        assert "Cannot be seen here" in summary
        wait_for(browser, lambda d: all_css(d, "#security-frame img"), 60)
        shoot(browser, screens, "web-security.png")


# ------------------------------------------------------------------------------------ offline


def test_the_page_fetched_nothing_from_the_network(browser, server):
    gather_requests(browser)
    assert browser.requested, "the performance log recorded no request"
    outside = sorted(
        {u.split("?")[0] for u in browser.requested if u.startswith(("http:", "https:", "ws:", "wss:"))}
        - {u.split("?")[0] for u in browser.requested if u.startswith(server.url)}
    )
    assert not outside, outside
