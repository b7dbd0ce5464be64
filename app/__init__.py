"""Funnel Lab's desktop window (PySide6). Imports sim/, never the other way round."""
