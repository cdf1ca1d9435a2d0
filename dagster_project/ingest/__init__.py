"""Landing zone → schema ``raw``: the data contract, the file loader and the ingestion assets."""
