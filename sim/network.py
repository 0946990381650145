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
