"""The HTTP edge shared by every router: typed dependencies (`provided`), officer
authentication, the error JSON, request bodies, paging, templates and the health check.

This is the only package that knows where a web process keeps its dependencies; routers
receive them through FastAPI's `Depends` (see `dependencies.py`).
"""
