"""What tests and benchmarks share: the sandbox, officers and cases, the SMTP and webhook sinks."""
