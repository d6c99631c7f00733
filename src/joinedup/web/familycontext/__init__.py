"""Family Context: the practitioner's pages (home here; search, person, family and timeline
build on joinedup.context's query functions)."""
