"""HTTP routers. The golden path owns health.py; add your own modules here."""
