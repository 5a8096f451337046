"""The HTTP transport: a threaded stdlib server speaking HTTP/1.1 with keep-alive (httpx reuses
connections), and `EmulatorServer`, the in-process handle tests and tools use."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .admin_client import AdminClient
from .app import Emulator
from .fixture_loader import load_fixture
from .state import EmulatorState

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 18080


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GraphEmulator/1.0"
    sys_version = ""
    server: "_HttpServer"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm meets the
        # client's delayed ACK and every response waits ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()  # the blank line after the last chunk (no trailers expected)
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        reply = self.server.emulator.handle(self.command, self.path, self.headers, self._read_body(), self.server.base_url)
        payload = reply.encoded()
        self.send_response(reply.status)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if payload:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        """Quiet: the request log (GET /_emulator/requests) is the record."""


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator
        self.base_url = f"http://{address[0]}:{self.server_address[1]}"
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Kept-alive connections would otherwise hold their handler threads after stop()."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class EmulatorServer:
    """`EmulatorServer(port=0, fixture=path_or_dict).start()`; `base_url`; `stop()`; a context manager."""

    def __init__(self, port: int = DEFAULT_PORT, fixture: str | Path | dict | None = None, host: str = DEFAULT_HOST) -> None:
        self.host = host
        self.port = port
        self.emulator = Emulator(EmulatorState())
        load_fixture(self.emulator.state, fixture)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> EmulatorState:
        return self.emulator.state

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def graph_url(self) -> str:
        return self.base_url + "/v1.0"

    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.base_url)

    def start(self) -> "EmulatorServer":
        self._httpd = _HttpServer((self.host, self.port), self.emulator)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
