"""``coalition analyze DIR``: P(goal) and outcomes with intervals, arms, Sobol, PRIM for a sweep."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers) -> None:
    """Register ``analyze`` on the ``coalition`` command."""
    p = subparsers.add_parser("analyze", help="tables and figures with intervals for a sweep directory")
    p.add_argument("sweep", type=Path, help="a directory made by coalition sweep")
    p.add_argument("--out", type=Path, help="where the CSV tables and PNG figures go (default DIR/analysis)")
    p.add_argument("--outcomes", help="outcome columns to average per point, comma-separated")
    p.add_argument(
        "--outcome", default="outcome_rate", help="the outcome for arms, Sobol and PRIM (default outcome_rate)"
    )
    p.add_argument("--by", help="the varied parameter whose values are the arms, e.g. leader")
    p.add_argument("--compare", help="the two arms, e.g. system,none (a minus b)")
    p.add_argument("--sobol", action="store_true", help="Sobol indices (a sobol design; on by default for one)")
    p.add_argument(
        "--prim", metavar="OUTCOME", help="PRIM on an outcome column, or 'difference' (needs --by/--compare)"
    )
    bound = p.add_mutually_exclusive_group()
    bound.add_argument("--below", type=float, help="PRIM: the cases where the value is below this")
    bound.add_argument("--above", type=float, help="PRIM: the cases where the value is above this")
    p.add_argument("--min-coverage", type=float, default=0.5, help="PRIM: the densest box covering at least this share")
    p.set_defaults(handler=cmd_analyze)


def cmd_analyze(args) -> int:
    """Write and print the tables; save the figures."""
    import pandas as pd

    from sim.cli.common import UsageError
    from sim.runs import analyze as an
    from sim.runs import analyze_plots as plots

    sweep = an.load_sweep(args.sweep)
    out = args.out or args.sweep / "analysis"
    out.mkdir(parents=True, exist_ok=True)
    outcomes = an.outcomes_of(sweep, args.outcomes.split(",") if args.outcomes else None)
    outcome = an.outcomes_of(sweep, [args.outcome], "--outcome")[0]
    written = []

    def save(name: str, frame: pd.DataFrame, title: str) -> None:
        frame.to_csv(out / name, index=False)
        written.append(name)
        print(f"\n{title}\n" + frame.to_string(index=False, float_format=lambda v: f"{v:.4g}"))

    def figure(name: str, fig) -> None:
        fig.savefig(out / name, dpi=110)
        written.append(name)

    points = an.point_table(sweep, outcomes)
    save("points.csv", points, f"{sweep.path}: {len(sweep.runs)} runs, {len(points)} design points")
    figure("p_goal.png", plots.plot_points(points, sweep.varied))
    arms = None
    if args.by or args.compare:
        if not (args.by and args.compare):
            raise UsageError("--by and --compare go together, e.g. --by leader --compare system,none")
        pair = an.parse_arms(sweep, args.by, args.compare)
        arms = an.compare_arms(sweep, args.by, pair, outcome)
        label = f"{args.by} {pair[0]} minus {pair[1]}"
        save("arms.csv", arms, f"arms: {label} (A: chance a run of the first scores higher)")
        figure("arms.png", plots.plot_arms(arms, outcome, label))
    if args.sobol or sweep.spec.get("design") == "sobol":
        from sim.runs.analyze_discovery import sobol_table

        table = sobol_table(sweep, outcome)
        save("sobol.csv", table, f"Sobol indices of {outcome} (95% intervals)")
        figure("sobol.png", plots.plot_sobol(table, outcome))
    if args.prim:
        run_prim(args, sweep, arms, outcome, save, figure)
        written.append("prim_trajectory.csv")
    print(f"\nwrote {', '.join(written)} in {out}")
    return 0


def run_prim(args, sweep, arms, outcome, save, figure) -> None:
    """PRIM on an outcome per run, or on the arms' difference per stratum."""
    from sim.cli.common import UsageError
    from sim.runs import analyze as an
    from sim.runs.analyze_discovery import prim
    from sim.runs.analyze_plots import plot_prim

    if args.below is None and args.above is None:
        raise UsageError("--prim: give --below X or --above X, the condition whose cases PRIM boxes in")
    if args.prim == "difference":
        if arms is None:
            raise UsageError("--prim difference: needs --by and --compare")
        strata = [p for p in sweep.varied if p != args.by]
        if not strata:
            raise UsageError("--prim difference: no other varied parameter to box in")
        rows = arms[~arms["pooled"]]
        x, value, what = rows[strata], rows[f"{outcome}_diff"].to_numpy(float), f"{outcome} difference"
    else:
        column = an.outcomes_of(sweep, [args.prim], "--prim")[0]
        x, value, what = sweep.runs[sweep.varied], sweep.runs[column].to_numpy(float), column
    condition = value < args.below if args.below is not None else value > args.above
    sign = f"< {args.below:g}" if args.below is not None else f"> {args.above:g}"
    result = prim(x, condition, args.min_coverage)
    stats = result.trajectory.loc[result.chosen]
    title = (
        f"PRIM: {what} {sign} in {result.of_interest} of {result.cases} cases; box: coverage {stats['coverage']:.2f}, "
        f"density {stats['density']:.2f}, mass {stats['mass']:.2f}"
    )
    save("prim_box.csv", result.box, title)
    result.trajectory.to_csv(Path(args.out or args.sweep / "analysis") / "prim_trajectory.csv", index=False)
    figure("prim.png", plot_prim(result, title))
