"""The notifier: email and webhook notifications planned from the event stream, sent once."""
