"""No Telegram: Baton (configuration, database, clock) and its one unit of work, Refused, Person, the configuration."""
