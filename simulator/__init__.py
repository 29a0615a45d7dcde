"""A Faker-driven model of the demo shop's visitors, replayed through the tracker protocol."""
