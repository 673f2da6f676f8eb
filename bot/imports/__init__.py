"""Platform exports sent with /import, `baton import`, and the pull connector's job."""
