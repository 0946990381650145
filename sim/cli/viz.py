"""``coalition viz``: serve the classroom page (``sim/app.py``) on this machine.

Runs ``solara run sim/app.py`` in production mode (no file watching, so edits elsewhere
in the tree never restart a lesson) on localhost by default, with Solara's version check
and telemetry off. Every asset is served by the local server (``solara-assets``), so the
page works without internet.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
COOKIE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535 (0 picks a free one)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value


def add_parser(subparsers) -> None:
    """Register ``coalition viz`` on the CLI's subparsers."""
    p = subparsers.add_parser("viz", help="serve the classroom page in the browser (offline, localhost)")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--scenario", default=None, help="scenario shown first (a name from scenarios/)")
    p.set_defaults(handler=cmd_viz)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (not loopback), best guess first.

    Opens no connection: a UDP socket "connected" to a private address only asks the
    system which interface it would use.
    """
    found = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")]


def _ip(host: str):
    """``host`` as an IP address (IPv4 in any form bind takes, ``0`` too; IPv4-mapped IPv6 as IPv4), or None."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))  # "0", "0.0.0", "127.1": as bind reads them
        except (OSError, ValueError):
            return None  # a name
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped if mapped is not None else ip


def everywhere(host: str) -> bool:
    """Whether listening on ``host`` serves every network of this machine (``0.0.0.0``, ``::``, ``0``...)."""
    ip = _ip(host)
    return host == "" or (ip is not None and ip.is_unspecified)


def only_here(host: str) -> bool:
    """Whether only this machine reaches a server on ``host`` (a loopback address, or ``localhost``)."""
    ip = _ip(host)
    return host == "localhost" or (ip is not None and ip.is_loopback)


def in_url(host: str) -> str:
    """``host`` as it goes into an address: an IPv6 one in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def serving_message(host: str, port: int) -> str:
    """What ``coalition viz`` says when it starts: where the teacher and the students open the page."""
    if everywhere(host):
        students = ", ".join(f"http://{a}:{port}/" for a in lan_addresses()) or f"this machine's address, port {port}"
        return (
            f"serving the classroom page on every network of this machine (Ctrl-C stops it)\n"
            f"  here: http://127.0.0.1:{port}/\n  students: {students}"
        )
    return f"serving the classroom page on http://{in_url(host)}:{port}/ (Ctrl-C stops it)"


# ``solara run``, but a signal ends it like every other command: Ctrl-C, SIGTERM and a closed
# terminal's SIGHUP shut the server down (uvicorn handles the first two; SIGHUP is added), then
# one line and 128 + the signal's number (click's "Aborted!" is exit 1, and a SIGTERM that uvicorn
# raised again after its shutdown killed the process without a word); one while the server's
# libraries are still importing ends at once with one line, not a traceback
SERVE = """import os, signal, sys
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
def starting(signum, frame):
    os.write(2, f"interrupted ({signal.Signals(signum).name}) while starting; the page was not served\\n".encode())
    os._exit(128 + signum)
for s in SIGNALS:
    if signal.getsignal(s) is not signal.SIG_IGN:
        signal.signal(s, starting)
import click
import uvicorn.server
from solara.__main__ import cli
if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # under nohup it stays ignored
    uvicorn.server.HANDLED_SIGNALS = tuple(dict.fromkeys((*uvicorn.server.HANDLED_SIGNALS, signal.SIGHUP)))
class Stop(BaseException):
    pass
def stop(signum, frame):
    raise Stop(signum)
for s in SIGNALS:
    if signal.getsignal(s) is not signal.SIG_IGN:
        signal.signal(s, stop)
try:
    cli(args=sys.argv[1:], prog_name="solara", standalone_mode=False)
    signum = None
except (click.exceptions.Abort, KeyboardInterrupt):
    signum = signal.SIGINT
except Stop as err:
    signum = err.args[0]
if signum is not None:
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    print(f"interrupted ({signal.Signals(signum).name}); the page stopped", file=sys.stderr, flush=True)
    os._exit(128 + signum)
"""


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the page."""
    return [
        sys.executable,
        "-c",
        SERVE,
        "run",
        str(APP),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def port_problem(host: str, port: int) -> str | None:
    """Why the page could not be served on ``host:port``, naming the option at fault (None: it can).

    Found by binding it once.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as err:
        return f"--host {host}: cannot use this address: {getattr(err, 'strerror', None) or err}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return f"--port {port}: already in use on {host}; stop what serves it or choose another --port"
            if err.errno == errno.EADDRNOTAVAIL:
                return f"--host {host}: not an address of this machine: {err.strerror or err}"
            return f"--port {port}: cannot listen on {host}: {err.strerror or err}"
    return None


def cmd_viz(args) -> int:
    """``coalition viz``: check the scenario, then serve the page until interrupted."""
    from sim.cli.common import UsageError
    from sim.scenario.load import available_scenarios, load_scenario

    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no usage reports to the internet
    # production mode asks for samesite=none cookies and warns on plain http; on localhost that is expected
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), COOKIE_WARNING]))
    if args.scenario is not None:
        if args.scenario not in available_scenarios() and not Path(args.scenario).is_file():
            known = ", ".join(available_scenarios())
            raise UsageError(f"--scenario {args.scenario}: not a shipped scenario; expected one of {known}")
        load_scenario(args.scenario)  # a broken file fails here, as one line
        env["COALITION_SCENARIO"] = (
            str(Path(args.scenario).resolve()) if Path(args.scenario).is_file() else args.scenario
        )
    from sim.runs.extras import require

    require("solara", "coalition viz")
    problem = port_problem(args.host, args.port)
    if problem:
        raise UsageError(problem)
    print(serving_message(args.host, args.port), flush=True)
    cmd = solara_command(args.host, args.port)
    if os.name == "posix":
        # become the server: a signal sent to this process (Ctrl-C, a terminal closing, a
        # process manager's SIGTERM) reaches the server itself, and none is left orphaned
        os.execve(cmd[0], cmd, env)
    process = subprocess.Popen(cmd, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=10)
        raise
