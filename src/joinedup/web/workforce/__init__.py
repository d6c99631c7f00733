"""Workforce planning pages: plans, scenarios, the methodology (aggregate figures only)."""
