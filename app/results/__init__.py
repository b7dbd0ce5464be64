"""The results side of the window: KPI cards, charts (one widget per chart), the dashboard."""
