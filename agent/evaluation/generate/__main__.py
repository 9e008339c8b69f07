"""``python -m argus.agent.evaluation.generate [--seed N] [--out DIR]``: write the generated suite."""

from __future__ import annotations

import argparse
from pathlib import Path

from argus.agent.evaluation.generate.suite import write

SHIPPED = Path(__file__).resolve().parents[1] / "suites" / "generated"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m argus.agent.evaluation.generate", description=__doc__)
    parser.add_argument(
        "--seed", type=int, default=0, help="the same seed writes the same suite (shipped: 0)"
    )
    parser.add_argument("--out", type=Path, default=SHIPPED, help="folder for suite.jsonl and img/")
    args = parser.parse_args(argv)
    suite = write(args.out, args.seed)
    print(f"{len(suite.cases)} questions, {len(suite.images)} images in {args.out}")


if __name__ == "__main__":
    main()
