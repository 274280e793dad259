"""The end of personal data: erasure on request (UU 27/2022) and the retention schedule (JRA).

Both crypto-shred: the keys of a case's data subjects are destroyed (privacy/), so every sealed
value of theirs reads "[dihapus]" in events, read models and notifications alike, and a fact
holding no personal data says so in the case's history (`PersonalDataErased`,
`CaseRecordsDestroyed`). The case, its steps and times stay.
"""
