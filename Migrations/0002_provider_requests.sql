-- The cycle guard: one row per provider and key that Mailroom asked for, so every engine
-- agrees on when it last asked and how often. And which references wait for which key, so an
-- answer wakes exactly those.

CREATE TABLE provider_request (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    provider VARCHAR(100) NOT NULL,
    entity_key VARCHAR(191) NOT NULL,
    correlation_id VARCHAR(64) NOT NULL,
    -- pending (asked, no answer yet), answered, exhausted (gave up after the maximum).
    status VARCHAR(16) NOT NULL,
    attempts INT NOT NULL,
    requested_at DATETIME(6) NOT NULL,
    answered_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY request_key (provider, entity_key),
    KEY request_status (status, requested_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE reference_wait (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    provider VARCHAR(100) NOT NULL,
    entity_key VARCHAR(191) NOT NULL,
    reference_id BIGINT NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY wait_key (provider, entity_key, reference_id),
    KEY wait_reference (reference_id),
    CONSTRAINT wait_reference FOREIGN KEY (reference_id) REFERENCES reference_info (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
