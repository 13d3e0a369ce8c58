"""Draw the results of ``benchmarks/run.py --json`` as a bar chart (PNG).

Usage: ``python benchmarks/chart.py results.json docs/performance.png``
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen needed

import matplotlib.pyplot as plt

COLOURS = {"floor": "#9e9e9e", "other": "#7b9fc7", "sdk": "#d9822b", "sdk fast": "#b35806"}


def colour(name: str) -> str:
    if name.startswith("floor"):
        return COLOURS["floor"]
    if "verify_and_parse" in name:
        return COLOURS["sdk fast"] if "[fast]" in name else COLOURS["sdk"]
    return COLOURS["other"]


def draw(document: dict[str, Any], path: str) -> None:
    results = document["results"]
    payloads = list(results)
    figure, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    for axis, payload in zip(axes.flat, payloads, strict=True):
        contenders = results[payload]["contenders"]
        names = list(contenders)[::-1]
        medians = [contenders[name]["ratio_median"] for name in names]
        low = [contenders[name]["ratio_median"] - contenders[name]["ratio_p10"] for name in names]
        high = [contenders[name]["ratio_p90"] - contenders[name]["ratio_median"] for name in names]
        axis.barh(
            names,
            medians,
            xerr=[low, high],
            color=[colour(name) for name in names],
            error_kw={"ecolor": "#333333", "capsize": 2, "linewidth": 0.8},
        )
        axis.axvline(1.0, color="#333333", linewidth=0.8, linestyle="--")
        for position, name in enumerate(names):
            stats = contenders[name]
            label = f"{stats['ratio_median']:.2f}"
            axis.text(stats["ratio_p90"] + 0.03, position, label, va="center", fontsize=8)
        size = document["payload_sizes"][payload]
        floor = contenders[document["floor"]]["microseconds_median"]
        axis.set_title(f"{payload} ({size:,} B; floor {floor:,.1f} µs)", fontsize=10)
        axis.tick_params(axis="y", labelsize=8)
    figure.supxlabel(
        "time relative to the floor, hmac + json.loads (median of rounds; "
        "whiskers: 10th-90th percentile)",
        fontsize=10,
    )
    environment = document["environment"]
    figure.suptitle(
        "Verify and parse one webhook, relative to hmac + json.loads "
        f"(Python {environment['python']}, {document['rounds']} rounds, {document['clock']} time)",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="JSON written by run.py --json")
    parser.add_argument("output", help="PNG file to write")
    options = parser.parse_args(argv)
    with open(options.results, encoding="utf-8") as file:
        document = json.load(file)
    draw(document, options.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
