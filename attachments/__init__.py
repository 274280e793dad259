"""Files attached to cases: scanned letters, photos, field reports (README "Attachments").

cleaning.py judges a file by its content and takes its metadata out (pure); store.py keeps the
sealed files (a directory); intake.py records `AttachmentAdded` and hands files out again.
"""

from attachments.cleaning import AttachmentRefused, CleanFile, cleaned
from attachments.intake import AttachmentIntake, Download, Upload, Withheld
from attachments.store import AttachmentFiles, DirectoryFiles

__all__ = [
    "AttachmentFiles",
    "AttachmentIntake",
    "AttachmentRefused",
    "CleanFile",
    "DirectoryFiles",
    "Download",
    "Upload",
    "Withheld",
    "cleaned",
]
