"""Workshop mode without Qt: the agreed definitions and targets in plain words, the target board,
what changed between two versions of a scenario, and the agreement's rule that editing an agreed
definition or target reopens it. The window, the command line and the PDF report all read these,
so a sentence, a colour or a difference reads the same everywhere.

One module per job: `words` (sentences and numbers as a planner writes them), `board` (each
target's probability, colour and realism), `agreement` (what the room agreed to, and reopening
it), `diff` (field by field, channels matched by name), `goal` (the adapter to goal seek) and
`compare` (the adapter for the strategies-compared table).
"""
