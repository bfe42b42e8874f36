"""Imports of registration files (issue 9): readers, column mappings, duplicate checks, the service."""
