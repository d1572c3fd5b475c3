"""`extramile bench` at a tiny size: it builds ours and the plain sites and prints every figure."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from extramile.cli import build_parser


def test_bench_is_a_command_with_its_options():
    args = build_parser().parse_args(["bench", "--stories", "20", "50", "--engines", "material", "--repeat", "2"])
    assert args.stories == [20, 50] and args.engines == ["material"] and args.repeat == 2 and callable(args.func)


@pytest.mark.slow
def test_bench_prints_seconds_memory_size_and_query_bytes_for_each_build(repo):
    env = {**os.environ, "EXTRAMILE_ROOT": str(repo), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "extramile", "bench", "--stories", "20"],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if re.match(r"\s*20\s", line)]
    assert [(r[1], r[2]) for r in rows] == [("material", "plain"), ("material", "ours"),
                                            ("pelican", "plain"), ("pelican", "ours")]
    for row in rows:
        seconds, peak_mb, output_mb = float(row[3]), float(row[4]), float(row[5])
        assert seconds > 0 and peak_mb > 10 and output_mb > 0
    material_plain, material_ours = rows[0], rows[1]
    assert float(material_plain[6]) > 0  # lunr's whole index is what a plain Material reader downloads
    assert material_ours[6] != "-"  # our Material site has search too
    assert material_ours[-1].endswith("x") and rows[3][-1].endswith("x")  # ours against plain
