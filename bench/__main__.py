"""`python -m bench [--json] [--quick] [--instances N …]`: the same run as `motcua bench`."""

from __future__ import annotations

import argparse
import sys

from bench.options import add_arguments, from_args


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="the MotCua performance benchmark")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="a smaller run for quick checks")
    add_arguments(parser)
    args = parser.parse_args()
    from bench.run import main as run_main

    return run_main(json_output=args.json, quick=args.quick, options=from_args(args))


if __name__ == "__main__":
    sys.exit(main())
