"""Apprenticeship: the local model attempts, a reviewer signs a verdict, the corpus becomes training data."""
