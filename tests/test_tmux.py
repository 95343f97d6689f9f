"""The counter in a real terminal: tmux runs `python -m orient`, keys go through send-keys,
the screen is read with capture-pane. Skipped when tmux is absent (CI installs it)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WAIT_S = 60  # bounded: loading the directory and gazetteer takes a few seconds on a slow machine


class Tmux:
    def __init__(self, tmp_path):
        self.socket = f"orient-test-{uuid.uuid4().hex[:8]}"
        self.session = "counter"
        self.tmp_path = tmp_path

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        line = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *command])
        self.run("new-session", "-d", "-s", self.session, "-x", "100", "-y", "30", "-c", os.getcwd(), line)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT_S
        screen = ""
        while time.monotonic() < deadline:
            try:
                screen = self.screen()
            except AssertionError:  # the session ended
                break
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"« {text} » never appeared; last screen:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def counter_env(tmp_path) -> dict[str, str]:
    return {
        "ORIENT_JOURNAL": "off",
        "ORIENT_AT": "2026-11-28T14:00",
        "ORIENT_HANDOUT_DIR": str(tmp_path / "fiches"),
        "ORIENT_KEYMAP": str(tmp_path / "none.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
    }


def test_an_emergency_shows_the_15_in_a_real_terminal(tmp_path):
    tmux = Tmux(tmp_path)
    env = counter_env(tmp_path)
    try:
        tmux.start([sys.executable, "-m", "orient"], env)
        tmux.wait_for("Où est le patient")
        tmux.send("fleuranc")
        tmux.wait_for("Fleurance")
        tmux.send("Enter")
        tmux.wait_for("URGENCE VITALE")
        tmux.send("2")  # Douleur dans la poitrine
        screen = tmux.wait_for("Appeler le 15")
        assert "URGENCE" in screen
        tmux.send("C-q")
    finally:
        tmux.kill()


def test_keys_typed_in_one_burst_are_never_dropped(tmp_path):
    """Issue 13: "lectoure⏎" pasted in one burst gave "commune non précisée"; Tab then typing
    at once sent the hour into the place field."""
    tmux = Tmux(tmp_path)
    try:
        tmux.start([sys.executable, "-m", "orient"], counter_env(tmp_path))
        tmux.wait_for("Où est le patient")
        tmux.send("lectoure", "Enter")  # one send-keys: the keys arrive together
        screen = tmux.wait_for("URGENCE VITALE")
        assert "Lectoure (32700)" in screen and "non précisée" not in screen
        tmux.send("F2")
        tmux.wait_for("Où est le patient")
        tmux.send("vic", "Tab", "22h", "Enter")  # place, Tab, hour, Enter: all at once
        screen = tmux.wait_for("URGENCE VITALE")
        assert "Vic-Fezensac (32190)" in screen and "samedi 28/11 22h00" in screen
        tmux.send("C-q")
    finally:
        tmux.kill()
