"""The consent service's rules: sign-in, session tokens, participants' keys, consents."""
