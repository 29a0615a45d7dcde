"""What moto leaves out, run inside the emulator's process: TTL deletion, AWS/DynamoDB
metrics and provisioned capacity, fault injection, and alarms that evaluate and notify."""
