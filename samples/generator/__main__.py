"""Command line: `python -m samples.generator corpus --out DIR --seed N --count N [--types ...] [--variants ...]`
and `python -m samples.generator requests [--out samples/requests]`."""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

from samples.generator.corpus import FORMATS, VARIANTS, build_corpus
from samples.generator.documents import REGISTRY
from samples.generator.requests import DEFAULT_OUT, SEED, build_requests


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m samples.generator", description="Generate fake care documents with ground truth."
    )
    sub = main.add_subparsers(dest="command", required=True)
    corpus = sub.add_parser("corpus", help="a balanced corpus of <id>.<ext> + <id>.json")
    corpus.add_argument("--out", type=Path, required=True)
    corpus.add_argument("--seed", type=int, default=7)
    corpus.add_argument("--count", type=int, default=80)
    corpus.add_argument(
        "--types", nargs="+", choices=sorted(REGISTRY), default=None, metavar="TYPE", help=f"among {', '.join(REGISTRY)}"
    )
    corpus.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    corpus.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    requests = sub.add_parser("requests", help="rebuild the bundled sample requests")
    requests.add_argument("--out", type=Path, default=DEFAULT_OUT)
    requests.add_argument("--seed", type=int, default=SEED)
    return main


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    start = time.perf_counter()
    if args.command == "requests":
        built = build_requests(args.out, args.seed)
        files = sum(len(expected) for expected in built.values())
        print(f"wrote {len(built)} requests ({files} files) to {args.out} in {time.perf_counter() - start:.1f} s")
        return
    records = build_corpus(args.out, args.seed, args.count, args.types, args.formats, args.variants)
    kinds = collections.Counter(r["kind"] for r in records)
    elapsed = time.perf_counter() - start
    print(
        f"wrote {len(records)} documents to {args.out} (seed {args.seed}) in {elapsed:.1f} s "
        f"({elapsed / max(1, len(records)):.2f} s/doc): " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    )


if __name__ == "__main__":
    main()
