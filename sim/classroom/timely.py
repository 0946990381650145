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

import asyncio
from collections import Counter

from uvicorn.protocols.http.h11_impl import H11Protocol

from sim.classroom.guard import device, is_this_computer

REQUEST_TIMEOUT = 10.0  # seconds from opening a connection to its whole request line and headers
PER_ADDRESS = 256  # connections one address may hold at once (a class behind one router: ~2 a student)


class TimelyH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request and a cap per address.

    ``per_address``: the cap (None: none, for a class whose devices all reach the teacher's
    computer through one address: ``coalition classroom --students-per-device 0``).
    """

    open_by_address: Counter = Counter()  # every connection of this server's process
    per_address: int | None = PER_ADDRESS

    def connection_made(self, transport) -> None:  # type: ignore[override]
        """Count the connection; close it at once past the cap, else give its request a deadline."""
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._address: str | None = device(self.client[0]) if self.client else ""  # one device, IPv4 or mapped
        self.open_by_address[self._address] += 1
        cap = self.per_address
        if cap is not None and self.open_by_address[self._address] > cap and not is_this_computer(self._address):
            transport.close()  # (connection_lost follows, and forgets it)
            return
        self._wait_for_request()

    def _wait_for_request(self) -> None:
        """Give the next request :data:`REQUEST_TIMEOUT` seconds to arrive whole."""
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(REQUEST_TIMEOUT, self._too_slow, self.cycle)

    def on_response_complete(self) -> None:
        """A response went out: a kept-alive connection's next request has the same deadline."""
        super().on_response_complete()
        if self._address is not None and not self.transport.is_closing():
            self._wait_for_request()

    def _too_slow(self, cycle) -> None:
        # a request that came started a new response cycle, or the connection became a WebSocket's
        if self.cycle is cycle and self.transport.get_protocol() is self and not self.transport.is_closing():
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


def timely_protocol(per_address: int | None) -> type[TimelyH11Protocol]:
    """The protocol with its cap per address (None: none)."""
    return type("TimelyH11Protocol", (TimelyH11Protocol,), {"per_address": per_address})
