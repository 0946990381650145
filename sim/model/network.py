"""The starting network: sectors as silos, plus the leader and community partners.

Organizations of one sector are tied with probability ``within_sector``, of different
sectors with ``across_sectors`` (a stochastic block model, seeded from the model's rng).
The leader is tied to the organizations of its home sector; each community partner to
one organization. Explicit ``ties`` from the scenario are added. The layout places each
sector on its own arc of a circle, so nodes never jump between steps.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from sim.model.trust import TrustLedger


def silo_graph(sectors: list[str], p_in: float, p_out: float, seed: int) -> nx.Graph:
    """A stochastic block model over organizations grouped by sector.

    Args:
        sectors: the sector of each organization, in node order.
        p_in: tie probability inside a sector.
        p_out: tie probability across sectors.
        seed: integer seed for networkx.

    """
    order = list(dict.fromkeys(sectors))
    blocks = {s: [i for i, x in enumerate(sectors) if x == s] for s in order}
    sizes = [len(blocks[s]) for s in order]
    probs = [[p_in if a == b else p_out for b in range(len(order))] for a in range(len(order))]
    block_graph = nx.stochastic_block_model(sizes, probs, seed=seed, sparse=True)
    # stochastic_block_model numbers nodes block by block; map back to organization order
    flat = [i for s in order for i in blocks[s]]
    graph = nx.Graph()
    graph.add_nodes_from(range(len(sectors)))
    graph.add_edges_from((flat[u], flat[v]) for u, v in block_graph.edges())
    return graph


def sector_layout(sectors: list[str], extra: int) -> dict:
    """Positions: each sector on its own arc of the unit circle; extra nodes in the middle.

    Args:
        sectors: the sector of each organization (nodes ``0..n-1``).
        extra: the number of further nodes (leader, community partners), placed inside.

    """
    order = list(dict.fromkeys(sectors))
    n = len(sectors)
    pos = {}
    slot = 2 * math.pi / max(n, 1)
    i = 0
    for s in order:
        for node in (k for k, x in enumerate(sectors) if x == s):
            angle = i * slot
            pos[node] = np.array([math.cos(angle), math.sin(angle)])
            i += 1
    for j in range(extra):
        angle = 2 * math.pi * j / max(extra, 1) + 0.3
        radius = 0.0 if j == 0 else 0.45
        pos[n + j] = np.array([radius * math.cos(angle), radius * math.sin(angle)])
    return pos


def build_network(
    spec, initial_trust: float, build_rate: float, loss_ratio: float, rng, random, with_community: bool = True
):
    """The Mesa network over every agent and the trust on its ties.

    Nodes ``0..n-1`` are the organizations, ``n`` the leader, then the community partners.
    Starting trust is ``initial_trust + silo_trust`` inside a sector, ``initial_trust`` across.

    Args:
        spec: the :class:`sim.scenario.Scenario`.
        initial_trust: trust across sectors at the start.
        build_rate: passed to the :class:`TrustLedger`.
        loss_ratio: passed to the :class:`TrustLedger`.
        rng: the model's numpy Generator (seeds networkx).
        random: the model's ``random.Random`` (for Mesa's cells).
        with_community: tie each community partner to one organization (False: an absent community).

    Returns:
        ``(space, trust)``: a ``mesa.discrete_space.Network`` and a :class:`TrustLedger`.
    """
    sectors = [o.sector for o in spec.organizations]
    n_orgs = len(sectors)
    partners = spec.community
    n_nodes = n_orgs + 1 + len(partners)
    graph = silo_graph(sectors, spec.network.within_sector, spec.network.across_sectors, seed=int(rng.integers(2**31)))
    graph.add_nodes_from(range(n_orgs, n_nodes))
    leader_node = n_orgs
    graph.add_edges_from((leader_node, i) for i, s in enumerate(sectors) if s == spec.leader.sector)
    for j in range(len(partners)):
        contact = int(rng.integers(n_orgs))  # drawn even for an absent community: arms share their draws
        if with_community:
            graph.add_edge(n_orgs + 1 + j, contact)
    names = [o.name for o in spec.organizations] + [spec.leader.name] + [p.name for p in partners]
    for a, b in spec.network.ties:
        graph.add_edge(names.index(a), names.index(b))
    space = Network(graph, layout=sector_layout(sectors, 1 + len(partners)), random=random)
    trust = TrustLedger(n_nodes, build_rate, loss_ratio)
    silo_level = min(1.0, initial_trust + spec.network.silo_trust)
    for u, v in graph.edges():
        same = u < n_orgs and v < n_orgs and sectors[u] == sectors[v]
        level = silo_level if same else initial_trust
        trust.add_tie(u, v, level, level)
    return space, trust
