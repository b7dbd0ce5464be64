"""The workshop report: `ReportInputs` gathers the runs, `build_report` writes the PDF.

Only this package and sim/charts import matplotlib; ReportLab is imported here alone."""

from sim.report.inputs import ReportInputs
from sim.report.pdf import SECTIONS, build_report

__all__ = ["SECTIONS", "ReportInputs", "build_report"]
