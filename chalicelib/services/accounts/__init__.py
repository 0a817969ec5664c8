"""Accounts: who signs in (citizens at their identity provider, officers in the Cognito
pool) and their browser sessions."""
