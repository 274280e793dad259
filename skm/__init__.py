"""The satisfaction survey (Survei Kepuasan Masyarakat) and its index (IKM), PermenPANRB 14/2017."""
