"""Officer accounts on the web: the login page (/masuk), logout (/keluar) and activation links
(/aktivasi/{token}), in Bahasa Indonesia; logins throttled per account and per address."""
