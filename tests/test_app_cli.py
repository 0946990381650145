"""``coalition viz``: its arguments and the command it runs (serving is tested in test_browser.py)."""

import argparse

import pytest

from sim.cli.main import build_parser, main
from sim.cli.viz import DEFAULT_HOST, DEFAULT_PORT, port_number, solara_command


def test_viz_defaults_to_localhost():
    args = build_parser().parse_args(["viz"])
    assert (args.host, args.port, args.scenario) == (DEFAULT_HOST, DEFAULT_PORT, None)
    assert DEFAULT_HOST == "127.0.0.1"


def test_solara_command_is_production_and_offline():
    cmd = solara_command("127.0.0.1", 9000)
    assert cmd[-8:] != []
    for flag in ("--production", "--no-open", "--no-check-version"):
        assert flag in cmd
    assert cmd[cmd.index("--port") + 1] == "9000"
    assert cmd[4].endswith("app.py")


@pytest.mark.parametrize(
    "argv", [["viz", "--scenario", "no_such_scenario"], ["viz", "--port", "http"], ["viz", "--port", "70000"]]
)
def test_bad_viz_arguments_print_one_line_and_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_port_number():
    assert port_number("0") == 0
    with pytest.raises(argparse.ArgumentTypeError):
        port_number("-1")


def test_serving_message_tells_students_where_to_go(monkeypatch):
    from sim.cli import viz

    monkeypatch.setattr(viz, "lan_addresses", lambda: ["10.1.2.3"])
    message = viz.serving_message("0.0.0.0", 8765)
    assert "http://127.0.0.1:8765/" in message and "students: http://10.1.2.3:8765/" in message
    assert viz.serving_message("127.0.0.1", 9000) == (
        "serving the classroom page on http://127.0.0.1:9000/ (Ctrl-C stops it)"
    )


def test_lan_addresses_leave_out_loopback():
    from sim.cli.viz import lan_addresses

    assert all(not a.startswith("127.") for a in lan_addresses())


def test_ctrl_c_ends_the_server_with_130_like_every_command(tmp_path):
    import os
    import subprocess
    import sys

    from sim.cli.viz import SERVE

    # a stand-in solara whose server is interrupted, as uvicorn re-raises Ctrl-C after shutting down
    (tmp_path / "solara").mkdir()
    (tmp_path / "solara" / "__init__.py").write_text("")
    (tmp_path / "solara" / "__main__.py").write_text(
        "import click\n\n@click.group()\ndef cli():\n    pass\n\n"
        "@cli.command()\n@click.argument('app')\ndef run(app):\n    raise KeyboardInterrupt\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SERVE, "run", "app.py"], env=env, capture_output=True, text=True)
    assert done.returncode == 130, done.stderr
    assert "Aborted" not in done.stderr


@pytest.mark.parametrize(
    ("host", "served_everywhere", "loopback", "url"),
    [
        ("0.0.0.0", True, False, "0.0.0.0"),
        ("0", True, False, "0"),  # as bind reads it: every network (it was said to serve this machine only)
        ("0.0.0", True, False, "0.0.0"),
        ("::", True, False, "[::]"),
        ("::ffff:0.0.0.0", True, False, "[::ffff:0.0.0.0]"),
        ("127.0.0.1", False, True, "127.0.0.1"),
        ("127.1", False, True, "127.1"),
        ("::1", False, True, "[::1]"),  # a link to http://::1:PORT/ opens nothing
        ("localhost", False, True, "localhost"),
        ("192.168.1.5", False, False, "192.168.1.5"),
        ("fe80::1", False, False, "[fe80::1]"),
    ],
)
def test_where_a_server_listens_is_said_as_the_system_reads_the_host(host, served_everywhere, loopback, url):
    from sim.cli.classroom import addresses
    from sim.cli.viz import everywhere, in_url, only_here

    assert everywhere(host) is served_everywhere and only_here(host) is loopback and in_url(host) == url
    teacher, students = addresses(host, 8000, "ABCD", "k")
    if not served_everywhere:
        assert teacher == f"http://{url}:8000/teacher?key=k" and students == f"http://{url}:8000/?code=ABCD"
    else:
        assert teacher.startswith("http://127.0.0.1:8000/")
