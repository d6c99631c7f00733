"""Family Context: the practitioner's pages (home, search, person and its service cards,
family and household, timeline), reading joinedup.context and cut down by joinedup.access."""
