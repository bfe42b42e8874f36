"""Asylon: protection case management for camps of asylum seekers."""
