"""The HTTP transport: a threaded stdlib server speaking HTTP/1.1 with keep-alive (httpx reuses
connections), and `EmulatorServer`, the in-process handle tests and tools use."""
from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .admin_client import AdminClient
from .app import Emulator
from .fixture_loader import load_fixture
from .state import EmulatorState
from .tls import server_context

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 18080
DEFAULT_TLS_PORT = 18443


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GraphEmulator/1.0"
    sys_version = ""
    server: _HttpServer

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
            chunks: list[bytes] = []
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

    def __init__(self, address: tuple[str, int], emulator: Emulator, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(address, _Handler)
        if tls is not None:
            # The handshake runs in the handler's thread, on its first read, not in the accepting loop.
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.emulator = emulator
        self.base_url = f"{'https' if tls else 'http'}://{address[0]}:{self.server_address[1]}"
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        """A client that went away (or gave up on the TLS handshake) is not the emulator's error."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

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
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """`EmulatorServer(port=0, fixture=path_or_dict).start()`; `base_url`; `stop()`; a context manager.

    With ``ca_file``, a second listener (``tls_port``, 0 for any) serves the same requests over TLS,
    for Entra ID's token endpoint (``authority_url``); the CA that signed its certificate is written
    to ``ca_file`` for clients to trust."""

    def __init__(
        self, port: int = DEFAULT_PORT, fixture: str | Path | dict | None = None, host: str = DEFAULT_HOST,
        ca_file: str | Path | None = None, tls_port: int = DEFAULT_TLS_PORT,
    ) -> None:
        self.host = host
        self.port = port
        self.tls_port = tls_port
        self.ca_file = Path(ca_file) if ca_file else None
        self.emulator = Emulator(EmulatorState())
        load_fixture(self.emulator.state, fixture)
        self._listeners: list[tuple[_HttpServer, threading.Thread]] = []

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
    def authority_url(self) -> str:
        """The authority host azure-identity signs in at (``ctsync:tenants.<alias>.authorityHost``)."""
        if self.ca_file is None:
            raise RuntimeError("the emulator serves sign-in over TLS only when started with a ca_file")
        return f"https://{self.host}:{self.tls_port}"

    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.base_url)

    def start(self) -> EmulatorServer:
        self.port = self._listen(self.port, None)
        if self.ca_file is not None:
            self.tls_port = self._listen(self.tls_port, server_context(self.ca_file))
        return self

    def _listen(self, port: int, tls: ssl.SSLContext | None) -> int:
        httpd = _HttpServer((self.host, port), self.emulator, tls)
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        self._listeners.append((httpd, thread))
        return httpd.server_address[1]

    def stop(self) -> None:
        for httpd, thread in self._listeners:
            httpd.shutdown()
            httpd.close_connections()
            httpd.server_close()
            thread.join(timeout=5)
        self._listeners.clear()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
