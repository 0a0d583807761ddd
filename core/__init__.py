"""Types every project package may import. `core` itself imports no project package, so
importing it never makes a circle (trustapp/tests/test_layout.py holds it to that)."""
