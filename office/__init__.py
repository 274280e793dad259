"""The office's own configuration (`ALUR_OFFICE`): what each office decides for itself."""

from office.config import OfficeConfig, load_office

__all__ = ["OfficeConfig", "load_office"]
