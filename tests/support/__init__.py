"""What tests and benchmarks share, so that no test module imports another:

- sandbox: a private Alur (fresh database, own topics, every worker) and its `Setup`;
- waiting: `eventually`, polling a condition until it holds;
- casework: officers (`alur users add`) and their actions over HTTP;
- seed_cases: the complaint the tests file and the paths the seed SOPs' cases take;
- timers: SLA timers on the simulated clock, and the marker that nothing else was due;
- factories: facts and envelopes for tests that bypass intake;
- mailbox, gateway: the SMTP and webhook sinks of the notifier;
- sop_documents, office_calendars: what the importer's and the calendar's unit tests read.
"""
