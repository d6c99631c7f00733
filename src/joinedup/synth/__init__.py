"""joinedup.synth."""
