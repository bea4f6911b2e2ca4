"""The production server (gunicorn with web/gunicorn_conf.py, what `make run` starts) as a
subprocess on the benchmark's database, and plain http.client clients against it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

from adapters.config import PROJECT_ROOT
from bench.env import BenchDB


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`with Server(db) as server:` — started, healthy, and stopped (with its workers) on exit."""

    def __init__(self, db: BenchDB, log_dir: Path, extra_env: dict[str, str] | None = None):
        self.db = db
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{db.backend}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def __enter__(self) -> Self:
        env = {**os.environ, **self.db.env(), **self.extra_env, "PORT": str(self.port)}
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(PROJECT_ROOT / "web" / "gunicorn_conf.py"),
                "web.wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()
        return self

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.log_tail()}")
            probe = Client(self.port)
            try:
                status, _ = probe.request("GET", "/healthz")
                if status == 200 and len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(p) for p in children]

    def peak_rss_mb(self) -> dict[str, Any]:
        """VmHWM (peak resident set) of the master and of each worker, in MB."""
        assert self.proc is not None
        master = _vm_hwm(self.proc.pid)
        workers = [_vm_hwm(pid) for pid in self.worker_pids()]
        return {
            "master_mb": master,
            "workers_mb": workers,
            "peak_mb": max([master, *workers]),
            "total_mb": round(master + sum(workers), 1),
        }

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        workers = self.worker_pids()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn stops its workers, then itself
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                for pid in workers:  # orphaned by the kill: ours, checked by name before the signal
                    if _is_gunicorn(pid):
                        os.kill(pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()


def _is_gunicorn(pid: int) -> bool:
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _vm_hwm(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class Client:
    """One keep-alive connection; JSON in, (status, JSON) out."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            if method != "GET":  # a POST is never repeated: the caller counts it as an error
                raise
            # one retry of a read on a fresh connection (a keep-alive the server closed)
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        return resp.status, (
            json.loads(raw) if raw and resp.headers.get_content_type() == "application/json" else None
        )

    def close(self) -> None:
        self.conn.close()
