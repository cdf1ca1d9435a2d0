"""Publication: append-only, versioned releases of final scorecards.

``releases`` holds the release logic (content hash, reason, verify); ``assets`` the Dagster
asset ``published/scorecard`` that releases each closed month whose gates passed.
"""

from dagster_project.publish.releases import PublishError, list_releases, publish_month, verify

__all__ = ["PublishError", "list_releases", "publish_month", "verify"]
