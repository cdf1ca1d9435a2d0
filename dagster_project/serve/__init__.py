"""What people read: read-only SQL for analysts, and the scorecard report."""
