"""What people read: read-only SQL for analysts, `scorecard explain`, and the scorecard report."""
