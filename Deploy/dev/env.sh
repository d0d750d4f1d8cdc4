# Sourced by the dev scripts: the settings that point Mailroom at the local services.
export MAILROOM_AMQP_URL=${MAILROOM_AMQP_URL:-amqp://mailroom:mailroom@127.0.0.1:5672/%2F}
export MAILROOM_DATABASE_URL=${MAILROOM_DATABASE_URL:-mariadb://mailroom:mailroom@127.0.0.1:3306/mailroom}
export MAILROOM_MAILER_DSN=${MAILROOM_MAILER_DSN:-smtp://127.0.0.1:${MAILROOM_DEV_SMTP_PORT:-2525}}
export MAILROOM_TEMPLATES_DIR=${MAILROOM_TEMPLATES_DIR:-Deploy/templates}
export MAILROOM_MIGRATIONS_DIR=${MAILROOM_MIGRATIONS_DIR:-Migrations}
export MAILROOM_FROM=${MAILROOM_FROM:-Mailroom <mailroom@example.com>}
