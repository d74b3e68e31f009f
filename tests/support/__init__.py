"""Helpers shared by the service's tests: factories and a form-posting client."""
