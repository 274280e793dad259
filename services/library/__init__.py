"""The SOP library (`/sop`): every SOP and version with its flowchart and step table, and the
import of a new version from an SOP document, held as a draft until an administrator confirms."""
