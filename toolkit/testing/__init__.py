"""Test and benchmark support shipped with the package (no network, no real model weights)."""
