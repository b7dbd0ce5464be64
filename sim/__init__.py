"""Funnel Lab's model: a SimPy + numpy simulation of the B2B lead funnel. Imports no Qt."""

__version__ = "0.1.0"
