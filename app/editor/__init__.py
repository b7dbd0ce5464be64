"""The scenario editor: widgets generated from the scenario model, bound to a document."""
