"""Matching in the web app: "why are these records one person?" and the clerical review queue."""
