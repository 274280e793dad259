"""Open311 GeoReport v2 on the intake side: API keys, the services and `POST requests`."""
