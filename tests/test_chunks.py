"""A sweep's runs handed out in chunks: every run to do once, none done again, one chunk in memory."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.runs.design import chunked


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(0, 50),
    n=st.integers(0, 400),
    size=st.integers(1, 50),
    done_share=st.floats(0, 1),
    seed=st.integers(0, 2**16),
)
def test_every_run_to_do_is_in_exactly_one_chunk(start, n, size, done_share, seed):
    runs = range(start, start + n)
    rng = np.random.default_rng(seed)
    done = np.sort(rng.choice(np.arange(start, start + n + 20), size=int(done_share * n), replace=False))
    todo = sorted(set(runs) - set(done.tolist()))
    chunks = list(chunked(runs, size, done))
    handed = [i for chunk in chunks for i in chunk]
    assert sorted(handed) == todo and len(handed) == len(set(handed))
    # chunks of at most size, as many as the runs still to do need (a resumed sweep's too)
    assert all(0 < len(c) <= size for c in chunks) and len(chunks) == -(-len(todo) // size)
    # each takes every m-th run still to do, as a fresh sweep's always did
    m = len(chunks)
    assert chunks == [todo[j::m] for j in range(m)]


def test_a_sweep_of_fifty_million_runs_holds_one_chunk_not_the_plan():
    # the plan was listed whole first: 2 GB before the first run of a 50-million-run grid
    chunks = chunked(range(50_000_000), 125)
    first = next(chunks)
    assert len(first) == 125 and first[:2] == [0, 400_000] and isinstance(first[0], int)


@settings(max_examples=200, deadline=None)
@given(points=st.integers(1, 40), replicates=st.integers(1, 40), size=st.integers(1, 60))
def test_each_chunk_of_a_fresh_sweep_holds_as_many_design_points_as_it_can(points, replicates, size):
    """Run r is point r % points: a stride that ``points`` divided gave each chunk one point
    (an analysis client's trial: 8 points, 30 replicates, 2 workers; a kill kept whole points)."""
    n = points * replicates
    chunks = list(chunked(range(n), size, points=points))
    handed = sorted(i for chunk in chunks for i in chunk)
    assert handed == list(range(n)) and all(0 < len(c) <= size for c in chunks)
    for chunk in chunks:
        assert len({i % points for i in chunk}) == min(len(chunk), points), (chunk, points)
