-- Messages that may have crashed their worker: a row per work queue and message while a
-- message the broker handed back is being handled, counting how often that was. A message
-- that never finishes (it kills its worker) reaches MAILROOM_CRASH_LIMIT and is parked by the
-- worker itself; the messages that were merely returned with it are handled and lose their
-- row, so they do not count towards anything.

CREATE TABLE crash_ledger (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    queue VARCHAR(100) NOT NULL,
    message_key VARCHAR(191) NOT NULL,
    attempts INT NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY crash_key (queue, message_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
