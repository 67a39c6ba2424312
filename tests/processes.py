"""Real server and worker processes for the integration and end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent


def run_canxie(
    *args: str, env: dict[str, str], inherit: bool = True, timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """``canxie ARGS`` run to its end as an operator would, in its own process: its environment
    is this process's with ``env`` over it (only ``env`` when not ``inherit``)."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=REPO,
        env={**os.environ, **env} if inherit else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    """A started ``canxie`` process and its log file."""

    popen: subprocess.Popen[bytes]
    log: Path
    url: str | None = None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not go within 15 s."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        """What it logged so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class ProcessFactory:
    """Starts processes with a given environment and remembers them to stop them."""

    log_dir: Path
    started: list[Process] = field(default_factory=list)

    def _start(
        self, args: list[str], env: dict[str, str], name: str, module: str = "service"
    ) -> Process:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}-{len(self.started)}.log"
        full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", module, *args],
                cwd=REPO,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(popen=popen, log=log)
        self.started.append(process)
        return process

    def server(
        self, env: dict[str, str], *extra: str, workers: int = 2, port: int | None = None
    ) -> Process:
        """``canxie serve`` on ``port`` (default: a free one), once /api/v1/health/live answers."""
        port = port or free_port()
        args = ["serve", "--port", str(port), "--workers", str(workers), "--threads", "4", *extra]
        process = self._start(args, env, "server")
        process.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"server exited:\n{process.output()}")
            try:
                if requests.get(f"{process.url}/api/v1/health/live", timeout=1).ok:
                    return process
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{process.output()}")

    def worker(self, env: dict[str, str], *extra: str, plain_celery: bool = False) -> Process:
        """``canxie worker`` (solo pool: the process that projects is the one we can kill).

        With ``plain_celery`` the worker is started as ``celery -A workers worker`` instead.
        """
        args = [
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test{len(self.started)}-{os.getpid()}@%h",
            *extra,
        ]
        if plain_celery:
            plain = ["-A", "workers", *args, "--loglevel=INFO"]
            process = self._start(plain, env, "celery", module="celery")
        else:
            process = self._start(args, env, "worker")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"worker exited:\n{process.output()}")
            if "ready." in process.output():
                return process
            time.sleep(0.1)
        raise RuntimeError(f"worker did not start:\n{process.output()}")

    def beat(self, env: dict[str, str], schedule_dir: Path) -> Process:
        """``canxie beat`` with its schedule file in a temporary folder."""
        return self._start(["beat", "-s", str(schedule_dir / "beat-schedule")], env, "beat")

    def stop_all(self) -> None:
        """Stop everything this test started."""
        for process in reversed(self.started):
            process.stop()
