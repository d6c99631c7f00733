"""joinedup.synth: the synthetic borough generator (people, families, every source's extract,
sources.yaml and ground truth)."""

from joinedup.synth.borough import DEFAULT_AS_OF, SynthSummary, generate_borough

__all__ = ["DEFAULT_AS_OF", "SynthSummary", "generate_borough"]
