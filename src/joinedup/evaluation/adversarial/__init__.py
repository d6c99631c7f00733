"""An adversarial test set for person matching: families that a matcher is tempted to
merge, written apart from `joinedup.synth` (own name lists, own error model; import-linter
keeps it from importing the synthetic borough or the matcher).

The people live in households: couples with children, single parents, three-generation
households, twins, juniors who share their father's name and home, houses in multiple
occupation, student flats and care homes. Names follow the conventions of England's
communities (Begum, Kaur and Singh, Somali patronymics, Polish gendered surnames, Chinese
name order, transliterations, nicknames, marriage and double-barrelled surnames), and the
commonest names recur across the borough. Records come from nine systems with their own
coverage, formats and error rates. All data is synthetic; postcodes use the area "JX",
which no real UK postcode area uses.

    dataset = generate(people=20_000, seed=1)
    write(dataset, Path("out"))  # records.csv, truth.csv, relations.csv
"""

from joinedup.evaluation.adversarial.dataset import (
    RELATION_KINDS,
    AdversarialSet,
    generate,
    write,
)

__all__ = ["RELATION_KINDS", "AdversarialSet", "generate", "write"]
