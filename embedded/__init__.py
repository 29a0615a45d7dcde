"""The embedded AWS stack: moto for the AWS APIs, plus what moto leaves out."""
