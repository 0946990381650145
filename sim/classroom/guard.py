"""What one page, or one address on the network, may do in the game.

A student's script with the join code must not be able to fill the room with made-up
players, swamp the server with messages, make it keep replies for a page that never reads
them, or find the code by trying them all. The limits are far above what a class does
(a page sends a few messages a round; a phone joins once):

* a page may send :data:`BURST` messages at once and :data:`RATE` a second after that, and one
  address (all its pages) :data:`ADDRESS_BURST` and :data:`ADDRESS_RATE`; it may open
  :data:`CONNECTIONS` pages at once and one a second after that (a class behind one router
  coming back after the Wi-Fi dropped fits);
* a page that leaves :data:`OUTBOX` replies unread is closed;
* a page joins once (another student joins from their own page);
* one address joins at most :data:`PLAYERS_PER_ADDRESS` students, except this computer's own
  (the teacher trying the pages in several tabs);
* one address may give :data:`WRONG_CODES` wrong join codes a minute (a page with a stale
  code gives two, and forgets it).

This computer's own address is spared the address limits (the teacher trying the pages in
tabs). A page past a limit is told why and closed (WebSocket code 1008, which the pages do
not retry); the others play on.
"""

from __future__ import annotations

import ipaddress
import time
from collections import Counter, deque

RATE = 20.0  # messages a second a page may keep sending
BURST = 60  # messages a page may send at once
OUTBOX = 200  # replies waiting for a page that does not read them
ADDRESS_RATE, ADDRESS_BURST = 100.0, 400  # messages from all the pages of one address
CONNECTIONS = 60  # pages one address may open at once (then one a second)
PLAYERS_PER_ADDRESS = 6  # students joined from one address (not this computer's own)
WRONG_CODES = 60  # wrong join codes an address may give a minute: 19**4 codes take days
MINUTE = 60.0


class TooMuch(Exception):
    """A page past one of the limits: it is closed, with this reason."""


class Bucket:
    """A token bucket: :data:`BURST` messages at once, then :data:`RATE` a second."""

    def __init__(self, rate: float = RATE, burst: int = BURST, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.last = float(burst), clock()

    def take(self) -> None:
        """Count one message.

        Raises:
            TooMuch: the page sent more than the limits allow.
        """
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            raise TooMuch("too many messages from this page")
        self.tokens -= 1


def device(address: str) -> str:
    """One name for one device: an IPv4 address as such, also when it comes as IPv6 (``::ffff:10.0.0.5``)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address (a test client's name)
        return address
    mapped = getattr(ip, "ipv4_mapped", None)
    return str(mapped or ip)


def is_this_computer(address: str) -> bool:
    """Whether ``address`` is this computer's own (loopback, also as IPv4 mapped into IPv6)."""
    try:
        return ipaddress.ip_address(device(address)).is_loopback
    except ValueError:  # not an address (a test client's name): not a student's device either
        return False


class Guard:
    """The limits kept per address, across its pages."""

    def __init__(self, players_per_address: int = PLAYERS_PER_ADDRESS, clock=time.monotonic):
        self.per_address = players_per_address  # 0: any number
        self.clock = clock
        self.players: Counter = Counter()
        self.wrong: dict[str, deque] = {}
        self.messages: dict[str, Bucket] = {}
        self.connections: dict[str, Bucket] = {}

    def _bucket(self, kind: dict, address: str, rate: float, burst: int, what: str) -> None:
        if is_this_computer(address):
            return
        bucket = kind.get(device(address))
        if bucket is None:
            bucket = kind[device(address)] = Bucket(rate, burst, self.clock)
        try:
            bucket.take()
        except TooMuch:
            raise TooMuch(f"too many {what} from this device") from None

    def connection(self, address: str) -> None:
        """Count a page opened from ``address``.

        Raises:
            TooMuch: more than :data:`CONNECTIONS` at once, or more than one a second after.
        """
        self._bucket(self.connections, address, 1.0, CONNECTIONS, "pages opened")

    def message(self, address: str) -> None:
        """Count a message from any page of ``address``.

        Raises:
            TooMuch: past :data:`ADDRESS_BURST` at once or :data:`ADDRESS_RATE` a second.
        """
        self._bucket(self.messages, address, ADDRESS_RATE, ADDRESS_BURST, "messages")

    def may_join(self, address: str) -> None:
        """Check that ``address`` may join one more student.

        Raises:
            TooMuch: it joined as many as allowed (:data:`PLAYERS_PER_ADDRESS` by default) already.
        """
        most = self.per_address
        if most and not is_this_computer(address) and self.players[device(address)] >= most:
            raise TooMuch(
                f"{most} students have joined from this device; each joins from their own (if your devices share "
                "one address, the teacher can allow more: coalition classroom --students-per-device)"
            )

    def joined(self, address: str) -> None:
        """Count a student joined from ``address``."""
        self.players[device(address)] += 1

    def wrong_code(self, address: str) -> None:
        """Count a wrong join code from ``address``.

        Raises:
            TooMuch: more than :data:`WRONG_CODES` in the last minute.
        """
        now = self.clock()
        tries = self.wrong.setdefault(device(address), deque())
        while tries and now - tries[0] > MINUTE:
            tries.popleft()
        tries.append(now)
        if len(tries) > WRONG_CODES:
            raise TooMuch("too many wrong join codes from this device; wait a minute")
