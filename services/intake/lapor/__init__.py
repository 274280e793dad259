"""The SP4N-LAPOR! bridge: reports from the LAPOR! admin panel's spreadsheet opened as complaints
(channel `lapor`), and the office's follow-ups exported back in a sheet (issue 18, item 5)."""
