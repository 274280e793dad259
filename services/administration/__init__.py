"""Administration (`/admin`): officers and their accounts, office closures, acting officials
and the org chart, for administrators and the head of office."""
