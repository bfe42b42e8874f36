"""Imports of registration files: readers, column mappings, duplicate checks, the service."""
