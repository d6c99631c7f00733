"""joinedup.insight: declarative dashboards (YAML) over the marts, and their usage."""
