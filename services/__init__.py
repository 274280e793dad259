"""Alur's workers. Each folder is one worker: its handlers, its settings, its entry point."""
