"""Shared fixtures. Integration tests use the real PostgreSQL and RabbitMQ of the machine
(OLYMP_TEST_DATABASE_ADMIN_URL, OLYMP_TEST_AMQP_URL); they fail, never skip, when those are down."""
