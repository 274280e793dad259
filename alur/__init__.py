"""Alur's entry points: the `alur` CLI, the web app factory and one process per worker.

This is the top layer: it builds each process's typed dependencies once and hands them to the
services below. Nothing below it imports it (see the README's folder table).
"""
