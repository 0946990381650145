"""``coalition classroom``: serve the participatory game, "Play the coalition", on this machine.

The teacher's laptop runs one command; students open the printed address (or scan the
QR code on the teacher's page) on their laptops or phones, type the join code and a
nickname, and each plays an organization. Nothing is fetched from the internet and
nobody needs an account. See docs/classroom.md, lesson 2.
"""

from __future__ import annotations

import secrets
import socket

from sim.classroom.guard import PLAYERS_PER_ADDRESS
from sim.cli.common import UsageError, non_negative_int, positive_int, seed_value
from sim.cli.viz import everywhere, in_url, lan_addresses, only_here, port_number, port_problem

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8766
WS_MAX_SIZE = 16384  # bytes a page may send in one message; a decision is a few hundred


def add_parser(subparsers) -> None:
    """Register ``coalition classroom`` on the CLI's subparsers."""
    p = subparsers.add_parser("classroom", help="serve the classroom game: students play the organizations")
    p.add_argument("--scenario", default="chicago_absenteeism", help="scenario to play (a name from scenarios/)")
    p.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0: the class)"
    )
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)")
    p.add_argument("--rounds", type=positive_int, default=12, help="rounds in the game (default 12)")
    p.add_argument("--weeks-per-round", type=positive_int, default=13, help="weeks of model time a round (default 13)")
    p.add_argument(
        "--seed", type=seed_value, default=42, help="the model's seed (default 42; the debrief's runs use it too)"
    )
    p.add_argument(
        "--students-per-device",
        type=non_negative_int,
        default=PLAYERS_PER_ADDRESS,
        help=f"students one network address may join (default {PLAYERS_PER_ADDRESS}; 0: any number, for a class "
        "whose devices all reach this computer through one address, as behind some school routers)",
    )
    p.set_defaults(handler=cmd_classroom)


def addresses(host: str, port: int, code: str, key: str) -> tuple[str, str]:
    """The teacher's address (on this machine) and the students' (on the network)."""
    served = everywhere(host)
    here = "127.0.0.1" if served else in_url(host)
    there = (lan_addresses() or [here])[0] if served else in_url(host)
    return f"http://{here}:{port}/teacher?key={key}", f"http://{there}:{port}/?code={code}"


def cmd_classroom(args) -> int:
    """``coalition classroom``: build the game, print where to open it, serve until interrupted."""
    from sim.scenario.load import available_scenarios, load_scenario

    if args.scenario not in available_scenarios():
        from pathlib import Path

        if not Path(args.scenario).is_file():
            known = ", ".join(available_scenarios())
            raise UsageError(f"--scenario {args.scenario}: not a shipped scenario; expected one of {known}")
    load_scenario(args.scenario)  # a broken file fails here, as one line
    from sim.model.params import PARAMETERS

    weeks, most = args.rounds * args.weeks_per_round, PARAMETERS["steps"].high
    if weeks > most:
        raise UsageError(
            f"--rounds {args.rounds} x --weeks-per-round {args.weeks_per_round} = {weeks} weeks; a game may "
            f"last at most {most:,}"
        )
    problem = port_problem(args.host, args.port)  # names --host or --port, whichever is at fault
    if problem:
        raise UsageError(problem)
    try:
        import segno  # noqa: F401
        import uvicorn
    except ImportError:
        raise UsageError("the classroom game needs the viz extra: pip install -e '.[viz]'") from None
    from sim.classroom.room import Room
    from sim.classroom.server import create_app

    room = Room(args.scenario, seed=args.seed, rounds=args.rounds, weeks_per_round=args.weeks_per_round)
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as err:
        raise UsageError(f"--port {args.port}: cannot listen on {args.host}: {err.strerror}") from None
    bound, port = sock.getsockname()[:2]  # the address as the system read --host ("0" is 0.0.0.0)
    key = secrets.token_urlsafe(12)
    teacher, students = addresses(bound, port, room.code, key)
    print(
        f"Play the coalition: {room.title}; {args.rounds} rounds of {args.weeks_per_round} weeks, seed {args.seed}\n"
        f"  teacher (keep this address to yourself): {teacher}\n"
        f"  students: {students}\n"
        f"  join code: {room.code}\n"
        + ("  (only this machine can join: --host 0.0.0.0 serves the class)\n" if only_here(bound) else "")
        + "Ctrl-C stops the game.",
        flush=True,
    )
    app = create_app(room, students, key, students_per_device=args.students_per_device)
    from sim.classroom.timely import PER_ADDRESS, timely_protocol

    # a class behind one address (--students-per-device 0) holds its connections through it too
    http = timely_protocol(None if args.students_per_device == 0 else PER_ADDRESS)
    config = uvicorn.Config(app, log_level="warning", ws_max_size=WS_MAX_SIZE, lifespan="on", http=http)
    game_server(config).run(sockets=[sock])
    return 0


def game_server(config):
    """A uvicorn server that shuts down on a closed terminal's SIGHUP as on Ctrl-C and SIGTERM.

    uvicorn handles SIGINT and SIGTERM itself (it stops serving, then raises the signal again for
    the command's own handler); a SIGHUP broke into its event loop instead, and the lifespan
    task's cancellation was logged as a traceback.
    """
    import contextlib
    import signal
    import threading

    import uvicorn

    class GameServer(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            main = threading.current_thread() is threading.main_thread()  # only it may set handlers
            # a signal the process was started ignoring (SIGINT in a script's background job, nohup's
            # SIGHUP) stays ignored: uvicorn would catch it, stop, and exit 0 without a word
            ignored = [
                s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if signal.getsignal(s) is signal.SIG_IGN
            ]
            with super().capture_signals():  # raises what it caught once serving stopped
                if not main:
                    yield
                    return
                for s in ignored:
                    signal.signal(s, signal.SIG_IGN)
                before = None if signal.SIGHUP in ignored else signal.signal(signal.SIGHUP, self.handle_exit)
                try:
                    yield
                finally:  # put back first, so that the SIGHUP uvicorn raises again reaches the command
                    if before is not None:
                        signal.signal(signal.SIGHUP, before)

    return GameServer(config)
