"""Hosts for the several-hosts test: network namespaces joined to this one by veth pairs, each
reaching PostgreSQL and Redis through a forwarder on its host-side address; or, where network
namespaces are not available, plain processes on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from support.http import csrf_token
from support.security import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


@dataclass
class Host:
    """One host: ``address`` is where it listens, ``gateway`` the address it reaches us on."""

    name: str
    address: str
    gateway: str
    namespace: str | None = None

    def command(self, *args: str) -> list[str]:
        prefix = ["ip", "netns", "exec", self.namespace] if self.namespace else []
        return [*prefix, *args]


@dataclass
class Network:
    """Creates hosts; ``isolated`` says whether they are network namespaces or loopback."""

    tag: str = field(default_factory=lambda: f"{os.getpid() % 10000:04d}")
    isolated: bool = False
    hosts: list[Host] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @classmethod
    def create(cls) -> Network:
        network = cls()
        network.isolated = network._namespaces_work()
        return network

    def _octet(self) -> int:
        return 100 + int(self.tag) % 100

    def _namespaces_work(self) -> bool:
        if os.environ.get("SEVERAL_HOSTS_LOOPBACK") == "1":  # to try the fallback on purpose
            return False
        if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("socat") is None:
            return False
        probe = f"dtp{self.tag}probe"
        made = subprocess.run(["ip", "netns", "add", probe], capture_output=True)
        if made.returncode != 0:
            return False
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
        return True

    def add(self, name: str) -> Host:
        index = len(self.hosts) + 1
        if not self.isolated:
            host = Host(name, "127.0.0.1", "127.0.0.1")
            self.hosts.append(host)
            return host
        namespace = f"dtp{self.tag}{name}"
        outside, inside = f"dtp{self.tag}{index}h", f"dtp{self.tag}{index}n"
        gateway = f"10.{self._octet()}.{index}.1"
        address = f"10.{self._octet()}.{index}.2"
        self._ip("netns", "add", namespace)
        self._ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        self.links.append(outside)
        self._ip("link", "set", inside, "netns", namespace)
        self._ip("addr", "add", f"{gateway}/30", "dev", outside)
        self._ip("link", "set", outside, "up")
        for args in (
            ("addr", "add", f"{address}/30", "dev", inside),
            ("link", "set", inside, "up"),
            ("link", "set", "lo", "up"),
            ("route", "add", "default", "via", gateway),
        ):
            self._ip("netns", "exec", namespace, "ip", *args)
        host = Host(name, address, gateway, namespace)
        self.hosts.append(host)
        return host

    def forward(self, host: Host, target_port: int) -> int:
        """A port on the host's gateway address that reaches 127.0.0.1:target_port here."""
        if not self.isolated:
            return target_port
        port = free_port()
        self.processes.append(
            subprocess.Popen(
                [
                    "socat",
                    f"TCP-LISTEN:{port},bind={host.gateway},fork,reuseaddr",
                    f"TCP:127.0.0.1:{target_port}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        return port

    def start(
        self, host: Host, args: list[str], env: dict[str, str], log: Path
    ) -> subprocess.Popen:
        """A process on the host, in a process group of its own (so it can be killed whole)."""
        with log.open("ab") as output:
            process = subprocess.Popen(
                host.command(*args),
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=ROOT,
            )
        self.processes.append(process)
        return process

    def teardown(self) -> None:
        for process in reversed(self.processes):
            kill(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill(process, signal.SIGKILL)
        for host in self.hosts:
            if host.namespace:
                subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True)
        for link in self.links:
            subprocess.run(["ip", "link", "del", link], capture_output=True)

    def _ip(self, *args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True)


def kill(process: subprocess.Popen, sign: int) -> None:
    """Signal the process's group and every descendant (gunicorn's workers; RQ's work horse,
    which starts a session of its own)."""
    for pid in [*_descendants(process.pid), process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sign)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sign)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, waiting = [], [root]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


def wait_until(check, timeout: float, what: str, every: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A person's session with one app server: cookies kept, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict[str, str], page: str | None = None) -> tuple[int, str]:
        """POST the form with the CSRF token of ``page`` (default: the form's own page)."""
        _, html = self.get(page or path)
        data = urlencode({**form, "csrf_token": csrf_token(html)}).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()
