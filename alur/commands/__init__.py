"""The `alur` subcommands, one module per command group (imported only when run)."""
