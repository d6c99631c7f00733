"""GP alerts for a GP practice: its registered children known to children's social care."""
