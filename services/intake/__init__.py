"""Intake: the public complaint form and API; validates, numbers and records complaints."""
