"""MQTT gateways: decode and validate readings, store them, dead-letter what cannot be stored."""
