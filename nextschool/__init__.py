"""Typed Python SDK for the NextSchool Data API."""
