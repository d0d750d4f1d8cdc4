-- The invoice template's identifiers on the reference (the seed: "it will only be necessary to
-- add new identifiers to the ReferenceInfo table"), and the customer service's cached data.

ALTER TABLE reference_info
    ADD COLUMN invoice_id VARCHAR(191) NULL AFTER user_id,
    ADD COLUMN customer_id VARCHAR(191) NULL AFTER invoice_id,
    ADD KEY reference_invoice (invoice_id),
    ADD KEY reference_customer (customer_id);

CREATE TABLE customer_info (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id VARCHAR(191) NOT NULL,
    name VARCHAR(255) NULL,
    fetched_at DATETIME(6) NULL,
    fetch_error VARCHAR(255) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    UNIQUE KEY customer_key (customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
