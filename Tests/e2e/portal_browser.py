#!/usr/bin/env python3
"""The portal in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
chromedriver (no driver or browser is downloaded). Run by Tests/MaskerServerTests/Portal/
PortalBrowserTests.swift against a server it started, with a user it created:

    portal_browser.py BASE_URL USERNAME PASSWORD SCREENSHOT_DIR

Logs in; creates an agent through the wizard with its own policy pasted in (keeping payloads);
sends a call through the agent's proxy URL with the official `openai` client; opens the session
and reads its four panels; validates a broken policy and reads the line of its problem; verifies
the audit log; makes a report, opens its printable page and downloads its signed JSON; creates and
revokes an API token; checks that keyboard users land on the skip link first and that no page
scrolls sideways on a phone-width screen. Saves a screenshot of each page (1280 px wide, and 390 px
for a few) into SCREENSHOT_DIR. Prints one line per step; exits 1 on the first failure.
"""
import base64
import json
import os
import subprocess
import sys
import time

import openai
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

PHONE = "415-555-2671"
NAME = "Sarah Chen"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The shipped policy, keeping payloads, as a clinic would paste it into the wizard.
POLICY = open(os.path.join(ROOT, "configs/mask_policy.yaml")).read().replace("log_payloads: false", "log_payloads: true")
BROKEN = """version: 1
name: broken
entities:
  PHONE:
    action: scramble
"""


# What sticks out past the right edge of the window (for the message when a page scrolls sideways).
WIDEST = """
const width = document.documentElement.clientWidth, out = [];
for (const element of document.querySelectorAll('body *')) {
  const box = element.getBoundingClientRect();
  if (box.right > width + 1) out.push(element.tagName.toLowerCase() + '.' + element.className + ' ' + Math.round(box.right));
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const range = document.createRange();
  range.selectNodeContents(walker.currentNode);
  const box = range.getBoundingClientRect();
  if (box.right > width + 1) out.push('text in ' + walker.currentNode.parentElement.tagName.toLowerCase() + ': ' + walker.currentNode.textContent.slice(0, 40));
}
return out.slice(0, 6);
"""


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                 "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(20)
    driver.implicitly_wait(2)
    return driver


class Portal:
    def __init__(self, driver, base, shots):
        self.driver, self.base, self.shots = driver, base, shots

    def go(self, path):
        self.driver.get(self.base + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name, phone=False):
        self.driver.set_window_size(1280, 900)
        # The whole page, not just the window (Chrome's DevTools protocol; Selenium's own
        # full-page screenshot is Firefox's).
        height = self.driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}})
        with open(os.path.join(self.shots, f"{name}.png"), "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        if phone:
            # A phone's screen, as Chrome's device emulation gives it (a desktop window has a
            # minimum width wider than a phone).
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
            width = self.driver.execute_script("return document.documentElement.scrollWidth")
            viewport = self.driver.execute_script("return document.documentElement.clientWidth")
            wide = self.driver.execute_script(WIDEST) if width > viewport + 1 else []
            self.driver.save_screenshot(os.path.join(self.shots, f"{name}-phone.png"))
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            check(width <= viewport + 1, f"{name} scrolls sideways at phone width ({width} px of {viewport}): {wide}")

    def fill(self, field, value):
        element = self.driver.find_element(By.NAME, field)
        element.clear()
        element.send_keys(value)

    def submit(self, selector="button[type=submit]"):
        self.click(self.driver.find_element(By.CSS_SELECTOR, selector))

    def shows(self, text, timeout=10):
        """Whether the page shows `text` within `timeout` seconds (a page still loading gets time)."""
        try:
            WebDriverWait(self.driver, timeout).until(lambda driver: text in driver.find_element(By.TAG_NAME, "body").text)
            return True
        except Exception:
            return False

    def click(self, element):
        """Clicks something that loads a new page, and waits until the new one has loaded.

        The old page is marked with a window property a new page does not have. Selenium's own
        `staleness_of` asks the browser about the old page's element, and in the middle of a
        navigation Chromium can answer that with an inspector error ("Node with given id does not
        belong to the document") instead of "stale": a fresh-clone CI run failed on exactly that.
        Any error while the browser is between two pages only means "not yet"."""
        self.driver.execute_script("window.__maskerOldPage = true")
        element.click()

        def loaded(driver):
            try:
                return driver.execute_script(
                    "return window.__maskerOldPage === undefined && document.readyState === 'complete'")
            except WebDriverException:
                return False
        WebDriverWait(self.driver, 15).until(loaded)


def step(name):
    print(f"ok {name}", flush=True)


def main():
    base, username, password, shots = sys.argv[1:5]
    os.makedirs(shots, exist_ok=True)
    downloads = os.path.join(shots, "downloads")
    os.makedirs(downloads, exist_ok=True)
    driver = browser(downloads)
    portal = Portal(driver, base, shots)
    try:
        run(portal, username, password, downloads)
    except Failure as failure:
        print(f"FAIL {failure}", flush=True)
        print(portal.text()[:2000], file=sys.stderr)
        return 1
    finally:
        driver.quit()
    return 0


def run(portal, username, password, downloads):
    driver = portal.driver
    portal.go("/login")
    portal.shot("login", phone=True)
    portal.fill("username", username)
    portal.fill("password", password)
    portal.submit()
    check(portal.shows("Dashboard") and driver.current_url.rstrip("/") == portal.base, f"log-in did not open the dashboard: {driver.current_url}")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    check(active.get_attribute("href", ) and "#main" in active.get_attribute("href"), "the first Tab does not reach the skip link")
    step("log in; the first Tab reaches the skip link")

    portal.go("/agents/new")
    portal.fill("name", "front desk")
    portal.fill("upstream", "stub")
    driver.find_element(By.CSS_SELECTOR, "input[name=policy_choice][value=yaml]").click()  # a radio: no new page
    portal.fill("policy_yaml", BROKEN)
    live = lambda: driver.find_element(By.ID, "policy-live").text
    try:
        WebDriverWait(driver, 10).until(lambda _: "line 5" in live())
    except Exception:
        raise Failure(f"the wizard's policy is not checked as it is typed: {live()!r}")
    portal.fill("policy_yaml", POLICY)
    try:
        WebDriverWait(driver, 10).until(lambda _: live().startswith("Valid"))
    except Exception:
        raise Failure(f"the pasted policy is not shown valid: {live()!r}")
    portal.shot("agent-new")
    portal.submit("form.stack button[type=submit]")
    check(portal.shows("Agent created"), "the wizard did not end on the agent's page")
    proxy = driver.find_element(By.CSS_SELECTOR, "#url ~ p.copy code").text
    check("/proxy/agt_" in proxy and proxy.endswith("/v1"), f"no proxy URL on the agent's page: {proxy}")
    for platform in ("Vapi", "ElevenLabs", "Pipecat", "LiveKit"):
        check(platform in portal.text(), f"no settings for {platform}")
    portal.shot("agent", phone=True)
    step("an agent through the wizard (its policy checked as typed), with its URLs for each platform")

    client = openai.OpenAI(base_url=proxy, api_key="sk-unused", default_headers={"Masker-Session-Id": "browser-call-1"})
    answer = client.chat.completions.create(model="masker-stub", messages=[
        {"role": "user", "content": f"Hi, this is {NAME}, call me back at {PHONE}"}])
    said = answer.choices[0].message.content
    check(PHONE in said and NAME in said, f"the caller did not hear their own words back: {said}")
    step("a call through the proxy with the openai client")

    portal.go("/sessions?since=all")
    portal.shot("sessions", phone=True)
    portal.click(driver.find_element(By.PARTIAL_LINK_TEXT, "sess_"))
    original = driver.find_element(By.CSS_SELECTOR, "section[aria-label^='Original, messages'] p").text
    masked = driver.find_element(By.CSS_SELECTOR, "section[aria-label^='Masked, messages'] p").text
    answer_panel = driver.find_element(By.CSS_SELECTOR, "section[aria-label='Model answer']").text
    restored = driver.find_element(By.CSS_SELECTOR, "section[aria-label='Restored answer']").text
    check(PHONE in original and driver.find_elements(By.CSS_SELECTOR, "mark.k-PHONE"), "the original panel lacks the highlighted phone")
    check(PHONE not in masked and "MSKV1.PHONE" in masked, f"the masked panel: {masked}")
    check(PHONE not in answer_panel and "MSKV1.PHONE" in answer_panel, f"the model's answer panel: {answer_panel}")
    check(PHONE in restored and NAME in restored, f"the restored panel: {restored}")
    portal.shot("session", phone=True)
    step("the session's four panels")

    portal.go("/policy")
    draft = driver.find_element(By.NAME, "draft")
    draft.clear()
    draft.send_keys(BROKEN)
    portal.submit("form[action='/policy/validate'] button")
    problems = portal.text()
    check(portal.shows("line 5"), f"the broken policy's line is not shown: {problems[:600]}")
    portal.shot("policy")
    step("a broken policy and its line")

    portal.go("/audit")
    portal.submit("form[action='/audit/verify'] button")
    check(portal.shows("The chain holds"), "the audit chain did not verify")
    check("PHONE" in portal.text(), "the events table has no PHONE redaction")
    portal.shot("audit", phone=True)
    step("the audit chain verified, the events table")

    portal.go("/reports")
    portal.submit("form[action='/reports'] button")
    check(portal.shows("The audit chain verified"), "the report page does not say the chain verified")
    portal.shot("report")
    report_url = driver.current_url
    driver.find_element(By.LINK_TEXT, "Download the signed JSON").click()
    downloaded = wait_for_download(downloads)
    report = json.load(open(downloaded))
    check("signature" in report and report["counts"]["redactions_by_entity_kind"].get("PHONE", 0) >= 1, "the downloaded report")
    driver.get(report_url + "/print")
    check(portal.shows("Safe Harbor"), "the printable page")
    portal.shot("report-print")
    step("a report made, printed and downloaded signed")

    portal.go("/settings")
    portal.submit("form[action='/settings/tokens'] button")
    secret = driver.find_element(By.CSS_SELECTOR, "p.copy code").text
    check(secret.startswith("mk_"), f"no token shown: {secret}")
    portal.go("/settings")
    before = len(driver.find_elements(By.CSS_SELECTOR, "form[action$='/revoke']"))
    portal.click(driver.find_element(By.CSS_SELECTOR, "form[action$='/revoke'] button"))
    after = len(driver.find_elements(By.CSS_SELECTOR, "form[action$='/revoke']"))
    check(after == before - 1, f"the token was not revoked ({before} → {after})")
    portal.shot("settings", phone=True)
    step("a token created and revoked")

    portal.go("/")
    portal.shot("dashboard", phone=True)
    portal.go("/playground")
    portal.fill("text", f"My name is {NAME} and my number is {PHONE}")
    portal.submit("form[action='/playground'] button")
    check(driver.find_elements(By.CSS_SELECTOR, "mark.k-PHONE"), "the playground found no phone")
    portal.shot("playground", phone=True)
    step("dashboard and playground")

    # A recording through the Transcripts page: the browser's own multipart upload.
    recording = os.path.join(downloads, "call.wav")
    subprocess.run(["flite", "-voice", "slt", "-t", "my number is six one seven five five five zero one four two", "-o", recording], check=True)
    portal.go("/transcripts")
    driver.find_element(By.NAME, "file").send_keys(recording)
    portal.submit("form[action='/transcripts'] button")
    check(driver.find_elements(By.CSS_SELECTOR, "mark.k-PHONE"), "the transcript showed no masked phone number")
    masked = " ".join(cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "td.masked"))
    check("MSKV1.PHONE." in masked and "six one seven" not in masked, f"the transcript was not masked: {masked}")
    portal.shot("transcripts", phone=True)
    step("a recording transcribed")


def wait_for_download(directory):
    deadline = time.time() + 15
    while time.time() < deadline:
        done = [name for name in os.listdir(directory) if name.endswith(".json")]
        if done:
            return os.path.join(directory, done[0])
        time.sleep(0.2)
    raise Failure("the report did not download")


if __name__ == "__main__":
    sys.exit(main())
