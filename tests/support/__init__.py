"""Test support: the fixture server, archive checks and shared helpers (no tests here)."""
