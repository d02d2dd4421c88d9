"""Runnable answers to the interview questions; every page includes its code from here."""
