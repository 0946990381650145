"""The game's HTTP connections: a request must come in time, and one address holds only so many.

uvicorn times out a connection only after its first response: a device that opened
thousands of connections and sent half a request on each held them for ever, until the
server ran out of file descriptors and refused everyone, the teacher too (an attacker's
trial). Here a connection whose request has not arrived within :data:`REQUEST_TIMEOUT`
seconds is closed, and one address may hold :data:`PER_ADDRESS` connections at once (this
computer's own is spared: the teacher trying the pages in tabs). The WebSockets a page
upgrades to are the game's own guard's (:mod:`sim.classroom.guard`).
"""

from __future__ import annotations

import ipaddress
from collections import Counter

from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = 10.0  # seconds from opening a connection to its whole request line and headers
PER_ADDRESS = 256  # connections one address may hold at once (a class behind one router: ~2 a student)


class TimelyH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for the request and a cap per address."""

    open_by_address: Counter = Counter()  # every connection of this server's process

    def connection_made(self, transport) -> None:  # type: ignore[override]
        """Count the connection; close it at once past the cap, else give its request a deadline."""
        super().connection_made(transport)
        self._deadline = None
        self._address: str | None = self.client[0] if self.client else ""
        self.open_by_address[self._address] += 1
        if self.open_by_address[self._address] > PER_ADDRESS and not _this_computer(self._address):
            transport.close()  # (connection_lost follows, and forgets it)
            return
        self._deadline = self.loop.call_later(REQUEST_TIMEOUT, self._too_slow)

    def _too_slow(self) -> None:
        # a request that came started a response cycle, or the connection became a WebSocket's
        if self.cycle is None and self.transport.get_protocol() is self and not self.transport.is_closing():
            self.transport.close()

    def handle_websocket_upgrade(self, event) -> None:
        """Hand the connection to the WebSocket protocol: from then on the game's guard counts it."""
        self._forget()
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc) -> None:
        """Forget the connection (its deadline and its place in the address's count)."""
        self._forget()
        super().connection_lost(exc)

    def _forget(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if self._address is not None:
            self.open_by_address[self._address] -= 1
            if self.open_by_address[self._address] <= 0:
                del self.open_by_address[self._address]
            self._address = None


def _this_computer(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback
