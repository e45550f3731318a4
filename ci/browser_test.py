"""``make test-browser``: the notes example in a real, headless Chromium.

Usage (with the project's ``.venv`` Python, as the Makefile runs it)::

    .venv/bin/python ci/browser_test.py

What it does:

1. Makes sure Debian's ``chromium`` and ``chromium-driver`` are installed
   (``apt-get install`` when missing, through ``sudo`` when not root) and that
   Selenium is importable (``pip install`` into this interpreter's
   environment when it is not). Selenium drives the Debian binaries given by
   path; it downloads nothing.
2. Starts the example as ``make run`` does (``flaskfast --app examples.notes
   init-db``, then ``run``) on a free port of 127.0.0.1, with a fresh instance
   folder (database, generated ``config.py``) in a temporary directory.
3. In the browser, as a user would: opens the home page, registers, logs in,
   writes a note, sees it listed with the flashed message, logs out. Every
   step waits (bounded) for what the page must show and saves a screenshot in
   ``.artifacts/browser/`` (git-ignored): ``01-home.png`` ... ``07-login-required.png``
   (the last: a page that needs a login, asked for after logging out).

On a failure it says which step failed and why, saves ``failure.png`` and
``failure.html`` (the page at that moment), prints the end of the server's
log (kept whole in ``.artifacts/browser/server.log``) and exits 1. Each wait
has a timeout, so a hang becomes a failure with a message; the whole run is
a few seconds once Chromium is installed.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / ".artifacts" / "browser"
APP = "examples.notes"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
# Debian's packages; a font so that the screenshots show text.
APT_PACKAGES = ("chromium", "chromium-driver", "fonts-dejavu-core")
SELENIUM = "selenium>=4.20,<5"
SERVER_START_TIMEOUT = 30.0
WAIT_TIMEOUT = 15.0
USERNAME, PASSWORD = "ada", "analytical engine"
NOTE_TITLE, NOTE_BODY = "Browser note", "Written by headless Chromium.\nSecond line."


class Failure(Exception):
    """A step of the scenario did not see what it expected."""


def say(text: str) -> None:
    print(text, flush=True)


def first_existing(paths: t.Iterable[str]) -> str | None:
    return next((p for p in paths if os.access(p, os.X_OK)), None)


def run_checked(command: list[str], what: str, **kwargs: t.Any) -> None:
    say(f"    $ {' '.join(command)}")
    result = subprocess.run(command, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"error: {what} failed (exit status {result.returncode})")


def ensure_chromium() -> tuple[str, str]:
    """Paths of Debian's chromium and chromedriver, installed with apt-get if missing."""
    browser, driver = first_existing(CHROMIUM), first_existing(CHROMEDRIVER)
    if browser and driver:
        return browser, driver
    say("==> Chromium or its driver is missing: installing Debian's packages with apt-get")
    prefix: list[str] = []
    if os.getuid() != 0:
        if shutil.which("sudo") is None:
            raise SystemExit(
                "error: installing chromium needs root and sudo is not there; run as root:"
                f" apt-get install {' '.join(APT_PACKAGES)}"
            )
        prefix = ["sudo"]
    if shutil.which("apt-get") is None:
        raise SystemExit(
            "error: chromium and chromedriver are not installed and there is no apt-get;"
            f" install them (expected at {CHROMIUM[0]} and {CHROMEDRIVER[0]})"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    start = time.perf_counter()
    run_checked([*prefix, "apt-get", "update", "-q"], "apt-get update", env=env)
    run_checked(
        [*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES],
        "apt-get install",
        env=env,
    )
    say(f"    installed in {time.perf_counter() - start:.1f} s")
    browser, driver = first_existing(CHROMIUM), first_existing(CHROMEDRIVER)
    if not (browser and driver):
        raise SystemExit(
            f"error: after apt-get, chromium ({browser}) or chromedriver ({driver})"
            " is still missing"
        )
    return browser, driver


def ensure_selenium() -> None:
    """Make ``import selenium`` work, installing it into this environment when needed."""
    if importlib.util.find_spec("selenium") is not None:
        return
    say(f"==> Installing {SELENIUM} into {sys.prefix}")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", SELENIUM]
    run_checked(pip, "pip install selenium")
    importlib.invalidate_caches()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The example served by flaskfast's dev server in a subprocess, logging to a file."""

    def __init__(self, instance: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        flaskfast = Path(sys.executable).with_name("flaskfast")
        self.base = [str(flaskfast), "--app", APP]
        scrubbed = ("FLASK_APP", "FLASK_DEBUG", "FLASKFAST_AS_FLASK", "WERKZEUG_RUN_MAIN")
        self.env = {k: v for k, v in os.environ.items() if k not in scrubbed}
        self.env["NOTES_INSTANCE_PATH"] = str(instance)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            init = subprocess.run(
                [*self.base, "init-db"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=60,
            )
        if init.returncode != 0:
            raise Failure(f"init-db failed (exit status {init.returncode})")
        out = self.log.open("ab")
        command = [*self.base, "run", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        out.close()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                status = self.process.returncode
                raise Failure(f"the server exited with status {status} while starting")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise Failure(
                    f"the server did not answer on {self.url} within {SERVER_START_TIMEOUT:.0f} s"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:])


def start_browser(browser: str, driver: str) -> t.Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container has no usable sandbox
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1100,800",
        "--no-first-run",
        "--disable-extensions",
        "--password-store=basic",
    ):
        options.add_argument(argument)
    service = Service(executable_path=driver, log_output=str(ARTIFACTS / "chromedriver.log"))
    browser_driver = webdriver.Chrome(service=service, options=options)
    browser_driver.set_page_load_timeout(WAIT_TIMEOUT)
    browser_driver.set_script_timeout(WAIT_TIMEOUT)
    return browser_driver


class Scenario:
    """The user's walk through the app; each step ends with a screenshot."""

    def __init__(self, driver: t.Any, base_url: str) -> None:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.base_url = base_url
        self.by = By
        # While a page is replaced, elements found on it a moment before can
        # fail with a stale reference or with Chromium's "Node with given id
        # does not belong to the document": the condition is tried again
        # (until the timeout, which reports what was awaited).
        self.wait = WebDriverWait(
            driver,
            WAIT_TIMEOUT,
            ignored_exceptions=(StaleElementReferenceException, WebDriverException),
        )
        self.shots = 0
        self.step_name = "starting"

    # -- helpers ---------------------------------------------------------------
    def wait_for(self, description: str, condition: t.Callable[[t.Any], t.Any]) -> t.Any:
        from selenium.common.exceptions import TimeoutException

        try:
            return self.wait.until(condition)
        except TimeoutException:
            raise Failure(
                f"waited {WAIT_TIMEOUT:.0f} s for {description};"
                f" the page is {self.driver.current_url} titled {self.driver.title!r}"
            ) from None

    def heading(self, text: str) -> None:
        self.wait_for(
            f"the heading {text!r}",
            lambda d: any(h.text == text for h in d.find_elements(self.by.TAG_NAME, "h1")),
        )

    def flash(self, text: str) -> None:
        self.wait_for(
            f"the flashed message {text!r}",
            lambda d: any(text in e.text for e in d.find_elements(self.by.CSS_SELECTOR, ".flash")),
        )

    def fill(self, field_id: str, value: str) -> None:
        element = self.driver.find_element(self.by.ID, field_id)
        element.clear()
        element.send_keys(value)

    def submit(self, selector: str = "main form button[type=submit]") -> None:
        old = self.driver.find_element(self.by.TAG_NAME, "html")
        self.driver.find_element(self.by.CSS_SELECTOR, selector).click()
        self.wait_for("the next page to load", lambda d: _is_stale(old))

    def click_link(self, text: str) -> None:
        old = self.driver.find_element(self.by.TAG_NAME, "html")
        self.driver.find_element(self.by.LINK_TEXT, text).click()
        self.wait_for(f"the page behind the link {text!r}", lambda d: _is_stale(old))

    def screenshot(self, name: str) -> Path:
        self.shots += 1
        path = ARTIFACTS / f"{self.shots:02d}-{name}.png"
        if not self.driver.save_screenshot(str(path)):
            raise Failure(f"could not save the screenshot {path}")
        return path

    # -- the steps -----------------------------------------------------------------
    def steps(self) -> list[tuple[str, t.Callable[[], None]]]:
        return [
            ("home", self.open_home),
            ("registered", self.register),
            ("logged-in", self.log_in),
            ("new-note-form", self.open_new_note),
            ("note-listed", self.save_note),
            ("logged-out", self.log_out),
            ("login-required", self.login_required),
        ]

    def open_home(self) -> None:
        self.driver.get(self.base_url + "/")
        self.heading("Notes")
        self.wait_for("the Register link", lambda d: d.find_elements(self.by.LINK_TEXT, "Register"))

    def register(self) -> None:
        self.click_link("Register")
        self.heading("Register")
        self.fill("username", USERNAME)
        self.fill("password", PASSWORD)
        self.submit()
        self.heading("Log in")
        self.flash(f"Registered {USERNAME}. You can log in now.")

    def log_in(self) -> None:
        self.fill("username", USERNAME)
        self.fill("password", PASSWORD)
        self.submit()
        self.heading("My notes")
        self.flash(f"Welcome, {USERNAME}!")
        self.wait_for(
            "the user's name in the navigation",
            lambda d: d.find_element(self.by.CSS_SELECTOR, "nav .user").text == USERNAME,
        )
        self.wait_for(
            "'No notes yet.'",
            lambda d: "No notes yet." in d.find_element(self.by.TAG_NAME, "main").text,
        )

    def open_new_note(self) -> None:
        self.click_link("New note")
        self.heading("New note")
        self.fill("title", NOTE_TITLE)
        self.fill("body", NOTE_BODY)

    def save_note(self) -> None:
        self.submit("#save")
        self.heading("My notes")
        self.flash(f"Note “{NOTE_TITLE}” created.")
        notes = self.driver.find_elements(self.by.CSS_SELECTOR, "li.note")
        if len(notes) != 1:
            raise Failure(f"expected one note in the list, found {len(notes)}")
        title = notes[0].find_element(self.by.TAG_NAME, "h2").text
        body = notes[0].find_element(self.by.CSS_SELECTOR, ".body").text
        if (title, body) != (NOTE_TITLE, NOTE_BODY):
            expected = (NOTE_TITLE, NOTE_BODY)
            raise Failure(f"the listed note is {(title, body)!r}, expected {expected!r}")

    def log_out(self) -> None:
        self.submit("#logout")
        self.heading("Notes")
        self.flash("You have been logged out.")
        if self.driver.find_elements(self.by.CSS_SELECTOR, "nav .user"):
            raise Failure("the navigation still shows a user after logging out")

    def login_required(self) -> None:
        self.driver.get(self.base_url + "/notes/new")
        self.heading("Log in")
        self.flash("Please log in first.")

    def run(self) -> None:
        for name, action in self.steps():
            self.step_name = name
            start = time.perf_counter()
            action()
            path = self.screenshot(name)
            elapsed = time.perf_counter() - start
            say(f"    ok  {name:<14} {elapsed:5.2f} s  {path.relative_to(ROOT)}")


def _is_stale(element: t.Any) -> bool:
    """Whether ``element`` belongs to a page that has been replaced."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        # Chromium's answer for a node of a document being replaced.
        if "does not belong to the document" in str(e):
            return True
        raise
    return False


def main() -> int:
    started = time.perf_counter()
    browser, driver_path = ensure_chromium()
    ensure_selenium()
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    artefacts = ARTIFACTS.relative_to(ROOT)
    version = subprocess.run(
        [browser, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    say(f"==> Browser test of the notes example ({version}; artefacts in {artefacts}/)")

    with tempfile.TemporaryDirectory(prefix="notes-browser-") as tmp:
        server = Server(Path(tmp) / "instance", ARTIFACTS / "server.log")
        driver = None
        scenario: Scenario | None = None
        try:
            server.start()
            say(f"    server on {server.url} (instance folder {tmp}/instance)")
            driver = start_browser(browser, driver_path)
            scenario = Scenario(driver, server.url)
            scenario.run()
        except Exception as exc:  # every failure gets the same report, then exit 1
            step = scenario.step_name if scenario else "starting the server or the browser"
            say(f"FAILED at step '{step}': {type(exc).__name__}: {exc}")
            if driver is not None:
                with contextlib.suppress(Exception):
                    driver.save_screenshot(str(ARTIFACTS / "failure.png"))
                    (ARTIFACTS / "failure.html").write_text(driver.page_source)
                    say(
                        f"    the page: {driver.current_url}"
                        f" (failure.png, failure.html in {artefacts}/)"
                    )
            say("---- end of the server log ----")
            say(server.tail())
            say("-------------------------------")
            return 1
        finally:
            if driver is not None:
                with contextlib.suppress(Exception):
                    driver.quit()
            server.stop()
    say(f"==> Browser test passed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
