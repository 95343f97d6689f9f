"""`orient serve`: the counter in a browser (textual-serve), checked with headless Debian Chromium.

Chromium is driven through its DevTools protocol (aiohttp, a textual-serve dependency): the page is
loaded, the terminal's text is read once the app has drawn, and a screenshot is taken. WebGL is off so
that xterm.js draws text in the page, where it can be read. Skipped where Chromium is absent (`.ci/run`
installs it).
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WAIT_S = 60
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-webgl", "--window-size=1000,700"]
READ_TERMINAL = ("document.querySelector('.xterm-rows') ? document.querySelector('.xterm-rows').innerText : ''")


def run_orient(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, timeout=60)


def test_serve_has_a_french_help_and_listens_on_localhost_by_default():
    done = run_orient("serve", "--help")
    assert done.returncode == 0
    assert "localhost" in done.stdout and "--port" in done.stdout and "navigateur" in done.stdout
    from orient.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "localhost"


def test_serve_refuses_a_port_out_of_range():
    done = run_orient("serve", "--port", "70000")
    assert done.returncode == 2 and "65535" in done.stderr and "Traceback" not in done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"orient serve never listened on {port}")


async def browse(url: str, profile: Path, screenshot: Path, expected: str) -> str:
    """Open url in headless Chromium; the terminal's text once `expected` shows (or the last seen)."""
    import aiohttp

    browser = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                "--remote-debugging-port=0", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = profile / "DevToolsActivePort"
        for _ in range(WAIT_S * 10):
            if active.exists() and active.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = active.read_text().split()[0]
        async with aiohttp.ClientSession() as session:
            targets = await (await session.get(f"http://127.0.0.1:{port}/json")).json()
            page = next(t for t in targets if t["type"] == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                ids = iter(range(1, 10_000))

                async def call(method: str, **params) -> dict:
                    number = next(ids)
                    await ws.send_json({"id": number, "method": method, "params": params})
                    while True:
                        message = await ws.receive_json()
                        if message.get("id") == number:
                            return message.get("result", {})

                await call("Page.navigate", url=url)
                text = ""
                for _ in range(WAIT_S * 2):
                    await asyncio.sleep(0.5)
                    found = await call("Runtime.evaluate", expression=READ_TERMINAL, returnByValue=True)
                    text = found.get("result", {}).get("value") or ""
                    if expected in text:
                        break
                shot = await call("Page.captureScreenshot", format="png")
                screenshot.write_bytes(base64.b64decode(shot["data"]))
                return text
    finally:
        browser.terminate()
        browser.wait(timeout=20)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium)")
def test_the_first_screen_in_a_browser_asks_where_the_patient_is(tmp_path):
    port = free_port()
    env = {**os.environ, "ORIENT_JOURNAL": "off", "ORIENT_AT": "2026-11-28T14:00",
           "ORIENT_HANDOUT_DIR": str(tmp_path / "fiches"), "ORIENT_KEYMAP": str(tmp_path / "none.toml"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    server = subprocess.Popen([sys.executable, "-m", "orient", "serve", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        wait_for_port(port)
        profile = tmp_path / "chromium"
        profile.mkdir()
        shot = tmp_path / "first-screen.png"
        text = asyncio.run(browse(f"http://localhost:{port}", profile, shot, "Où est le patient"))
        assert "Où est le patient ?" in text and "Quand ?" in text, text[:500]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the app it started for the page
        server.wait(timeout=20)
