"""python -m joinedup.evaluation.adversarial --people N --seed S --out DIR"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from joinedup.evaluation.adversarial import generate, write


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m joinedup.evaluation.adversarial",
                                     description="Write the adversarial families test set.")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    dataset = generate(args.people, args.seed)
    write(dataset, args.out)
    people = len(set(dataset.truth.column("person_id").to_pylist()))
    print(f"{dataset.records.num_rows} records, {people} people with records, "
          f"{dataset.relations.num_rows} relations -> {args.out}")
    print("records per source:")
    for source, count in sorted(Counter(dataset.records.column("source").to_pylist()).items()):
        print(f"  {source:24} {count:7}")
    print("relations per kind:")
    for kind, count in Counter(dataset.relations.column("kind").to_pylist()).most_common():
        print(f"  {kind:24} {count:7}")
    with_nhs = sum(v is not None for v in dataset.records.column("nhs_number").to_pylist())
    print(f"records with an NHS number: {with_nhs / max(1, dataset.records.num_rows):.1%}")


if __name__ == "__main__":
    main()
