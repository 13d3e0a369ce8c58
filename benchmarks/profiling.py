"""Profile ``Webhook.verify_and_parse`` on one payload with cProfile.

Usage: ``python benchmarks/profiling.py [delivery|incoming|64k|1m] [--calls N] [--json-only]``

cProfile adds a fixed cost to every Python call, so the figures overstate
functions that are called often and do little; read them for where the time
goes, and measure changes with ``run.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import PAYLOADS, SECRET, json_backend

from topmessage_webhooks import Webhook, sign

CHOICES = {
    "delivery": "delivery report",
    "incoming": "incoming message",
    "64k": "64 KiB message",
    "1m": "1 MiB message",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("payload", choices=sorted(CHOICES), nargs="?", default="incoming")
    parser.add_argument("--calls", type=int, default=50_000, help="calls to profile")
    parser.add_argument("--json-only", action="store_true", help="decode with json, not orjson")
    parser.add_argument("--top", type=int, default=20, help="functions to list")
    options = parser.parse_args(argv)

    body = PAYLOADS[CHOICES[options.payload]]
    header = sign(body, SECRET)
    webhook = Webhook(SECRET)
    profiler = cProfile.Profile()
    with json_backend("json" if options.json_only else None):
        profiler.enable()
        for _ in range(options.calls):
            webhook.verify_and_parse(body, header)
        profiler.disable()
    pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(options.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
