"""Scenario files: TOML that planners annotate by hand, read with clear errors, saved safely.

Reading checks the text (size, binary, empty), the TOML syntax (in plain words, with line and
column), the `schema_version` (a newer one is refused, an older one is migrated through
`MIGRATIONS`) and then the model; every problem ends up in one `ScenarioError` that lists each
bad field by its path, rows named as the editor's tables name them.

Writing with `based_on` (the document the scenario was read from) edits only the values that
changed, in place, so comments, key order and layout survive; without it, a complete file is
written in model field order with a comment per section. Saving is atomic and keeps the file's
permissions.

One module per job: `read` (bytes and text), `syntax` (TOML syntax messages) with `scan` (where
a slip began), `migrations` (format versions), `problems` (validation errors as Problems),
`fields` (how the models nest), `items` (values as TOML items), `render` (a new file), `edit`
(onto the old document) and `write` (render and save).
"""

from sim.files.migrations import MIGRATIONS, migrate
from sim.files.problems import problems_from_validation, validate_scenario
from sim.files.read import MAX_FILE_BYTES, ScenarioFile, parse_scenario, read_scenario
from sim.files.write import render_scenario, write_scenario

__all__ = [
    "MAX_FILE_BYTES",
    "MIGRATIONS",
    "ScenarioFile",
    "migrate",
    "parse_scenario",
    "problems_from_validation",
    "read_scenario",
    "render_scenario",
    "validate_scenario",
    "write_scenario",
]
