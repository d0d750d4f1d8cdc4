-- The seed's three tables: one reference per trigger event, one email per recipient, and the
-- user data cached from the user service. All times are UTC (the session time zone is +00:00).

CREATE TABLE reference_info (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    template VARCHAR(100) NOT NULL,
    user_id VARCHAR(191) NULL,
    event_id VARCHAR(191) NOT NULL,
    correlation_id VARCHAR(191) NULL,
    -- The trigger event's data as JSON, rendered into the email; erased after the retention.
    payload MEDIUMTEXT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY reference_event (event_id, template)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE email_info (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    reference_id BIGINT NOT NULL,
    user_id VARCHAR(191) NOT NULL,
    email VARCHAR(320) NULL,
    -- pending (waiting for data), ready (handed to the sender), sending, sent, failed.
    status VARCHAR(16) NOT NULL DEFAULT 'pending',
    attempts INT NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    error_kind VARCHAR(64) NULL,
    lease_until DATETIME(6) NULL,
    sent_at DATETIME(6) NULL,
    message_id VARCHAR(255) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY email_recipient (reference_id, user_id),
    KEY email_status (status, updated_at),
    CONSTRAINT email_reference FOREIGN KEY (reference_id) REFERENCES reference_info (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE user_info (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id VARCHAR(191) NOT NULL,
    name VARCHAR(255) NULL,
    email VARCHAR(320) NULL,
    access_token VARCHAR(255) NULL,
    -- When the user service last answered for this user (the cache TTL counts from here),
    -- and what it said when it could not answer (e.g. not_found).
    fetched_at DATETIME(6) NULL,
    fetch_error VARCHAR(255) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY user_key (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
