"""The public open data portal and transparency page (no sign-in), and its API."""
