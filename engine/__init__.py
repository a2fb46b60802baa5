"""nintei's engine: rule files compiled into durable_rules, reviews, explanations."""
