"""One window per data folder: a request to open an article (`article-reader open`, an
`article-reader://open?…` link clicked in Obsidian or a browser) is handed to the window
already running, which shows it, instead of starting a second one.

The running window listens on a local socket only its user may connect to, named for the
data folder; a request is one line of JSON: {"library", "article", "note"}.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer

MAX_REQUEST = 64 * 1024


def socket_path(data: Path) -> Path:
    """Where the window of this data folder listens (short: a socket path has ~100 bytes)."""
    key = hashlib.sha256(str(Path(data).resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"article-reader-{os.getuid()}-{key}.sock"


def hand_to_running(data: Path, request: dict) -> bool:
    """Give the request to the window running on this data folder; False if there is none."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(2.0)
            client.connect(str(socket_path(data)))
            client.sendall(json.dumps(request).encode("utf-8") + b"\n")
            return client.recv(16) == b"ok\n"
    except OSError:
        return False


class Handoff(QObject):
    """The running window's end: requests arrive as `asked(library, article, note)`."""

    asked = Signal(str, str, object)

    def __init__(self, data: Path, parent=None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.UserAccessOption)
        path = str(socket_path(data))
        if not self.server.listen(path):
            if hand_to_running(data, {"ping": True}):
                return  # another window of this data folder answers: it gets the requests
            QLocalServer.removeServer(path)  # a socket file left by a window that crashed
            self.server.listen(path)
        self.server.newConnection.connect(self._accept)

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while (connection := self.server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > MAX_REQUEST:
                connection.abort()
            return
        line = bytes(connection.readLine(MAX_REQUEST).data())
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        connection.write(b"ok\n")
        connection.flush()
        connection.disconnectFromServer()
        if isinstance(request, dict) and isinstance(request.get("article"), str):
            note = request.get("note")
            self.asked.emit(str(request.get("library") or ""), request["article"], note if isinstance(note, int) else None)
