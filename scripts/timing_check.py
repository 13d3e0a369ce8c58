"""Does verification time depend on how much of a forged signature is right?

A dudect-style check (Reparaz, Balasch, Verbauwhede, "Dude, is my code
constant time?", 2017). ``Webhook.verify`` is timed on a fixed body with
forged signatures that share 0, 16 or 31 leading bytes with the genuine MAC,
the classes interleaved in a random order; each measurement times 16 calls,
so that the clock's resolution does not matter. Welch's t statistic compares
each pair of classes: |t| < 4.5 means their times cannot be told apart.

A control runs the same measurement on a naive, byte-by-byte comparison that
stops at the first difference, to show that the check sees a leak when there
is one.

    python scripts/timing_check.py [--measurements N] [--seed S]
"""

from __future__ import annotations

import argparse
import gc
import hmac
import itertools
import random
import statistics
import time
from collections.abc import Callable

from topmessage_webhooks import InvalidSignatureError, Webhook, _samples

SECRET = b"timing-check-secret"
BODY = _samples.DELIVERY_REPORT_EN
SHARED_PREFIXES = (0, 16, 31)
THRESHOLD = 4.5
#: Measurements above this percentile of all of them are dropped as noise
#: (interrupts, scheduling), as dudect does, before the cropped t statistic.
CROP_PERCENTILE = 90
COPIES = 256
#: Calls per measurement: enough that the clock's resolution does not matter.
CALLS = 16


def forged_mac(mac: bytes, shared: int) -> bytes:
    """A MAC equal to ``mac`` in its first ``shared`` bytes and different in every other."""
    return mac[:shared] + bytes(byte ^ 0x11 for byte in mac[shared:])


def welch_t(first: list[int], second: list[int]) -> float:
    """Welch's t statistic of two samples' means."""
    spread = (
        statistics.variance(first) / len(first) + statistics.variance(second) / len(second)
    ) ** 0.5
    return (statistics.fmean(first) - statistics.fmean(second)) / spread if spread else 0.0


def measure(
    check: Callable[[str], object], signatures: dict[int, str], count: int, seed: int
) -> dict[int, list[int]]:
    """Time ``check`` ``count`` times per class, interleaved in a random order.

    Each class's signature is passed as one of many equal copies, drawn at
    random, so that where one string object happens to sit in memory cannot
    pass for a difference between classes.
    """
    rng = random.Random(seed)  # noqa: S311 - an order to measure in, not a secret
    copies = {shared: [_copy(text) for _ in range(COPIES)] for shared, text in signatures.items()}
    schedule = [(shared, rng.choice(copies[shared])) for shared in signatures for _ in range(count)]
    rng.shuffle(schedule)
    times: dict[int, list[int]] = {shared: [] for shared in signatures}
    clock = time.perf_counter_ns
    calls = range(CALLS)
    for _, signature in schedule[: len(schedule) // 10]:  # warm up caches and predictors
        check(signature)
    gc.disable()
    try:
        for shared, signature in schedule:
            start = clock()
            for _ in calls:
                check(signature)
            times[shared].append(clock() - start)
    finally:
        gc.enable()
    return times


def _copy(text: str) -> str:
    return "".join(list(text))


def cropped(times: dict[int, list[int]]) -> dict[int, list[int]]:
    """Each class's times without those above the pooled ``CROP_PERCENTILE``."""
    pooled = sorted(itertools.chain.from_iterable(times.values()))
    limit = pooled[len(pooled) * CROP_PERCENTILE // 100]
    return {shared: [each for each in sample if each <= limit] for shared, sample in times.items()}


def report(title: str, times: dict[int, list[int]]) -> bool:
    """Print one table of times and t statistics; return whether every |t| < THRESHOLD."""
    kept = cropped(times)
    print(f"\n{title}")
    print(f"{'shared bytes':>12} {'n':>8} {'median ns/call':>15} {'mean ns/call':>13}")
    for shared, sample in times.items():
        print(
            f"{shared:>12} {len(sample):>8} {statistics.median(sample) / CALLS:>15.1f} "
            f"{statistics.fmean(kept[shared]) / CALLS:>13.2f}"
        )
    print(f"{'classes':>12} {'t (all)':>10} {f't (<p{CROP_PERCENTILE})':>10}  verdict")
    constant = True
    for first, second in itertools.combinations(times, 2):
        t_all = welch_t(times[first], times[second])
        t_kept = welch_t(kept[first], kept[second])
        same = abs(t_all) < THRESHOLD and abs(t_kept) < THRESHOLD
        constant &= same
        verdict = "indistinguishable" if same else "DISTINGUISHABLE"
        print(f"{f'{first} vs {second}':>12} {t_all:>10.2f} {t_kept:>10.2f}  {verdict}")
    return constant


def naive_equal(first: bytes, second: bytes) -> bool:
    """The comparison not to write: it returns at the first differing byte."""
    if len(first) != len(second):
        return False
    for left, right in zip(first, second, strict=True):  # noqa: SIM110 - the point
        if left != right:
            return False
    return True


def main() -> int:
    """Run both measurements and print their tables; exit 1 if ``verify`` leaks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measurements", type=int, default=50_000, help="per class")
    parser.add_argument("--seed", type=int, default=0, help="of the random order")
    args = parser.parse_args()

    webhook = Webhook(SECRET)
    mac = hmac.digest(SECRET, BODY, "sha256")
    signatures = {shared: forged_mac(mac, shared).hex() for shared in SHARED_PREFIXES}

    def verify(signature: str) -> None:
        try:
            webhook.verify(BODY, signature)
        except InvalidSignatureError:
            return
        raise AssertionError("a forged signature was accepted")

    def naive(signature: str) -> bool:
        return naive_equal(hmac.digest(SECRET, BODY, "sha256"), bytes.fromhex(signature))

    print(f"{args.measurements} measurements per class, random order (seed {args.seed})")
    constant = report(
        "Webhook.verify, forged signatures (constant time expected)",
        measure(verify, signatures, args.measurements, args.seed),
    )
    leaky = not report(
        "control: byte-by-byte comparison with early exit (a leak expected)",
        measure(naive, signatures, args.measurements, args.seed),
    )
    print(
        f"\nWebhook.verify: {'no timing difference found' if constant else 'TIMING DIFFERENCE'};"
        f" control: {'leak detected' if leaky else 'leak not detected (too noisy a machine?)'}"
    )
    return 0 if constant else 1


if __name__ == "__main__":
    raise SystemExit(main())
