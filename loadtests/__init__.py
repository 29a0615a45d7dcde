"""Locust load tests that replay the simulator's visitors."""
