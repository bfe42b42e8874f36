"""Running an installation: backups and restores, health, the background worker and the web
server. These read the whole system (every app's tables, every app's tasks), so they sit on a
floor of their own above every app (docs/architecture.md); no app imports them."""
