"""Complaints by email (`alur serve mail`, README "Email intake"): the office's mailbox read over
IMAP. message.py says what a mail is (pure), mailbox.py reads and moves mails on the IMAP server,
intake.py decides what a mail becomes on a case, reader.py runs the rounds."""
