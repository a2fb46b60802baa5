"""A review never depends on luck (issue 13, item 3): the same facts reviewed in fresh processes
under different hash seeds, with the other core busy, give byte-identical decisions."""
from bench.stress import stress


def test_the_same_facts_give_the_same_decisions_under_load_and_other_hash_seeds():
    lines: list[str] = []
    digests = stress("goka", staff=1000, runs=3, busy=True, out=lines.append)
    print("\n".join(lines))
    assert not any(d.startswith("failed") for d in digests), "\n".join(lines)
    assert len(set(digests)) == 1, "\n".join(lines)
