"""API Gateway's HTTP API data plane: the payload format 2.0 mapping (`event`), CORS
(`cors`), stage throttling (`throttle`) and metrics (`metrics`) as pure parts, and the thin
ASGI server that joins them to the Lambda runtime (`server`)."""
