"""The Lambda runtime of the embedded stack: deployed zips run in warm worker processes."""
