"""Figures and numbers for docs/validation.md (not a test; run it by hand).

Usage: ``python tests/validation/report.py [--out docs/figures] [--n 12] [--only NAME ...]``;
``--only sobol`` runs the Sobol sweep of ``sobol.toml`` (10,240 runs, resumable, in
``--sobol-dir``), which the default run skips.

Writes ``validation-*.png`` and prints the measured numbers as Markdown. Every setting is
run with the same seeds as the tests (``vhelpers``), through two worker processes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vhelpers  # noqa: E402

from sim import CoalitionModel  # noqa: E402
from sim.model.params import PARAMETERS  # noqa: E402
from sim.runs.stats import wilson  # noqa: E402
from sim.scenario.load import dump_scenario, load_scenario  # noqa: E402

ROLES = ("touch", "data", "resources", "legitimacy", "authority")
SIGNATURES = ("final_rate", "diagnosis_accuracy", "reach", "uptake", "money_spent", "system_changes", "exits")


def row(label, runs) -> str:
    ci = wilson(sum(bool(r["goal_reached"]) for r in runs), len(runs))
    lo, hi = ci.low, ci.high
    goal_weeks = [r["steps_to_goal"] for r in runs if r["steps_to_goal"] is not None]
    med = f"{np.median(goal_weeks):.0f}" if goal_weeks else "-"
    cells = [f"{vhelpers.success(runs):.2f} [{lo:.2f}, {hi:.2f}]", med]
    cells += [f"{vhelpers.mean(runs, k):.3g}" for k in SIGNATURES]
    return f"| {label} | " + " | ".join(cells) + " |"


HEADER = (
    "| setting | P(goal) [95% Wilson] | median goal week | final rate | accuracy | reach | uptake | money spent "
    "| system changes | exits |\n|---|---|---|---|---|---|---|---|---|---|"
)


def pooled_data(out: Path):
    from test_r1_pooled_data import owner_sequence

    curves, names, groups = [], None, []
    for seed in range(12):
        seq = owner_sequence(CoalitionModel(rng=seed))
        names = [n for n, _, _ in seq]
        curves.append([a for _, a, _ in seq])
        groups.append([g for _, _, g in seq])
    curves = np.array(curves)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    x = np.arange(1, len(names) + 1)
    ax.plot(x, curves.T, color="grey", alpha=0.3)
    ax.plot(x, curves.mean(0), "o-", color="C0", lw=2, label="mean of 12 seeds")
    for i in range(len(names)):
        g = max(set(col := [gr[i] for gr in groups]), key=col.count)
        ax.annotate(g, (x[i], curves.mean(0)[i]), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    ax.set_xticks(x, [f"+ {n.replace('Department of ', 'Dept. ')}" for n in names], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("diagnosis accuracy")
    ax.set_ylim(0, 1)
    ax.set_title("Result 1: pooling data owners' records (chicago_absenteeism); label = diagnosed cause group")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "validation-pooled-data.png", dpi=110)
    print("\n### Result 1\n")
    print("| owners sharing | mean accuracy | cause group (12 seeds) |\n|---|---|---|")
    for i, n in enumerate(names):
        col = [gr[i] for gr in groups]
        counts = ", ".join(f"{g} {col.count(g)}" for g in sorted(set(col)))
        print(f"| + {n} | {curves[:, i].mean():.2f} | {counts} |")
    # as test_accuracy_grows_with_each_data_owner: the scenario's order and 3 random orders per seed
    rng, orders = np.random.default_rng(7), []
    for seed in range(12):
        model = CoalitionModel(rng=seed)
        k = sum("data" in o.roles for o in model.organizations)
        for order in [None] + [rng.permutation(k - 1) + 1 for _ in range(3)]:
            orders.append([a for _, a, _ in owner_sequence(model, None if order is None else order - 1)])
    orders = np.array(orders)
    print(
        f"\nlargest fall of accuracy when one owner is added, over {len(orders)} orders: "
        f"{-np.diff(orders, axis=1).min():.3f}; mean over orders by owners: {orders.mean(0).round(2).tolist()}"
    )
    # as test_accuracy_in_runs_rises_with_sharing_owners: weeks with one owner sharing against 3 or more
    one, many = vhelpers.accuracy_by_sharing(range(6))
    print(f"in runs (seeds 0-5): mean accuracy with 1 owner sharing {np.mean(one):.3f}, with 3+ {np.mean(many):.3f}")
    # the end of the 12 default runs of results 3 to 5
    (runs,) = vhelpers.results([{}], 12)
    acc = [r["diagnosis_accuracy"] for r in runs]
    groups = [r["diagnosed_group"] for r in runs]
    print(
        f"end of the 12 default runs: owners sharing {[r['sharing_count'] for r in runs]}; accuracy "
        f"{min(acc):.2f}-{max(acc):.2f} (mean {np.mean(acc):.2f}); diagnosed group "
        + ", ".join(f"{g} {groups.count(g)}" for g in sorted(set(groups)))
    )


def patience_trust(out: Path, n: int):
    patience, trust = (8, 13, 26, 39, 52, 78), (0.1, 0.2, 0.35, 0.5, 0.65)
    settings = [dict(patience=p, initial_trust=t) for p in patience for t in trust]
    runs = vhelpers.results(settings, n)
    p = np.array([vhelpers.success(r) for r in runs]).reshape(len(patience), len(trust))
    fig, ax = plt.subplots(figsize=(6, 4.5))
    im = ax.imshow(p, origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto")
    for i in range(len(patience)):
        for j in range(len(trust)):
            ax.text(j, i, f"{p[i, j]:.2f}", ha="center", va="center", color="w" if p[i, j] < 0.6 else "k", fontsize=8)
    ax.set_xticks(range(len(trust)), trust)
    ax.set_yticks(range(len(patience)), patience)
    ax.set_xlabel("initial trust")
    ax.set_ylabel("patience (weeks)")
    ax.set_title(f"Result 2: P(goal), chicago_absenteeism, {n} seeds per cell")
    fig.colorbar(im, label="P(goal)")
    fig.tight_layout()
    fig.savefig(out / "validation-patience-trust.png", dpi=110)
    print("\n### Result 2: P(goal), rows patience, columns initial trust\n")
    print("| patience \\ trust | " + " | ".join(map(str, trust)) + " |\n" + "|---" * (len(trust) + 1) + "|")
    for i, pa in enumerate(patience):
        print(f"| {pa} | " + " | ".join(f"{v:.2f}" for v in p[i]) + " |")


def bar_signatures(out: Path, name: str, title: str, labels, runs_list):
    keys = ("goal", "diagnosis_accuracy", "reach", "uptake", "money_spent", "system_changes")
    base = runs_list[0]
    ref = {k: (vhelpers.success(base) if k == "goal" else vhelpers.mean(base, k)) or 1.0 for k in keys}
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(labels)
    for i, (label, runs) in enumerate(zip(labels, runs_list, strict=True)):
        vals = [(vhelpers.success(runs) if k == "goal" else vhelpers.mean(runs, k)) / ref[k] for k in keys]
        ax.bar(np.arange(len(keys)) + i * width, vals, width, label=label)
    ax.set_xticks(np.arange(len(keys)) + 0.4 - width / 2, ["P(goal)"] + list(keys[1:]))
    ax.set_ylabel(f"relative to '{labels[0]}'")
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(out / f"validation-{name}.png", dpi=110)


def roles(out: Path, n: int):
    labels = ("full coalition",) + tuple(f"no {r}" for r in ROLES)
    runs = vhelpers.results([{}] + [dict(missing_role=r) for r in ROLES], n)
    bar_signatures(out, "roles", f"Result 3: each missing role's signature ({n} seeds)", labels, runs)
    print(f"\n### Result 3 ({n} seeds each)\n\n{HEADER}")
    for label, r in zip(labels, runs, strict=True):
        print(row(label, r))


def community(out: Path, n: int):
    regimes = (dict(), dict(patience=26), dict(patience=39, initial_trust=0.25), dict(initial_trust=0.2))
    modes = ("partner", "consulted", "absent")
    print(f"\n### Result 4 ({n} seeds each)\n\n{HEADER}")
    pooled = {m: [] for m in modes}
    for reg in regimes:
        runs = vhelpers.results([dict(reg, community=m) if m != "partner" else dict(reg) for m in modes], n)
        for m, r in zip(modes, runs, strict=True):
            print(row(f"{m} {reg or 'defaults'}", r))
            pooled[m] += r
    for m in modes:
        print(row(f"{m}, pooled over the four regimes", pooled[m]))
    bar_signatures(
        out,
        "community",
        "Result 4: community partner / consulted / absent (4 regimes pooled)",
        modes,
        [pooled[m] for m in modes],
    )


def leadership(out: Path, n: int):
    scenarios = ("chicago_absenteeism", "teen_substance_use", "traffic_fatalities", "single_agency")
    modes = ("system", "point", "none")
    print(f"\n### Result 5 ({n} seeds each)\n\n{HEADER}")
    table = np.zeros((len(scenarios), len(modes)))
    for i, sc in enumerate(scenarios):
        runs = vhelpers.results([dict(leader=m) if m != "system" else {} for m in modes], n, sc)
        for j, (m, r) in enumerate(zip(modes, runs, strict=True)):
            print(row(f"{sc}: {m}", r))
            table[i, j] = vhelpers.success(r)
    fig, ax = plt.subplots(figsize=(8, 4))
    for j, m in enumerate(modes):
        ax.bar(np.arange(len(scenarios)) + j * 0.27, table[:, j], 0.27, label=f"{m} leader")
    ax.set_xticks(np.arange(len(scenarios)) + 0.27, scenarios, fontsize=8)
    ax.set_ylabel("P(goal)")
    ax.set_title(f"Result 5: leadership modes ({n} seeds each)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "validation-leadership.png", dpi=110)


def trust_and_time(out: Path):
    from test_r6_trust_asymmetry import trust_in
    from test_r7_slowness import trajectory

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    a, b = CoalitionModel(rng=0), CoalitionModel(rng=0)
    for _ in range(60):
        a.step()
        b.step()
    member = next(o for o in b.organizations if o.state == "committed")
    ta, tb = [trust_in(a, member.node)], [trust_in(a, member.node)]
    b.trust.broken_by_all(member.node)
    b.trust.settle(b.at_table_mask())
    tb.append(trust_in(b, member.node))
    ta.append(ta[-1])
    for _ in range(52):
        a.step()
        b.step()
        ta.append(trust_in(a, member.node))
        tb.append(trust_in(b, member.node))
    weeks = np.arange(59, 59 + len(ta))
    axes[0].plot(weeks, ta, label="twin without the betrayal")
    axes[0].plot(weeks, tb, label="one betrayal in week 60")
    axes[0].set_xlabel("week")
    axes[0].set_ylabel(f"table's trust in {member.name}")
    axes[0].set_title("Result 6: one betrayal, then slow recovery (seed 0)")
    axes[0].legend()
    # as test_recovery_after_a_betrayal_takes_many_weeks, 6 seeds
    drops, halves, quarters = [], [], []
    for seed in range(6):
        a, b = CoalitionModel(rng=seed), CoalitionModel(rng=seed)
        for _ in range(60):
            a.step()
            b.step()
        node = next(o for o in b.organizations if o.state == "committed").node
        b.trust.broken_by_all(node)
        b.trust.settle(b.at_table_mask())
        gap0 = trust_in(a, node) - trust_in(b, node)
        gaps = []
        for _ in range(52):
            a.step()
            b.step()
            gaps.append(trust_in(a, node) - trust_in(b, node))
        gaps = np.array(gaps)
        drops.append(gap0)
        halves.append(gaps[3] / gap0)
        quarters.append(int(np.argmax(gaps < 0.25 * gap0)) + 1 if (gaps < 0.25 * gap0).any() else 52)
    print(
        f"\n### Result 6 (twin runs, 6 seeds)\n\ndrop in week 60 {np.round(drops, 3).tolist()}; share of the gap "
        f"left after 4 weeks {np.round(halves, 2).tolist()} (median {np.median(halves):.2f}); weeks to a quarter "
        f"{quarters} (median {np.median(quarters):.1f})"
    )
    print(
        "\n### Result 7 (8 seeds)\n\n| patience | seed | first commitment | first sharing | half the members gone "
        "| expected rate at target | goal week | system changes |\n|---|---|---|---|---|---|---|---|"
    )
    for pat, color in ((52, "C0"), (13, "C3")):
        for s in range(8):
            t = trajectory(s, patience=pat)
            print(
                f"| {pat} | {s} | {t['first_commitment']} | {t['first_share']} | {t['half_gone']} | {t['payoff']} "
                f"| {t['goal']} | {t['system_changes']} |"
            )
        model = CoalitionModel(rng=0, patience=pat)
        while model.running:
            model.step()
        df = model.datacollector.get_model_vars_dataframe()
        axes[1].plot(df.index, df.expected_rate, color=color, label=f"patience {pat}: expected rate")
        axes[1].plot(df.index, df.coalition_size / 40, color=color, ls=":", label=f"patience {pat}: committed / 40")
    axes[1].axhline(load_scenario("chicago_absenteeism").population.target_rate, color="k", lw=0.8, ls="--")
    axes[1].set_xlabel("week")
    axes[1].set_title("Result 7: impatient coalitions break up before the payoff (seed 0)")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "validation-trust-time.png", dpi=110)


def face_validity(out: Path, n: int):
    seeds = vhelpers.replicate_seeds(n, vhelpers.MASTER)
    series = []
    for s in seeds[: min(n, 12)]:
        model = CoalitionModel(rng=s, steps=520)
        while model.running:
            model.step()
        series.append(model.datacollector.get_model_vars_dataframe().expected_rate.to_numpy())
    series = np.array(series)
    years = np.arange(series.shape[1]) / 52
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.fill_between(years, np.quantile(series, 0.1, 0), np.quantile(series, 0.9, 0), alpha=0.3, label="10-90%")
    ax.plot(years, np.median(series, 0), label="median expected rate (system leader)")
    ax.axhline(load_scenario("chicago_absenteeism").population.target_rate, color="k", lw=0.8, ls="--", label="target")
    ax.set_xlabel("years")
    ax.set_ylabel("chronic absence (expected rate)")
    ax.set_title("Face validity: chicago_absenteeism over 10 years")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "validation-face.png", dpi=110)
    med = np.median(series, 0)
    start = med[:4].mean()
    half_way = start - 0.5 * (start - med[-52:].mean())
    print(f"\n### Face validity ({len(series)} seeds, 520 weeks)\n")
    print(
        f"start {start:.3f}; after 1 y {med[52]:.3f}; 2 y {med[104]:.3f}; 3 y {med[156]:.3f}; 5 y {med[260]:.3f}; "
        f"10 y {med[-1]:.3f}; from year 3 on between {med[156:].min():.3f} and {med[156:].max():.3f}; "
        f"half of the total fall reached in week {int(np.argmax(med <= half_way))}"
    )


def robustness(n: int):
    """The central comparisons at each constant moved by a quarter, judged as in ``test_robustness.py``.

    "Beats" two ways, each arm against the full coalition with a system leader: a
    significantly lower final rate (``vhelpers.clearly_lower``) and significantly more goals
    (``vhelpers.clearly_more``); R4 signatures by fixed margins.
    """
    from scipy.stats import mannwhitneyu

    constants = ("build_rate", "loss_ratio", "commit_threshold", "share_threshold", "patience", "initial_trust")
    cases = [(c, f) for c in constants + ("system_effect", "system_lag") for f in (0.75, 1.25)]
    arms = ("point", "none", "patience 13") + tuple(f"no {r}" for r in ROLES)
    checks_header = (
        f"| constant x factor | goals of {n}: system/point/none/patience 13 "
        f"| goals of {n}: no touch/data/res./legit./auth. "
        "| final rate: system/point/none/patience 13 | final rate: no touch/data/res./legit./auth. "
        "| uptake partner/consulted | accuracy consulted/absent | rate lower than every arm? "
        "| goal more often than every arm? | R4 signatures? |"
        "\n|---|---|---|---|---|---|---|---|---|---|"
    )
    print(f"\n### Robustness ({n} seeds each)\n\n{checks_header}")
    weakest = (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        for name, factor in [(None, 1.0)] + cases:
            scenario, base = "chicago_absenteeism", {}
            if name in PARAMETERS:
                base = {name: PARAMETERS[name].default * factor}
            elif name is not None:
                spec = load_scenario(scenario)
                value = getattr(spec.interventions, name) * factor
                value = int(round(value)) if name == "system_lag" else value
                spec = spec.model_copy(update={"interventions": spec.interventions.model_copy(update={name: value})})
                scenario = str(Path(tmp) / f"{name}-{factor}.toml")
                Path(scenario).write_text(dump_scenario(spec), encoding="utf-8")
            settings = [dict(base), dict(base, leader="point"), dict(base, leader="none"), dict(base, patience=13)]
            settings += [dict(base, missing_role=r) for r in ROLES]
            settings += [dict(base, community="consulted"), dict(base, community="absent")]
            runs = vhelpers.results(settings, n, scenario)
            system, others = runs[0], dict(zip(arms, runs[1:9], strict=True))
            goals = [sum(bool(r["goal_reached"]) for r in rs) for rs in runs[:9]]
            rates = [vhelpers.mean(rs, "final_rate") for rs in runs[:9]]
            up = vhelpers.mean(runs[0], "uptake"), vhelpers.mean(runs[9], "uptake")
            acc = vhelpers.mean(runs[9], "diagnosis_accuracy"), vhelpers.mean(runs[10], "diagnosis_accuracy")
            not_lower = [a for a, r in others.items() if not vhelpers.clearly_lower(system, r)]
            label = "defaults" if name is None else f"{name} x {factor}"
            for a, r in others.items():
                rates_of = ([x["final_rate"] for x in rs] for rs in (system, r))
                pvalue = mannwhitneyu(*rates_of, alternative="less").pvalue
                weakest = max(weakest, (pvalue, f"{label}, system vs {a}"))
            not_more = [a for a, r in others.items() if not vhelpers.clearly_more(system, r)]
            r4 = []
            if up[0] < up[1] + 0.1:
                r4.append("uptake")
            if acc[0] < acc[1] + 0.1:
                r4.append("accuracy")
            cells = [
                label,
                "/".join(map(str, goals[:4])),
                "/".join(map(str, goals[4:])),
                "/".join(f"{q:.3f}" for q in rates[:4]),
                "/".join(f"{q:.3f}" for q in rates[4:]),
                f"{up[0]:.3f}/{up[1]:.3f}",
                f"{acc[0]:.3f}/{acc[1]:.3f}",
                verdict(not_lower, len(arms)),
                verdict(not_more, len(arms)),
                "yes" if not r4 else "no: " + ", ".join(r4),
            ]
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\nlargest one-sided Mann-Whitney p of the final-rate comparisons: {weakest[0]:.2g} ({weakest[1]})")


def verdict(failed: list[str], total: int) -> str:
    """'yes', or which comparisons failed ('no: all' when every one did)."""
    if not failed:
        return "yes"
    return "no: all" if len(failed) == total else "no: " + ", ".join(failed)


def sobol_indices(out: Path, sweep_dir: Path):
    """Sobol indices of goal attainment and final rate (sweep engine + SALib), ``sobol.toml``."""
    import warnings

    import pandas as pd
    from SALib.analyze import sobol
    from scipy.stats import spearmanr

    from sim.runs import Design, load_spec, run_sweep

    spec = load_spec(Path(__file__).resolve().parent / "sobol.toml")
    run_sweep(spec, sweep_dir, workers=vhelpers.WORKERS, progress=False)
    df = pd.read_parquet(sweep_dir / "runs").sort_values("run_id")
    design = Design(spec)
    y = df.groupby("point_id")[["goal_reached", "final_rate"]].mean().sort_index()
    res = {}
    for o in ("goal_reached", "final_rate"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res[o] = sobol.analyze(design.problem(), y[o].to_numpy(float), calc_second_order=False, seed=1)
    print(f"\n### Sobol (N={spec.samples}, {len(df)} runs, mean P(goal) {y.goal_reached.mean():.2f})\n")
    print("| parameter | S1 (goal) | ST (goal) | S1 (final rate) | ST (final rate) | rho goal | rho final rate |")
    print("|---|---|---|---|---|---|---|")
    for i, name in enumerate(design.names):
        g, f = res["goal_reached"], res["final_rate"]
        rho_g = spearmanr(df[name], df.goal_reached.astype(float))[0]
        rho_f = spearmanr(df[name], df.final_rate)[0]
        print(
            f"| {name} | {g['S1'][i]:.2f} +- {g['S1_conf'][i]:.2f} | {g['ST'][i]:.2f} +- {g['ST_conf'][i]:.2f} "
            f"| {f['S1'][i]:.2f} +- {f['S1_conf'][i]:.2f} | {f['ST'][i]:.2f} +- {f['ST_conf'][i]:.2f} "
            f"| {rho_g:+.2f} | {rho_f:+.2f} |"
        )
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for ax, o in zip(axes, ("goal_reached", "final_rate"), strict=True):
        x = np.arange(len(design.names))
        ax.bar(x - 0.2, res[o]["S1"], 0.4, yerr=res[o]["S1_conf"], capsize=3, label="first order S1")
        ax.bar(x + 0.2, res[o]["ST"], 0.4, yerr=res[o]["ST_conf"], capsize=3, label="total ST")
        ax.set_xticks(x, design.names, rotation=25, ha="right")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(f"{o} (mean {y[o].mean():.2f})")
        ax.legend(fontsize=8)
    fig.suptitle(f"Sobol indices, chicago_absenteeism, N={spec.samples}, {len(df)} runs (SALib, sweep engine)")
    fig.tight_layout()
    fig.savefig(out / "validation-sobol.png", dpi=110)


def shapley(out: Path):
    """``coalition table chicago_absenteeism`` at its default size, as a figure."""
    from sim.runs.shapley import shapley_table

    table = shapley_table("chicago_absenteeism", workers=vhelpers.WORKERS)
    print("\n### Shapley values\n\n```text\n" + table.format() + "\n```")
    rows = table.rows[::-1]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    y = np.arange(len(rows))
    values = np.array([r.value for r in rows])
    err = np.array([[r.value - r.low for r in rows], [r.high - r.value for r in rows]])
    ax.barh(y, values, xerr=err, capsize=3, color="C0")
    ax.set_yticks(y, [f"{r.name} ({', '.join(r.roles)})" for r in rows], fontsize=8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("Shapley value: contribution to P(goal)")
    ax.set_title(
        f"Who needs to be at the table? chicago_absenteeism\n({table.replicates} seeds x {table.permutations} "
        f"orderings, {int(100 * table.confidence)}% bootstrap intervals)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(out / "validation-shapley.png", dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--only", nargs="*", default=None, help="parts to run (sobol runs only when named)")
    parser.add_argument("--sobol-dir", type=Path, default=Path("out/validation-sobol"), help="sweep directory")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    parts = {
        "pooled": lambda: pooled_data(args.out),
        "grid": lambda: patience_trust(args.out, args.n),
        "roles": lambda: roles(args.out, args.n),
        "community": lambda: community(args.out, args.n),
        "leadership": lambda: leadership(args.out, args.n),
        "trust_time": lambda: trust_and_time(args.out),
        "face": lambda: face_validity(args.out, args.n),
        "robustness": lambda: robustness(16),
        "shapley": lambda: shapley(args.out),
        "sobol": lambda: sobol_indices(args.out, args.sobol_dir),
    }
    for name, fn in parts.items():
        if (args.only is None and name != "sobol") or (args.only is not None and name in args.only):
            t = time.time()
            fn()
            print(f"\n<!-- {name}: {time.time() - t:.0f} s -->", flush=True)


if __name__ == "__main__":
    main()
