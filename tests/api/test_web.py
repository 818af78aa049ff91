"""The web page in a real headless Chromium (Selenium) against a uvicorn server started here on a free port."""
from __future__ import annotations

import shutil
import threading
import time

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")
selenium = pytest.importorskip("selenium", reason="pip install selenium (the [dev] extra) to test the web page")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import tracuu  # noqa: E402
from tracuu_api.app import create_app  # noqa: E402

from helpers import DOCS, free_port, write_docs  # noqa: E402

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver: scripts/setup.sh --test installs them "
           "(apt-get install -y chromium chromium-driver)")

XSS = {"canh-bao.txt": "CẢNH BÁO AN NINH MẠNG\n\nMã độc <script>alert(1)</script> và thẻ "
                       "<img src=x onerror=alert(2)> được chèn vào trang tin điện tử.\n"}
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900"]


def _serve(tmp, docs: dict[str, str]):
    tracuu.build([write_docs(tmp / "docs", docs)], tmp / "idx", encoder="hashing")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(tmp / "idx", token="", read_token=""), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    # The warning again under another name: one hit that names both files.
    url, server, thread = _serve(tmp_path_factory.mktemp("web"),
                                 {**DOCS, **XSS, "ban-sao-canh-bao.txt": XSS["canh-bao.txt"]})
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def notes_url(tmp_path_factory):
    """A web copy of a resolution with the page's introduction and the transcriber's commentary after it."""
    from test_official import COMMENTARY, WEB_NQ

    url, server, thread = _serve(tmp_path_factory.mktemp("notes"), {"tuyen-tap.md": WEB_NQ + COMMENTARY,
                                                                   **DOCS})
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    except WebDriverException as exc:
        pytest.skip(f"chromium could not start here: {exc.msg}")
    driver.set_script_timeout(10)
    yield driver
    driver.quit()


def _open(browser, base_url: str) -> WebDriverWait:
    browser.get(base_url + "/")
    wait = WebDriverWait(browser, 15)
    wait.until(lambda d: d.find_element(By.ID, "index-info").text)  # /info answered
    return wait


def _ask(browser, wait: WebDriverWait, query: str) -> list:
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(query, Keys.ENTER)
    wait.until(lambda d: d.find_element(By.ID, "status").text not in ("", "Đang tìm…")
               or d.find_elements(By.CSS_SELECTOR, "#results .result"))
    return browser.find_elements(By.CSS_SELECTOR, "#results .result")


def test_search_without_diacritics_highlights_and_copies_a_citation(browser, base_url):
    wait = _open(browser, base_url)
    results = _ask(browser, wait, "tuoi tho trung binh")
    first = results[0]
    assert "74,5 tuổi" in first.find_element(By.CSS_SELECTOR, ".text").text
    marks = {m.text for m in first.find_elements(By.TAG_NAME, "mark")}
    assert {"Tuổi", "thọ", "trung", "bình"} <= marks
    assert "Mục tiêu cụ thể" in first.find_element(By.CSS_SELECTOR, ".section").text
    try:
        browser.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": base_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    except WebDriverException:
        pass  # the textarea fallback and the confirmation are checked either way
    first.find_element(By.CSS_SELECTOR, "button.copy").click()
    wait.until(lambda d: first.find_element(By.CSS_SELECTOR, ".copied").text)
    assert first.find_element(By.CSS_SELECTOR, ".copied").text == "Đã sao chép"
    pasted = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, () => done(null));")
    if pasted is not None:  # reading the clipboard back is allowed in this browser
        assert "74,5 tuổi" in pasted and pasted.startswith("“") and "mục I.2" in pasted
    assert not browser.find_element(By.ID, "more").is_displayed()  # 6 passages in all: no next page
    assert [e["message"] for e in browser.get_log("browser")] == []  # no script errors


def test_injected_markup_is_shown_as_text(browser, base_url):
    wait = _open(browser, base_url)
    results = _ask(browser, wait, "ma doc chen vao trang tin dien tu")
    shown = results[0].find_element(By.CSS_SELECTOR, ".text").text
    assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(2)>" in shown
    assert sum("Mã độc" in r.text for r in results) == 1
    assert results[0].find_element(By.CSS_SELECTOR, ".also-in").text in (
        "Cũng có trong: canh-bao.txt", "Cũng có trong: ban-sao-canh-bao.txt")
    assert not browser.find_elements(By.CSS_SELECTOR, "#results script, #results img, #answer script, #answer img")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


@pytest.mark.skipif(not hasattr(tracuu.Index, "ask"), reason="Index.ask is not in this version of the library")
def test_ask_mode_shows_an_answer_with_citations(browser, base_url):
    wait = _open(browser, base_url)
    browser.find_element(By.CSS_SELECTOR, '.mode[data-mode="ask"]').click()
    _ask(browser, wait, "tuổi thọ trung bình đạt bao nhiêu")
    wait.until(lambda d: d.find_element(By.ID, "answer").is_displayed())
    answer = browser.find_element(By.ID, "answer").text
    quotes = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#results .result")]
    assert answer.startswith("Trả lời")
    assert "74,5" in answer or any("74,5" in q for q in quotes)
    assert quotes and all(r.find_element(By.CSS_SELECTOR, "button.copy")
                          for r in browser.find_elements(By.CSS_SELECTOR, "#results .result"))


@pytest.mark.skipif(not hasattr(tracuu.Index, "quotes"), reason="Index.quotes is not in this version of the library")
def test_quotes_mode_lists_quotes(browser, base_url):
    wait = _open(browser, base_url)
    browser.find_element(By.CSS_SELECTOR, '.mode[data-mode="quotes"]').click()
    _ask(browser, wait, "chuyen doi so")
    status = browser.find_element(By.ID, "status")
    assert "error" not in status.get_attribute("class")
    for quote in browser.find_elements(By.CSS_SELECTOR, "#results .result .text"):
        assert quote.text.startswith("“")
    # bai-bao.md sets "**Thành ủy Hà Nội**" in bold: the page shows the words, not the Markdown.
    _ask(browser, wait, "Thanh uy Ha Noi to chuc hoi nghi truc tuyen hoc tap quan triet 10 chuong trinh cong tac")
    shown = [q.text for q in browser.find_elements(By.CSS_SELECTOR, "#results .result .text")]
    assert any("Thành ủy Hà Nội tổ chức hội nghị" in q for q in shown)
    assert not any("**" in q for q in shown)


def test_phone_viewport_has_no_horizontal_overflow(browser, base_url):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    try:
        wait = _open(browser, base_url)
        browser.find_element(By.TAG_NAME, "summary").click()  # open the filters too
        assert _ask(browser, wait, "hoc tap quan triet chuong trinh cong tac")
        widths = browser.execute_script(
            "const rights = [...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right);"
            "return [document.documentElement.scrollWidth, window.innerWidth, Math.max(...rights)];")
        scroll_width, inner_width, rightmost = widths
        assert inner_width == 390 and scroll_width <= inner_width and rightmost <= inner_width + 0.5
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_non_official_text_is_labelled_and_commentary_included_on_request(browser, notes_url):
    wait = _open(browser, notes_url)
    results = _ask(browser, wait, "Tổng Bí thư Tô Lâm đã ký ban hành")
    labelled = [r for r in results if "Thay mặt Bộ Chính trị" in r.text]
    assert labelled and labelled[0].find_element(By.CSS_SELECTOR, ".note").text.startswith(
        "Lời giới thiệu của trang đăng tải")
    browser.find_element(By.CSS_SELECTOR, '.mode[data-mode="ask"]').click()
    _ask(browser, wait, "tầm nhìn đến năm 2045 của Nghị quyết 57")
    wait.until(lambda d: d.find_element(By.ID, "answer").is_displayed())
    assert not browser.find_elements(By.CSS_SELECTOR, "#results .note")  # left out by default
    browser.find_element(By.TAG_NAME, "summary").click()
    browser.find_element(By.ID, "commentary").click()
    _ask(browser, wait, "tầm nhìn đến năm 2045 của Nghị quyết 57")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .note"))
    notes = [n.text for n in browser.find_elements(By.CSS_SELECTOR, "#results .note")]
    assert "Bình luận của người biên soạn, không phải văn bản chính thức" in notes
    assert [e["message"] for e in browser.get_log("browser")] == []


def test_by_document_toggle_lists_documents_with_counts(browser, notes_url):
    wait = _open(browser, notes_url)
    browser.find_element(By.ID, "by-document").click()
    groups = _ask(browser, wait, "năm 2045")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#results .group .group-count"))
    groups = browser.find_elements(By.CSS_SELECTOR, "#results > .group")
    counts = [g.find_element(By.CSS_SELECTOR, ".group-count").text for g in groups]
    assert len(groups) >= 2 and all("đoạn có đủ các từ “năm 2045”" in c for c in counts)
    assert any(c.startswith("1 đoạn") for c in counts)
    assert groups[0].find_elements(By.CSS_SELECTOR, ".group-hits .result")
    assert browser.find_element(By.ID, "status").text.startswith("Các văn bản có nội dung này")
    browser.find_element(By.CSS_SELECTOR, '.mode[data-mode="ask"]').click()
    assert not browser.find_element(By.ID, "by-document-box").is_displayed()  # a search view only
    browser.find_element(By.CSS_SELECTOR, '.mode[data-mode="search"]').click()
    browser.find_element(By.ID, "by-document").click()  # off again for the next test
