"""LeNet-5's C3 connection table against the paper, row by row.

LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document recognition",
Proceedings of the IEEE 86(11), 1998, Table I ("Each column indicates which feature map in S2
are combined by the units in a particular feature map of C3"). Written out below as printed:
one row per S2 map (0 to 5), one column per C3 map (0 to 15), X where they are connected.
The spec's `connections` lists, for each C3 map, the S2 maps it reads: the table's columns.
A wrong row of the same size (same count of connections, same parameter count) fails here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parent.parent / "docs" / "architectures" / "lenet-5.yaml"

# LeCun et al. 1998, Table I. Columns: C3 maps 0..15; rows: S2 maps 0..5.
TABLE_I = """
    0 1 2 3 4 5 6 7 8 9 A B C D E F
0   X       X X X     X X X X   X X
1   X X       X X X     X X X X   X
2   X X X       X X X     X   X X X
3     X X X     X X X X     X   X X
4       X X X     X X X X   X X   X
5         X X X     X X X X   X X X
"""


def _paper_columns() -> list[set[int]]:
    """For each C3 map, the S2 maps Table I marks."""
    lines = [line for line in TABLE_I.strip("\n").splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    positions = [header.index(c, 4) for c in "0123456789ABCDEF"]
    columns: list[set[int]] = [set() for _ in positions]
    for row in rows:
        s2 = int(row[0])
        for c3, pos in enumerate(positions):
            if pos < len(row) and row[pos] == "X":
                columns[c3].add(s2)
    return columns


def test_table_as_transcribed_has_the_papers_totals() -> None:
    """The transcription: 6 maps read 3 inputs, 9 read 4, 1 reads all 6 (section II.B): 60
    connections, 60 * 25 weights + 16 biases = 1,516 trainable parameters."""
    sizes = sorted(len(c) for c in _paper_columns())
    assert sizes == [3] * 6 + [4] * 9 + [6]
    assert sum(sizes) * 5 * 5 + 16 == 1516


def test_spec_connections_equal_table_i_row_by_row() -> None:
    """Every C3 map of the spec reads exactly the S2 maps that Table I marks for it."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    (c3,) = [layer for layer in spec["layers"] if layer.get("name") == "C3"]
    spec_columns = [set(inputs) for inputs in c3["connections"]]
    paper = _paper_columns()
    assert len(spec_columns) == len(paper) == 16
    for map_index, (ours, theirs) in enumerate(zip(spec_columns, paper, strict=True)):
        assert ours == theirs, (
            f"C3 map {map_index}: spec reads {sorted(ours)}, Table I {sorted(theirs)}"
        )
    # Row by row, as the table is printed: each S2 map feeds the same C3 maps.
    for s2 in range(6):
        assert {i for i, c in enumerate(spec_columns) if s2 in c} == {
            i for i, c in enumerate(paper) if s2 in c
        }, f"S2 map {s2}"
